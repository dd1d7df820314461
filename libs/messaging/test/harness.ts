import { randomUUID } from 'node:crypto';
import {
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type JetStreamManager,
} from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { z } from 'zod';
import { defineEvent, type Actor } from '@boucle/contracts';
import {
  EntitySchema,
  Migration,
  type EntityManager,
  type MikroORM,
  type NamedMigration,
} from '@boucle/database';
import {
  ConsumerRunner,
  messagingMigrations,
  Naming,
  OutboxRelay,
  recordEvent,
  type ConsumerRunnerOptions,
  inTransaction,
  type GroupCommit,
  type OutboxRelayOptions,
} from '../src/index.js';
import {
  connectTestNats,
  createTestDatabase,
  openTestOrm,
  uniqueId,
  type TestDatabase,
} from '@boucle/testing';

/** A stand-in domain event: a parcel weighed at a site. */
export const ParcelWeighedV1 = defineEvent({
  producer: 'inventory',
  aggregate: 'parcel',
  event: 'weighed',
  version: 1,
  aggregateId: (data) => data.parcelId,
  description: 'test event',
  schema: z.strictObject({
    parcelId: z.uuid(),
    seq: z.number().int().nonnegative(),
    kg: z.number().positive(),
  }),
  example: { parcelId: '0b7c6f1e-3f7a-4a57-9a52-5f8d2f3f9a10', seq: 1, kg: 12.5 },
});

export class Parcel {
  id!: string;
  seq!: number;
  kg!: number;
}

export const ParcelSchema = new EntitySchema<Parcel>({
  class: Parcel,
  tableName: 'test_parcel',
  properties: {
    id: { type: 'uuid', primary: true },
    seq: { type: 'integer' },
    kg: { type: 'double' },
  },
});

class TestTables extends Migration {
  override up(): void {
    this.addSql(
      'CREATE TABLE test_parcel (id uuid PRIMARY KEY, seq integer NOT NULL, kg double precision NOT NULL)',
    );
    // Deliberately no unique key on event_id: a second application would show as a second row.
    this.addSql(`CREATE TABLE test_effect (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      event_id uuid NOT NULL,
      seq integer NOT NULL,
      occurred_at timestamptz NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT clock_timestamp())`);
  }
}

export const testMigrations: readonly NamedMigration[] = [
  ...messagingMigrations,
  { name: 'Test20261123000000Tables', class: TestTables },
];

export const actor: Actor = { userId: 'op-1', role: 'operator', organisationId: 'org-1' };

export interface Backbone {
  db: TestDatabase;
  orm: MikroORM;
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  naming: Naming;
  relays: OutboxRelay[];
  runners: ConsumerRunner[];
  relay(options?: Partial<OutboxRelayOptions>): OutboxRelay;
  runner(
    options?: Partial<ConsumerRunnerOptions<typeof ParcelWeighedV1>>,
  ): ConsumerRunner<typeof ParcelWeighedV1>;
  dispose(): Promise<void>;
}

export async function createBackbone(natsUrl?: string): Promise<Backbone> {
  const db = await createTestDatabase(testMigrations);
  const orm = await openTestOrm(db.url, {
    entities: [ParcelSchema],
    poolSize: 20,
  });
  const nc = await connectTestNats(natsUrl);
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  const naming = new Naming(`${uniqueId()}.`);
  const relays: OutboxRelay[] = [];
  const runners: ConsumerRunner[] = [];
  const backbone: Backbone = {
    db,
    orm,
    nc,
    js,
    jsm,
    naming,
    relays,
    runners,
    relay(options = {}) {
      const relay = new OutboxRelay({
        databaseUrl: db.url,
        js,
        naming,
        orm,
        pollIntervalMs: 200,
        retryBaseMs: 50,
        retryMaxMs: 500,
        publishTimeoutMs: 2_000,
        ...options,
      });
      relays.push(relay);
      return relay;
    },
    runner(options = {}) {
      const runner = new ConsumerRunner({
        consumer: 'test.parcel-effects',
        event: ParcelWeighedV1,
        handler: applyEffect,
        orm,
        js,
        jsm,
        naming,
        concurrency: 16,
        ackWaitMs: 2_000,
        retryBaseMs: 50,
        retryMaxMs: 200,
        ...options,
      });
      runners.push(runner);
      return runner;
    },
    async dispose() {
      await Promise.allSettled(runners.map((r) => r.stop()));
      await Promise.allSettled(relays.map((r) => r.stop()));
      for (const stream of await jsm.streams.names().next()) {
        if (stream.startsWith(naming.stream('inventory').split('_')[0]!))
          await jsm.streams.delete(stream);
      }
      await nc.close();
      await orm.close(true);
      await db.drop();
    },
  };
  return backbone;
}

/**
 * The change and its event, committed together, as every service's command does: in a
 * transaction of its own, or in a shared one of `groups`.
 */
export async function weighParcel(
  orm: MikroORM,
  seq: number,
  groups?: GroupCommit,
): Promise<string> {
  const work = async (tem: EntityManager) => {
    const parcel = tem.create(Parcel, { id: randomUUID(), seq, kg: 1 + (seq % 40) });
    const event = await recordEvent(
      tem,
      ParcelWeighedV1,
      { parcelId: parcel.id, seq, kg: parcel.kg },
      { actor },
    );
    return event.id;
  };
  return groups ? groups.run(work) : inTransaction(orm, work);
}

/** Commits `count` changes, `parallel` transactions at a time. */
export async function weighParcels(
  orm: MikroORM,
  count: number,
  parallel = 16,
  from = 0,
): Promise<void> {
  let next = from;
  const end = from + count;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < end) await weighParcel(orm, next++);
    }),
  );
}

export async function applyEffect(
  event: { id: string; occurredAt: string; data: { seq: number } },
  em: EntityManager,
): Promise<void> {
  await em.execute('INSERT INTO test_effect (event_id, seq, occurred_at) VALUES (?, ?, ?)', [
    event.id,
    event.data.seq,
    event.occurredAt,
  ]);
}

export async function effectCounts(orm: MikroORM): Promise<{ rows: number; distinct: number }> {
  const [row] = await orm.em
    .fork()
    .execute<{ rows: string; distinct: string }[]>(
      'SELECT count(*) AS rows, count(DISTINCT event_id) AS distinct FROM test_effect',
    );
  return { rows: Number(row!.rows), distinct: Number(row!.distinct) };
}

export async function pendingOutbox(orm: MikroORM): Promise<number> {
  const [row] = await orm.em
    .fork()
    .execute<{ n: string }[]>('SELECT count(*) AS n FROM messaging_outbox WHERE sent_at IS NULL');
  return Number(row!.n);
}

export async function streamCount(jsm: JetStreamManager, stream: string): Promise<number> {
  const info = await jsm.streams.info(stream);
  return info.state.messages;
}
