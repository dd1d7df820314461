import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import path from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SignJWT } from 'jose';
import pg from 'pg';
import { withDatabase } from '@boucle/database';
import { eventually, freePort, testEnvironment, testIdentityKeys, uniqueId } from '@boucle/testing';
import { createGatewayApp } from '../src/app.js';
import { loadGatewayConfig } from '../src/config/gateway.config.js';

const ROOT = path.join(import.meta.dirname, '..', '..', '..');
export const ISSUER = 'https://id.example/realms/cluster';
export const AUDIENCE = 'boucle';

export interface HttpAnswer {
  status: number;
  type: string;
  body: Record<string, unknown>;
}

export interface GatewaySystem {
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
  /** How many requests inventory has answered, from its own metrics. */
  answered(): Promise<number>;
  close(): Promise<void>;
}

/**
 * The gateway in front of a real inventory service, started in a process of its own as
 * in production (services never import each other), on a database of its own.
 */
export async function startGatewaySystem(): Promise<GatewaySystem> {
  const machine = testEnvironment();
  const prefix = `${uniqueId()}.`;
  const database = `test_gw_${uniqueId().replace(/-/g, '_')}`;
  const provider = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const port = await freePort();
  const inventoryUrl = `http://127.0.0.1:${port}`;
  const inventory: ChildProcess = spawn(
    process.execPath,
    ['--import', '@swc-node/register/esm-register', 'services/inventory/src/main.ts'],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: withDatabase(machine.postgresUrl, database),
        NATS_URL: machine.natsUrl,
        REDIS_URL: machine.redisUrl,
        SUBJECT_PREFIX: prefix,
        QUEUE_PREFIX: `${prefix}inventory`,
        IDENTITY_PUBLIC_KEYS: testIdentityKeys().publicKeyPem,
        HTTP_PORT: String(port),
        LOG_LEVEL: 'error',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  await eventually(
    async () =>
      expect((await fetch(`${inventoryUrl}/health/ready`).catch(() => null))?.status).toBe(200),
    { timeoutMs: 60_000 },
  );
  const gateway: NestExpressApplication = await createGatewayApp(
    loadGatewayConfig({
      NATS_URL: machine.natsUrl,
      SUBJECT_PREFIX: prefix,
      AUTH_ISSUER: ISSUER,
      AUTH_AUDIENCE: AUDIENCE,
      AUTH_PUBLIC_KEYS: provider.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      IDENTITY_PRIVATE_KEY: testIdentityKeys().privateKeyPem,
      LOG_LEVEL: 'error',
    }),
  );
  await gateway.listen(0, '127.0.0.1');
  const base = await gateway.getUrl();

  const token: GatewaySystem['token'] = (claims, key = provider.privateKey, alg = 'RS256') =>
    new SignJWT(claims)
      .setProtectedHeader({ alg })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(key);

  return {
    provider,
    token,
    person: (role, organisationId, sub = `${role}-1`) =>
      token({ sub, boucle_role: role, boucle_org: organisationId }),
    async call(method, url, bearer, body, headers = {}) {
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
        body: (await response.json()) as Record<string, unknown>,
      };
    },
    async answered() {
      const text = await (await fetch(`${inventoryUrl}/metrics`)).text();
      return [...text.matchAll(/^boucle_rpc_request_duration_seconds_count\{[^}]*\} (\d+)$/gm)]
        .map((m) => Number(m[1]))
        .reduce((a, b) => a + b, 0);
    },
    async close() {
      await gateway.close();
      if (inventory.exitCode === null) {
        const exited = new Promise((resolve) => inventory.once('exit', resolve));
        inventory.kill('SIGTERM');
        // A stop that hangs must not hold the test run: it is killed after its grace period.
        const grace = setTimeout(() => inventory.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(grace);
      }
      const admin = new pg.Client({ connectionString: machine.postgresUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await admin.end();
    },
  };
}
