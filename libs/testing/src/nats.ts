import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { testEnvironment } from './config/environment.js';
import { eventually } from './eventually.js';

/** A connection to the shared test NATS server that keeps retrying through restarts. */
export async function connectTestNats(url = testEnvironment().natsUrl): Promise<NatsConnection> {
  return connect({
    servers: url,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 100,
    name: 'boucle-test',
    // As services connect (serviceConnectOptions): no stack captured per request.
    noAsyncTraces: true,
  });
}

/*
 * Ports for servers a test starts (services, private NATS servers), chosen below the
 * kernel's ephemeral range (32768-60999 here) and in a block of their own for each Jest
 * worker: a port asked of the kernel (listen on 0) is free only until it is closed, and
 * while a service boots on it, an outgoing connection or another worker's test could take
 * it; a service that then cannot listen dies after the readiness check was answered by
 * whatever took its port. Within a file, no port is given twice.
 */
const PORTS_FROM = 20_000;
/** Four blocks fit below 32768: as many workers as a Jest config here runs (maxWorkers 2) and more. */
const WORKER_BLOCKS = 4;
const PORTS_PER_WORKER = 3_000;
const given = new Set<number>();

function portTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(true));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(false)));
  });
}

export async function freePort(): Promise<number> {
  const worker = (testEnvironment().workerId - 1) % WORKER_BLOCKS;
  const base = PORTS_FROM + worker * PORTS_PER_WORKER;
  for (let tries = 0; tries < 200; tries++) {
    const port = base + Math.floor(Math.random() * PORTS_PER_WORKER);
    if (given.has(port) || (await portTaken(port))) continue;
    given.add(port);
    return port;
  }
  throw new Error(`no free port between ${base} and ${base + PORTS_PER_WORKER - 1}`);
}

export interface PrivateNatsServerOptions {
  /**
   * A configuration file (e.g. one including deploy/nats/accounts.conf); the port,
   * the listen address and the store directory are still this server's own.
   */
  configFile?: string;
  /** Environment of nats-server, for the variables its configuration reads. */
  env?: Record<string, string>;
}

/**
 * A nats-server owned by one test (its own port and store directory), for
 * killing and restarting. The shared server is never touched.
 */
export class PrivateNatsServer {
  private process: ChildProcess | undefined;
  readonly storeDir = mkdtempSync(path.join(tmpdir(), 'boucle-nats-'));

  private constructor(
    readonly port: number,
    private readonly binary: string,
    private readonly options: PrivateNatsServerOptions,
  ) {}

  static async start(
    binary = testEnvironment().natsServerBin,
    options: PrivateNatsServerOptions = {},
  ): Promise<PrivateNatsServer> {
    const server = new PrivateNatsServer(await freePort(), binary, options);
    await server.restart();
    return server;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  async restart(): Promise<void> {
    if (this.process) throw new Error('nats-server is already running');
    const { configFile, env } = this.options;
    const child = spawn(
      this.binary,
      [
        ...(configFile ? ['-c', configFile] : []),
        ...['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.storeDir],
      ],
      {
        stdio: 'ignore',
        ...(env && { env: { ...process.env, ...env } }),
      },
    );
    this.process = child;
    child.once('exit', () => {
      if (this.process === child) this.process = undefined;
    });
    await eventually(
      async () => {
        try {
          const nc = await connect({ servers: this.url, reconnect: false, timeout: 500 });
          await nc.close();
        } catch (error) {
          // A server requiring a user is up when it refuses an anonymous one.
          if (!/authorization/i.test(String(error))) throw error;
        }
      },
      { timeoutMs: 15_000, intervalMs: 100 },
    );
  }

  /** Dies at once, as on a power cut of the process: no flush, no goodbye. */
  async kill(): Promise<void> {
    const child = this.process;
    if (!child) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    this.process = undefined;
  }

  async dispose(): Promise<void> {
    await this.kill();
    rmSync(this.storeDir, { recursive: true, force: true });
  }
}
