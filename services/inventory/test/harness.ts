import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { InventoryRpc, type Actor, type Producer } from '@boucle/contracts';
import { MikroORM } from '@boucle/database';
import {
  ensureProducerStream,
  IdentitySigner,
  Naming,
  RpcClient,
  RpcError,
} from '@boucle/messaging';
import type { DestinationStream } from 'pino';
import {
  connectTestNats,
  testIdentityKeys,
  testServiceEnvironment,
  type TestDatabase,
} from '@boucle/testing';
import { createInventoryApp } from '../src/app.js';
import { loadInventoryConfig, type InventoryConfig } from '../src/config/inventory.config.js';
import { inventoryMigrations } from '../src/database/migrations.js';

export interface Fixture {
  organisationId: string;
  siteId: string;
  locationId: string;
  otherLocationId: string;
  certificateId: string;
  operator: Actor;
  refurbisher: Actor;
}

export interface InventoryHarness {
  app: INestApplication;
  config: InventoryConfig;
  db: TestDatabase;
  orm: MikroORM;
  nc: NatsConnection;
  rpc: RpcClient;
  naming: Naming;
  coordinator: Actor;
  /** A member organisation with a reuse village, two locations and a valid centre certificate (recorded by the coordinator). */
  member(
    kind?: 'reuse-village' | 'construction-site' | 'partner-shop' | 'washing-centre',
  ): Promise<Fixture>;
  close(): Promise<void>;
}

export const coordinator: Actor = { userId: 'coord-1', role: 'coordinator', organisationId: null };

/**
 * Starts the service on a database, subject prefix and queue prefix of its own.
 * `streams` are other services' streams to create first, as if they were running.
 */
export async function startInventory(
  overrides: Record<string, string> = {},
  streams: Producer[] = [],
  options: { logDestination?: DestinationStream } = {},
): Promise<InventoryHarness> {
  const test = await testServiceEnvironment('inventory', inventoryMigrations);
  const { db, prefix } = test;
  const config = loadInventoryConfig({
    ...test.env,
    HOLD_SWEEP_INTERVAL_MS: String(3_600_000),
    ...overrides,
  });
  const naming = new Naming(prefix);
  const nc = await connectTestNats();
  const jsm = await jetstreamManager(nc);
  for (const producer of streams) await ensureProducerStream(jsm, naming, producer);
  const app = await createInventoryApp(config, options.logDestination);
  await app.listen(0, '127.0.0.1');
  // Speaks for whoever a test names as `actor`, as the gateway does for a signed-in person.
  const rpc = new RpcClient(
    nc,
    prefix,
    30_000,
    new IdentitySigner(testIdentityKeys().privateKeyPem),
  );

  const harness: InventoryHarness = {
    app,
    config,
    db,
    orm: app.get(MikroORM),
    nc,
    rpc,
    naming,
    coordinator,
    async member(kind = 'reuse-village') {
      const { organisationId } = await rpc.request(InventoryRpc.registerOrganisation, {
        actor: coordinator,
        name: `Ressourcerie ${randomUUID().slice(0, 6)}`,
        kind: 'reuse-village',
      });
      const operator: Actor = {
        userId: `op-${randomUUID().slice(0, 6)}`,
        role: 'operator',
        organisationId,
      };
      const refurbisher: Actor = {
        userId: `ref-${randomUUID().slice(0, 6)}`,
        role: 'refurbisher',
        organisationId,
      };
      const site = await rpc.request(InventoryRpc.registerSite, {
        actor: operator,
        organisationId,
        name: 'Village du réemploi',
        kind,
        locality: 'Amiens',
        locations: ['quai', 'atelier'],
      });
      // Certificates are the cluster's to record (NF S97-414 trust chain), not the member's.
      const { certificateId } = await rpc.request(InventoryRpc.recordCertificate, {
        actor: coordinator,
        siteId: site.siteId,
        reference: 'NF S97-414 n° 2025-117',
        validFrom: '2025-01-01',
        validUntil: '2028-12-31',
      });
      return {
        organisationId,
        siteId: site.siteId,
        locationId: site.locations[0]!.id,
        otherLocationId: site.locations[1]!.id,
        certificateId,
        operator,
        refurbisher,
      };
    },
    async close() {
      await app.close();
      await nc.close();
      await test.cleanup();
    },
  };
  return harness;
}

/** The answer of a request expected to fail, as its typed error. */
export async function refusal(promise: Promise<unknown>): Promise<RpcError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RpcError) return error;
    throw error;
  }
  throw new Error('expected the request to be refused');
}

export * from './factories.js';
