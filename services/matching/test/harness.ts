import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Actor, EventEnvelope } from '@boucle/contracts';
import { MikroORM } from '@boucle/database';
import {
  ensureProducerStream,
  IdentitySigner,
  Naming,
  RpcClient,
  RpcError,
} from '@boucle/messaging';
import {
  connectTestNats,
  testIdentityKeys,
  testServiceEnvironment,
  type TestDatabase,
} from '@boucle/testing';
import { createMatchingApp } from '../src/app.js';
import type { MatchingAppOptions } from '../src/app.module.js';
import { loadMatchingConfig, type MatchingConfig } from '../src/config/matching.config.js';
import { matchingMigrations } from '../src/database/migrations.js';
import { InventoryFeed } from './factories.js';

export interface MatchingHarness {
  app: INestApplication;
  config: MatchingConfig;
  db: TestDatabase;
  orm: MikroORM;
  nc: NatsConnection;
  rpc: RpcClient;
  naming: Naming;
  coordinator: Actor;
  /** Inventory, as matching hears it: its events published into its stream. */
  inventory: InventoryFeed;
  /** A member of the cluster with one person of each role that deals with matching. */
  member(): Member;
  /** A beneficiary acting for themselves. */
  beneficiary(): Actor;
  /** The events matching published on a subject, oldest first. */
  events(subject: string): Promise<EventEnvelope[]>;
  /** Every message of every stream under this file's prefix, as raw text. */
  allMessages(): Promise<string[]>;
  close(): Promise<void>;
}

export interface Member {
  organisationId: string;
  operator: Actor;
  firm: Actor;
}

export const coordinator: Actor = { userId: 'coord-1', role: 'coordinator', organisationId: null };

/** Starts the service on a database, subject prefix and queue prefix of its own. */
export async function startMatching(
  overrides: Record<string, string> = {},
  options: MatchingAppOptions = {},
): Promise<MatchingHarness> {
  const test = await testServiceEnvironment('matching', matchingMigrations);
  const { db, prefix } = test;
  const config = loadMatchingConfig({ ...test.env, NODE_ENV: 'test', ...overrides });
  const naming = new Naming(prefix);
  const nc = await connectTestNats();
  // Inventory's stream, as if inventory were running: matching's consumers read it.
  await ensureProducerStream(await jetstreamManager(nc), naming, 'inventory');
  const app = await createMatchingApp(config, options);
  await app.listen(0, '127.0.0.1');
  const rpc = new RpcClient(
    nc,
    prefix,
    30_000,
    new IdentitySigner(testIdentityKeys().privateKeyPem),
  );
  const streamMessages = async (stream: string) => {
    const found: { subject: string; text: string }[] = [];
    const s = await jetstream(nc).streams.get(stream);
    const info = await s.info();
    for (
      let seq = info.state.first_seq;
      seq <= info.state.last_seq && info.state.messages > 0;
      seq++
    ) {
      const msg = await s.getMessage({ seq }).catch(() => null);
      if (msg) found.push({ subject: msg.subject, text: msg.string() });
    }
    return found;
  };
  return {
    app,
    config,
    db,
    orm: app.get(MikroORM),
    nc,
    rpc,
    naming,
    coordinator,
    inventory: new InventoryFeed(nc, naming),
    member() {
      const organisationId = randomUUID();
      const person = (role: Actor['role']): Actor => ({
        userId: `${role}-${randomUUID().slice(0, 8)}`,
        role,
        organisationId,
      });
      return { organisationId, operator: person('operator'), firm: person('firm') };
    },
    beneficiary() {
      return {
        userId: `user-${randomUUID().slice(0, 8)}`,
        role: 'beneficiary',
        organisationId: null,
      };
    },
    async events(subject) {
      const messages = await streamMessages(naming.stream('matching'));
      return messages
        .filter((m) => m.subject === naming.subject(subject))
        .map((m) => JSON.parse(m.text) as EventEnvelope);
    },
    async allMessages() {
      const jsm = await jetstreamManager(nc);
      const texts: string[] = [];
      const streamPrefix = naming.stream('matching').replace(/MATCHING$/, '');
      for await (const name of jsm.streams.names())
        if (name.startsWith(streamPrefix))
          texts.push(...(await streamMessages(name)).map((m) => m.text));
      return texts;
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
