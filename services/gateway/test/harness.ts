import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SignJWT } from 'jose';
import pg from 'pg';
import { withDatabase } from '@boucle/database';
import {
  eventually,
  freePort,
  removeTestTraces,
  testEnvironment,
  testIdentityKeys,
  uniqueId,
} from '@boucle/testing';
import { createGatewayApp } from '../src/app.js';
import { loadGatewayConfig } from '../src/config/gateway.config.js';

const ROOT = path.join(import.meta.dirname, '..', '..', '..');
export const ISSUER = 'https://id.example/realms/cluster';
export const AUDIENCE = 'boucle';

export interface HttpAnswer {
  status: number;
  type: string;
  body: Record<string, unknown>;
  headers: Headers;
}

export interface GatewaySystem {
  /** Where the gateway listens, `http://127.0.0.1:<port>`, for tests that shape raw requests. */
  url: string;
  /** The NATS server and this system's subject prefix, for tests that watch its events. */
  nats: { url: string; prefix: string };
  /** The sign-in provider's key pair: its tokens are the ones the gateway accepts. */
  provider: { privateKey: KeyObject; publicKey: KeyObject };
  token(claims: Record<string, unknown>, key?: KeyObject, alg?: string): Promise<string>;
  /** A bearer token for a person of the cluster. */
  person(role: string, organisationId: string | null, sub?: string): Promise<string>;
  call(
    method: string,
    url: string,
    bearer?: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<HttpAnswer>;
  /**
   * Another gateway in front of the same services, with settings of its own (a wait, a
   * limit), for tests that compare two; closed with the system.
   */
  anotherGateway(env: Record<string, string>): Promise<Pick<GatewaySystem, 'url' | 'call'>>;
  /** How many requests inventory, collection and matching have answered, from their own metrics. */
  answered(): Promise<number>;
  /** Each service's database, for tests that check what it keeps against another's. */
  databases: Record<ServiceName, string>;
  /** Stops a service's process, as an outage would; `startService` brings it back on its database. */
  stopService(name: ServiceName): Promise<void>;
  startService(name: ServiceName): Promise<void>;
  /**
   * Freezes a service's process (SIGSTOP) until `resumeService` (SIGCONT): it answers and
   * consumes nothing meanwhile, and takes up again at once, without a restart's delay.
   */
  pauseService(name: ServiceName): void;
  resumeService(name: ServiceName): void;
  close(): Promise<void>;
}

type ServiceName = 'inventory' | 'collection' | 'matching';

/** A service started in a process of its own, as in production, until `stop`. */
interface ServiceProcess {
  name: ServiceName;
  url: string;
  database: string;
  stop(): Promise<void>;
  signal(signal: 'SIGSTOP' | 'SIGCONT'): void;
}

/**
 * Starts the built `dist/services/<name>/main.js` (nx builds it before the gateway's
 * integration tests; compiling two services on the fly in every test file overloads a
 * 2-core machine) on a database of its own and
 * the system's subject prefix, and waits until it is ready. Collection runs with the round
 * planner its `createCollectionApp` gives by default: the production one.
 */
async function startService(
  name: ServiceName,
  prefix: string,
  machine: ReturnType<typeof testEnvironment>,
  env: Record<string, string> = {},
  database = `test_gw_${name.slice(0, 3)}_${uniqueId().replace(/-/g, '_')}`,
): Promise<ServiceProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const bundle = path.join(ROOT, 'dist', 'services', name, 'main.js');
  if (!existsSync(bundle))
    throw new Error(
      `${bundle} is missing: run \`npx nx run-many -t build -p inventory collection matching\` first`,
    );
  const child: ChildProcess = spawn(process.execPath, ['--enable-source-maps', bundle], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: withDatabase(machine.postgresUrl, database),
      NATS_URL: machine.natsUrl,
      REDIS_URL: machine.redisUrl,
      SUBJECT_PREFIX: prefix,
      QUEUE_PREFIX: `${prefix}${name}`,
      IDENTITY_PUBLIC_KEYS: testIdentityKeys().publicKeyPem,
      HTTP_PORT: String(port),
      LOG_LEVEL: 'error',
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  let stopping = false;
  // A service that dies under a test is said in the log: the test then only sees 503s.
  child.once('exit', (code, signal) => {
    if (!stopping) console.error(`${name} (port ${port}) exited under the test: ${signal ?? code}`);
  });
  const stop = async () => {
    stopping = true;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    // A paused process would never see the stop.
    child.kill('SIGCONT');
    child.kill('SIGTERM');
    // A stop that hangs must not hold the test run: it is killed after its grace period.
    const grace = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(grace);
  };
  try {
    await eventually(
      async () => {
        // A service that stopped at start (a bad configuration) will never be ready.
        if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`);
        expect((await fetch(`${url}/health/ready`).catch(() => null))?.status).toBe(200);
      },
      // A bound on a wait, not a measure: a busy machine starts services slowly.
      { timeoutMs: 120_000 },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { name, url, database, stop, signal: (signal) => void child.kill(signal) };
}

/**
 * The gateway in front of real inventory, collection and matching services, each started in a
 * process of its own as in production (services never import each other), on a database
 * of its own.
 */
export async function startGatewaySystem(
  options: {
    /** Gateway settings on top of the test's own (a rate limit, a timeout). */
    gatewayEnv?: Record<string, string>;
    /** A service's settings on top of the harness's (a hold's length, a cap). */
    serviceEnv?: Partial<Record<ServiceName, Record<string, string>>>;
  } = {},
): Promise<GatewaySystem> {
  const machine = testEnvironment();
  const prefix = `${uniqueId()}.`;
  const provider = generateKeyPairSync('rsa', { modulusLength: 2048 });
  // Side by side: each migrates its own database and provisions its own stream.
  const started = await Promise.allSettled(
    (['inventory', 'collection', 'matching'] as const).map((name) =>
      startService(name, prefix, machine, options.serviceEnv?.[name]),
    ),
  );
  let services = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await Promise.all(services.map((service) => service.stop()));
    throw failed.reason;
  }
  const gateways: NestExpressApplication[] = [];
  const startGateway = async (env: Record<string, string> | undefined) => {
    const app = await createGatewayApp(
      loadGatewayConfig({
        NATS_URL: machine.natsUrl,
        SUBJECT_PREFIX: prefix,
        AUTH_ISSUER: ISSUER,
        AUTH_AUDIENCE: AUDIENCE,
        AUTH_PUBLIC_KEYS: provider.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        IDENTITY_PRIVATE_KEY: testIdentityKeys().privateKeyPem,
        REDIS_URL: machine.redisUrl,
        LOG_LEVEL: 'error',
        ...env,
      }),
    );
    gateways.push(app);
    await app.listen(0, '127.0.0.1');
    return app.getUrl();
  };
  const base = await startGateway(options.gatewayEnv);
  const databases = Object.fromEntries(
    services.map((s) => [s.name, withDatabase(machine.postgresUrl, s.database)]),
  ) as Record<ServiceName, string>;
  const databaseOf = Object.fromEntries(services.map((s) => [s.name, s.database]));

  const token: GatewaySystem['token'] = (claims, key = provider.privateKey, alg = 'RS256') =>
    new SignJWT(claims)
      .setProtectedHeader({ alg })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(key);

  return {
    url: base,
    nats: { url: machine.natsUrl, prefix },
    provider,
    token,
    person: (role, organisationId, sub = `${role}-1`) =>
      token({ sub, boucle_role: role, boucle_org: organisationId }),
    call: callerOf(base),
    async anotherGateway(env) {
      const url = await startGateway({ ...options.gatewayEnv, ...env });
      return { url, call: callerOf(url) };
    },
    async answered() {
      let count = 0;
      for (const service of services) {
        const text = await (await fetch(`${service.url}/metrics`)).text();
        count += [...text.matchAll(/^boucle_rpc_request_duration_seconds_count\{[^}]*\} (\d+)$/gm)]
          .map((m) => Number(m[1]))
          .reduce((a, b) => a + b, 0);
      }
      return count;
    },
    databases,
    async stopService(name) {
      await Promise.all(services.filter((s) => s.name === name).map((s) => s.stop()));
      services = services.filter((s) => s.name !== name);
    },
    async startService(name) {
      if (services.some((s) => s.name === name)) throw new Error(`${name} is already running`);
      services.push(
        await startService(name, prefix, machine, options.serviceEnv?.[name], databaseOf[name]),
      );
    },
    pauseService(name) {
      for (const s of services.filter((s) => s.name === name)) s.signal('SIGSTOP');
    },
    resumeService(name) {
      for (const s of services.filter((s) => s.name === name)) s.signal('SIGCONT');
    },
    async close() {
      for (const app of gateways) await app.close();
      await Promise.all(services.map((service) => service.stop()));
      const admin = new pg.Client({ connectionString: machine.postgresUrl });
      await admin.connect();
      for (const database of Object.values(databaseOf))
        await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await admin.end();
      // The services' streams and queues, and the gateway's rate windows.
      await removeTestTraces(prefix, [
        `${prefix}inventory`,
        `${prefix}collection`,
        `${prefix}matching`,
        `${prefix}gateway`,
      ]);
    },
  };
}

/** Calls a gateway at `base` as the tests do: a JSON body, a bearer, the answer read. */
function callerOf(base: string): GatewaySystem['call'] {
  return async (method, url, bearer, body, headers = {}) => {
    const response = await fetch(`${base}${url}`, {
      method,
      headers: {
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined
        ? { body: typeof body === 'string' ? body : JSON.stringify(body) }
        : {}),
    });
    return {
      status: response.status,
      type: response.headers.get('content-type') ?? '',
      headers: response.headers,
      // A 304 has no body.
      body: (response.status === 304 ? {} : await response.json()) as Record<string, unknown>,
    };
  };
}
