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
  });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
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
  ) {}

  static async start(binary = testEnvironment().natsServerBin): Promise<PrivateNatsServer> {
    const server = new PrivateNatsServer(await freePort(), binary);
    await server.restart();
    return server;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  async restart(): Promise<void> {
    if (this.process) throw new Error('nats-server is already running');
    const child = spawn(
      this.binary,
      ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.storeDir],
      {
        stdio: 'ignore',
      },
    );
    this.process = child;
    child.once('exit', () => {
      if (this.process === child) this.process = undefined;
    });
    await eventually(
      async () => {
        const nc = await connect({ servers: this.url, reconnect: false, timeout: 500 });
        await nc.close();
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
