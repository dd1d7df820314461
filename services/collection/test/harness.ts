import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Queue } from 'bullmq';
import type { Actor, EventEnvelope } from '@boucle/contracts';
import { MikroORM } from '@boucle/database';
import { IdentitySigner, Naming, RpcClient, RpcError } from '@boucle/messaging';
import {
  connectTestNats,
  testIdentityKeys,
  testServiceEnvironment,
  type TestDatabase,
} from '@boucle/testing';
import { createCollectionApp } from '../src/app.js';
import type { CollectionAppOptions } from '../src/app.module.js';
import { loadCollectionConfig, type CollectionConfig } from '../src/config/collection.config.js';
import { collectionMigrations } from '../src/database/migrations.js';
import { greedyPlanner } from './greedy-planner.js';

export interface Member {
  organisationId: string;
  operator: Actor;
  firm: Actor;
  shop: Actor;
  driver: Actor;
}

export interface CollectionHarness {
  app: INestApplication;
  config: CollectionConfig;
  db: TestDatabase;
  orm: MikroORM;
  nc: NatsConnection;
  rpc: RpcClient;
  naming: Naming;
  coordinator: Actor;
  /** A member of the cluster with one person of each role that deals with collection. */
  member(): Member;
  queue(name: string): Queue;
  /** The events collection published on a subject, oldest first. */
  events(subject: string): Promise<EventEnvelope[]>;
  close(): Promise<void>;
}

export const coordinator: Actor = { userId: 'coord-1', role: 'coordinator', organisationId: null };

/**
 * Starts the service on a database, subject prefix and queue prefix of its own, with the
 * greedy test planner unless `options.planner` says otherwise.
 */
export async function startCollection(
  overrides: Record<string, string> = {},
  options: CollectionAppOptions = {},
): Promise<CollectionHarness> {
  const test = await testServiceEnvironment('collection', collectionMigrations);
  const { db, prefix } = test;
  const config = loadCollectionConfig({ ...test.env, ...overrides });
  const naming = new Naming(prefix);
  const nc = await connectTestNats();
  const app = await createCollectionApp(config, { planner: greedyPlanner, ...options });
  await app.listen(0, '127.0.0.1');
  const rpc = new RpcClient(
    nc,
    prefix,
    30_000,
    new IdentitySigner(testIdentityKeys().privateKeyPem),
  );
  return {
    app,
    config,
    db,
    orm: app.get(MikroORM),
    nc,
    rpc,
    naming,
    coordinator,
    member() {
      const organisationId = randomUUID();
      const person = (role: Actor['role']): Actor => ({
        userId: `${role}-${randomUUID().slice(0, 8)}`,
        role,
        organisationId,
      });
      return {
        organisationId,
        operator: person('operator'),
        firm: person('firm'),
        shop: person('shop'),
        driver: person('driver'),
      };
    },
    queue(name) {
      return app.get<Queue>(getQueueToken(name), { strict: false });
    },
    async events(subject) {
      const stream = await jetstream(nc).streams.get(naming.stream('collection'));
      const found: EventEnvelope[] = [];
      const info = await stream.info();
      for (
        let seq = info.state.first_seq;
        seq <= info.state.last_seq && info.state.messages > 0;
        seq++
      ) {
        const msg = await stream.getMessage({ seq }).catch(() => null);
        if (msg && msg.subject === naming.subject(subject)) found.push(msg.json<EventEnvelope>());
      }
      return found;
    },
    async close() {
      await app.close();
      await nc.close();
      await test.cleanup();
    },
  };
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
