import { spawn, type ChildProcess } from 'node:child_process';
import {
  createPrivateKey,
  generateKeyPairSync,
  randomUUID,
  sign,
  type KeyObject,
} from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { eventually, freePort, testEnvironment, testIdentityKeys, uniqueId } from '@boucle/testing';

export const ROOT = path.join(import.meta.dirname, '..', '..', '..');
const ISSUER = 'https://id.example/realms/console-tests';
const AUDIENCE = 'boucle';

const BUILT = [
  'dist/services/inventory/main.js',
  'dist/services/collection/main.js',
  'dist/services/matching/main.js',
  'dist/services/gateway/main.js',
  'dist/apps/console/index.html',
];

export interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

export interface ConsoleSystem {
  /** The gateway serving the console and the API, `http://127.0.0.1:<port>`. */
  url: string;
  /** A bearer token of the tests' sign-in provider for a person of the cluster. */
  person(role: string, organisationId: string | null, sub?: string): string;
  call(
    method: string,
    url: string,
    bearer: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Answer>;
  close(): Promise<void>;
}

/**
 * The system as `npm start` runs it: the compiled inventory, collection, matching and gateway (which
 * serves the built console), each in its own process, on databases, a subject prefix and
 * ports of this test file's own. The Nx target builds them first (`test:integration`
 * depends on the builds).
 */
export async function startConsoleSystem(): Promise<ConsoleSystem> {
  const missing = BUILT.filter((file) => !existsSync(path.join(ROOT, file)));
  if (missing.length)
    throw new Error(
      `not built: ${missing.join(', ')}; run npx nx run-many -t build -p inventory collection matching gateway console`,
    );
  const machine = testEnvironment();
  const prefix = `${uniqueId()}.`;
  const database = `test_console_${uniqueId().replace(/-/g, '_')}`;
  const databaseUrl = new URL(machine.postgresUrl);
  databaseUrl.pathname = `/${database}`;
  // Each service its own database, as in production.
  const collectionDatabase = `${database}_collection`;
  const collectionUrl = new URL(machine.postgresUrl);
  collectionUrl.pathname = `/${collectionDatabase}`;
  const matchingDatabase = `${database}_matching`;
  const matchingUrl = new URL(machine.postgresUrl);
  matchingUrl.pathname = `/${matchingDatabase}`;
  const provider = generateKeyPairSync('ed25519');
  const [inventoryPort, collectionPort, matchingPort, gatewayPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const children: ChildProcess[] = [];
  const run = (service: string, env: Record<string, string>) => {
    const child = spawn(
      process.execPath,
      [path.join(ROOT, 'dist', 'services', service, 'main.js')],
      {
        cwd: ROOT,
        env: { ...process.env, LOG_LEVEL: 'error', ...env },
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    );
    children.push(child);
    return child;
  };
  const system = {
    async close() {
      await Promise.all(children.map(stop));
      const admin = new pg.Client({ connectionString: machine.postgresUrl });
      await admin.connect();
      for (const name of [database, collectionDatabase, matchingDatabase])
        await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    },
  };
  try {
    run('inventory', {
      DATABASE_URL: databaseUrl.toString(),
      NATS_URL: machine.natsUrl,
      REDIS_URL: machine.redisUrl,
      SUBJECT_PREFIX: prefix,
      QUEUE_PREFIX: `${prefix}inventory`,
      IDENTITY_PUBLIC_KEYS: testIdentityKeys().publicKeyPem,
      HTTP_PORT: String(inventoryPort),
    });
    run('collection', {
      DATABASE_URL: collectionUrl.toString(),
      NATS_URL: machine.natsUrl,
      REDIS_URL: machine.redisUrl,
      SUBJECT_PREFIX: prefix,
      QUEUE_PREFIX: `${prefix}collection`,
      IDENTITY_PUBLIC_KEYS: testIdentityKeys().publicKeyPem,
      HTTP_PORT: String(collectionPort),
    });
    run('matching', {
      DATABASE_URL: matchingUrl.toString(),
      NATS_URL: machine.natsUrl,
      REDIS_URL: machine.redisUrl,
      SUBJECT_PREFIX: prefix,
      QUEUE_PREFIX: `${prefix}matching`,
      IDENTITY_PUBLIC_KEYS: testIdentityKeys().publicKeyPem,
      HTTP_PORT: String(matchingPort),
    });
    run('gateway', {
      NATS_URL: machine.natsUrl,
      REDIS_URL: machine.redisUrl,
      SUBJECT_PREFIX: prefix,
      AUTH_ISSUER: ISSUER,
      AUTH_AUDIENCE: AUDIENCE,
      AUTH_PUBLIC_KEYS: provider.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      IDENTITY_PRIVATE_KEY: testIdentityKeys().privateKeyPem,
      HTTP_PORT: String(gatewayPort),
      // The journeys are quick; a person's limit is for people, not for tests.
      RATE_LIMIT_PERSON_PER_MINUTE: '0',
      RATE_LIMIT_ADDRESS_PER_MINUTE: '0',
    });
    const ready = async (port: number, probe: string) =>
      eventually(
        async () => {
          for (const child of children)
            if (child.exitCode !== null)
              throw Object.assign(new Error(`a service exited (${child.exitCode})`), {
                fatal: true,
              });
          const status = (await fetch(`http://127.0.0.1:${port}${probe}`).catch(() => null))
            ?.status;
          if (status !== 200) throw new Error(`127.0.0.1:${port}${probe} answered ${status}`);
        },
        { timeoutMs: 90_000, intervalMs: 200 },
      );
    // Collection first: inventory is ready once it consumes collection's stream, which
    // collection makes when it starts.
    await ready(collectionPort, '/health/ready');
    await ready(inventoryPort, '/health/ready');
    await ready(matchingPort, '/health/ready');
    await ready(gatewayPort, '/health/live');
  } catch (error) {
    await system.close();
    throw error;
  }
  const url = `http://127.0.0.1:${gatewayPort}`;
  return {
    url,
    person: (role, organisationId, sub = `${role}-${randomUUID().slice(0, 8)}`) =>
      token(provider.privateKey, { sub, boucle_role: role, boucle_org: organisationId }),
    async call(method, route, bearer, body, headers = {}) {
      const response = await fetch(`${url}${route}`, {
        method,
        headers: {
          authorization: `Bearer ${bearer}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      return {
        status: response.status,
        headers: response.headers,
        body: (text ? JSON.parse(text) : {}) as Record<string, unknown>,
      };
    },
    close: system.close,
  };
}

function token(key: KeyObject, claims: Record<string, unknown>): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const input = `${encode({ alg: 'EdDSA', typ: 'JWT' })}.${encode({ ...claims, iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 3600 })}`;
  return `${input}.${sign(null, Buffer.from(input), createPrivateKey(key.export({ type: 'pkcs8', format: 'pem' }))).toString('base64url')}`;
}

/** Stops a service as Ctrl-C would; one that hangs is killed after its grace period. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const grace = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(grace);
}

/** A member with a site and its locations, registered by the coordinator. */
export async function registerMember(
  system: ConsoleSystem,
  options: {
    kind: string;
    siteKind: string;
    name: string;
    /** Where the site is, for collection's rounds. */
    position?: { latitude: number; longitude: number };
  },
): Promise<{
  organisationId: string;
  siteId: string;
  locationId: string;
  otherLocationId: string;
  coordinator: string;
}> {
  const coordinator = system.person('coordinator', null);
  const organisation = await system.call('POST', '/v1/organisations', coordinator, {
    name: options.name,
    kind: options.kind,
  });
  created(organisation);
  const organisationId = String(organisation.body['organisationId']);
  const site = await system.call('POST', '/v1/sites', coordinator, {
    organisationId,
    name: `${options.name}, site`,
    kind: options.siteKind,
    locality: 'Amiens',
    ...(options.position ? { position: options.position } : {}),
    locations: ['Accueil', 'Atelier'],
  });
  created(site);
  const locations = site.body['locations'] as { id: string }[];
  return {
    organisationId,
    siteId: String(site.body['siteId']),
    locationId: locations[0]!.id,
    otherLocationId: locations[1]!.id,
    coordinator,
  };
}

/** A registration the gateway refused stops the set-up with its problem (tests and the benchmark alike). */
export function created(answer: Answer): Answer {
  if (answer.status !== 201)
    throw new Error(`expected 201, got ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer;
}
