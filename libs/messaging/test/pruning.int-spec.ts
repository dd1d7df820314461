/**
 * Issue 8: the inbox was never pruned and sent outbox rows went in one unbatched
 * delete. Both now go in bounded batches within a time budget; inbox rows outlive
 * the stream their events came from, so a consumer that is deleted and re-created
 * (it replays the stream from its start) still applies nothing twice.
 */
import 'reflect-metadata';
import { Injectable, Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { EventEnvelope } from '@boucle/contracts';
import { MikroORM, type EntityManager } from '@boucle/database';
import { eventually, testEnvironment } from '@boucle/testing';
import {
  AGGREGATE_APPLIED_TABLE,
  ensureDeadLetterStream,
  ensureProducerStream,
  INBOX_TABLE,
  InboxPruner,
  MessagingModule,
  MessagingRuntime,
  OnEvent,
  OUTBOX_TABLE,
  OutboxRelay,
  type InboxPrunerOptions,
} from '../src/index.js';
import {
  applyEffect,
  createBackbone,
  effectCounts,
  ParcelWeighedV1,
  streamCount,
  weighParcels,
  type Backbone,
} from './harness.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
const BATCH = 1_000;
/** Small enough that a run of 29 batches never fits in it, on any machine. */
const TINY_BUDGET_MS = 10;

/** Rows inserted in one statement, sent `sentAgoMs` ago; `'pending'` leaves them unsent. */
async function insertOutboxRows(
  orm: MikroORM,
  { count, sentAgoMs }: { count: number; sentAgoMs: number | 'pending' },
): Promise<void> {
  const sentAt =
    sentAgoMs === 'pending' ? 'NULL' : `clock_timestamp() - ?::float8 * interval '1 millisecond'`;
  await orm.em.fork().execute(
    `INSERT INTO ${OUTBOX_TABLE} (event_id, subject, payload, created_at, sent_at)
     SELECT gen_random_uuid(), ?, '{}'::jsonb, clock_timestamp() - interval '30 days', ${sentAt}
       FROM generate_series(1, ?)`,
    sentAgoMs === 'pending'
      ? [ParcelWeighedV1.subject, count]
      : [ParcelWeighedV1.subject, sentAgoMs, count],
  );
}

async function outboxRows(
  orm: MikroORM,
): Promise<{ oldSent: number; recentSent: number; pending: number }> {
  const [row] = await orm.em.fork().execute<{ old: number; recent: number; pending: number }[]>(
    `SELECT count(*) FILTER (WHERE sent_at < clock_timestamp() - interval '1 hour')::int AS old,
            count(*) FILTER (WHERE sent_at >= clock_timestamp() - interval '1 hour')::int AS recent,
            count(*) FILTER (WHERE sent_at IS NULL)::int AS pending
       FROM ${OUTBOX_TABLE}`,
  );
  return { oldSent: row!.old, recentSent: row!.recent, pending: row!.pending };
}

/**
 * Inbox rows processed `ageMs` ago, for events of `subject`. The pruner goes by age and
 * producer only, so tests label each set of rows with its own consumer name.
 */
async function insertInboxRows(
  orm: MikroORM,
  {
    consumer,
    count = 100,
    ageMs,
    subject = ParcelWeighedV1.subject,
  }: { consumer: string; count?: number; ageMs: number; subject?: string },
): Promise<void> {
  await orm.em.fork().execute(
    `INSERT INTO ${INBOX_TABLE} (consumer, event_id, subject, processed_at)
     SELECT ?, gen_random_uuid(), ?, clock_timestamp() - ?::float8 * interval '1 millisecond'
       FROM generate_series(1, ?)`,
    [consumer, subject, ageMs, count],
  );
}

async function inboxRows(orm: MikroORM): Promise<Record<string, number>> {
  const rows = await orm.em
    .fork()
    .execute<{ consumer: string; n: number }[]>(
      `SELECT consumer, count(*)::int AS n FROM ${INBOX_TABLE} GROUP BY consumer`,
    );
  return Object.fromEntries(rows.map((r) => [r.consumer, r.n]));
}

/** Calls `prune` until it finds nothing more; returns what each call deleted. */
async function pruneUntilDone(prune: () => Promise<number>): Promise<number[]> {
  const perCall: number[] = [];
  for (let deleted = await prune(); deleted > 0; deleted = await prune()) perCall.push(deleted);
  return perCall;
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

describe(OutboxRelay.name, () => {
  let backbone: Backbone;

  beforeEach(async () => {
    backbone = await createBackbone();
  });

  afterEach(async () => {
    await backbone.dispose();
  });

  describe('pruneSent', () => {
    it('should delete old sent rows a batch per statement within its budget when the backlog is large, and never recent or pending rows', async () => {
      await insertOutboxRows(backbone.orm, { count: 30_000, sentAgoMs: 2 * DAY_MS });
      await insertOutboxRows(backbone.orm, { count: 100, sentAgoMs: MINUTE_MS });
      await insertOutboxRows(backbone.orm, { count: 100, sentAgoMs: 'pending' });
      const relay = (pruneBudgetMs: number) =>
        backbone.relay({ retentionMs: HOUR_MS, pruneBatchSize: BATCH, pruneBudgetMs });

      expect(await relay(0).pruneSent()).toBe(BATCH);

      const sut = relay(TINY_BUDGET_MS);
      const perCall = await pruneUntilDone(() => sut.pruneSent());
      expect(perCall.length).toBeGreaterThan(1);
      // Whole batches, but for the call that emptied the backlog.
      expect(perCall.slice(0, -1).every((n) => n % BATCH === 0)).toBe(true);
      expect(sum(perCall)).toBe(29_000);
      expect(await outboxRows(backbone.orm)).toEqual({ oldSent: 0, recentSent: 100, pending: 100 });
    });
  });
});

describe(InboxPruner.name, () => {
  let backbone: Backbone;
  const pruner = (options: Partial<InboxPrunerOptions> = {}) =>
    new InboxPruner({
      orm: backbone.orm,
      jsm: backbone.jsm,
      naming: backbone.naming,
      producers: ['inventory'],
      ...options,
    });

  beforeEach(async () => {
    backbone = await createBackbone();
  });

  afterEach(async () => {
    await backbone.dispose();
  });

  describe('prune', () => {
    describe('by age', () => {
      const STREAM_MAX_AGE_MS = 2 * HOUR_MS;

      beforeEach(async () => {
        await ensureProducerStream(backbone.jsm, backbone.naming, 'inventory', {
          maxAgeMs: STREAM_MAX_AGE_MS,
        });
        await ensureDeadLetterStream(backbone.jsm, backbone.naming, { maxAgeMs: HOUR_MS });
        await insertInboxRows(backbone.orm, { consumer: 'ten-days', ageMs: 10 * DAY_MS });
        await insertInboxRows(backbone.orm, { consumer: 'four-days', ageMs: 4 * DAY_MS });
        // Beyond the stream's max age, within it plus the margin.
        await insertInboxRows(backbone.orm, { consumer: 'hours', ageMs: 2.5 * HOUR_MS });
        // Within the stream's max age, beyond the configured retention.
        await insertInboxRows(backbone.orm, { consumer: 'minutes', ageMs: 10 * MINUTE_MS });
      });

      it('should delete rows beyond the stream’s max age plus the margin a batch per statement within its budget, keeping younger rows even when the retention is shorter', async () => {
        await insertInboxRows(backbone.orm, {
          consumer: 'ten-days',
          count: 29_900,
          ageMs: 10 * DAY_MS,
        });
        await backbone.orm.em
          .fork()
          .execute(
            `INSERT INTO ${AGGREGATE_APPLIED_TABLE} (consumer, aggregate, aggregate_id, version) VALUES ('ten-days', 'parcel', 'p-1', 3)`,
          );
        const settings = { retentionMs: MINUTE_MS, marginMs: HOUR_MS, batchSize: BATCH };

        expect(await pruner({ ...settings, budgetMs: 0 }).prune()).toBe(BATCH);

        const sut = pruner({ ...settings, budgetMs: TINY_BUDGET_MS });
        const perCall = await pruneUntilDone(() => sut.prune());
        expect(perCall.length).toBeGreaterThan(1);
        // Whole batches, but for the call that emptied the backlog.
        expect(perCall.slice(0, -1).every((n) => n % BATCH === 0)).toBe(true);
        expect(sum(perCall)).toBe(29_100);
        expect(await inboxRows(backbone.orm)).toEqual({ hours: 100, minutes: 100 });
        const applied = await backbone.orm.em
          .fork()
          .execute(`SELECT 1 FROM ${AGGREGATE_APPLIED_TABLE}`);
        expect(applied).toHaveLength(1);
      });

      it('should keep rows for the configured retention when it is longer than the streams’ max age', async () => {
        const sut = pruner({ retentionMs: 5 * DAY_MS, marginMs: HOUR_MS });

        expect(await sut.prune()).toBe(100);

        expect(await inboxRows(backbone.orm)).toEqual({
          'four-days': 100,
          hours: 100,
          minutes: 100,
        });
      });

      it('should keep rows for the dead-letter stream’s max age added to the stream’s, since a re-drive reaches every consumer', async () => {
        await ensureDeadLetterStream(backbone.jsm, backbone.naming, { maxAgeMs: 5 * DAY_MS });
        const sut = pruner({ retentionMs: MINUTE_MS, marginMs: HOUR_MS });

        expect(await sut.prune()).toBe(100);

        expect((await inboxRows(backbone.orm))['four-days']).toBe(100);
      });

      it('should prune nothing of a producer when its stream cannot be read or keeps messages forever', async () => {
        await insertInboxRows(backbone.orm, {
          consumer: 'collection',
          ageMs: 10 * DAY_MS,
          subject: 'collection.pickup.completed.v1',
        });
        await insertInboxRows(backbone.orm, {
          consumer: 'matching',
          ageMs: 10 * DAY_MS,
          subject: 'matching.match.proposed.v1',
        });
        await ensureProducerStream(backbone.jsm, backbone.naming, 'collection', { maxAgeMs: 0 });
        const errors: unknown[] = [];
        const sut = pruner({
          producers: ['collection', 'matching', 'inventory'],
          marginMs: HOUR_MS,
          onError: (error) => errors.push(error),
        });

        expect(await sut.prune()).toBe(200);

        expect(await inboxRows(backbone.orm)).toMatchObject({ collection: 100, matching: 100 });
        expect(errors).toHaveLength(1);
      });

      it('should prune nothing when the dead-letter stream cannot be read', async () => {
        await backbone.jsm.streams.delete(backbone.naming.deadLetterStream());
        const sut = pruner({ marginMs: HOUR_MS, onError: () => undefined });

        expect(await sut.prune()).toBe(0);

        expect((await inboxRows(backbone.orm))['ten-days']).toBe(100);
      });
    });

    describe('when a consumer is re-created', () => {
      /** Short, so events really leave the stream during the test; JetStream accepts it. */
      const STREAM_MAX_AGE_MS = 6_000;
      const EVENTS = 20;

      beforeEach(async () => {
        const stream = { maxAgeMs: STREAM_MAX_AGE_MS, duplicateWindowMs: 1_000 };
        await ensureProducerStream(backbone.jsm, backbone.naming, 'inventory', stream);
        // Rows are kept for both max ages added up: keep the dead letters' short here.
        await ensureDeadLetterStream(backbone.jsm, backbone.naming, {
          maxAgeMs: 1_000,
          duplicateWindowMs: 1_000,
        });
        await backbone.relay().start();
      });

      /** Inbox rows left of the events with `seq` below `count` (the first ones weighed). */
      async function inboxRowsOfFirstEvents(count: number): Promise<number> {
        const [row] = await backbone.orm.em
          .fork()
          .execute<{ n: number }[]>(
            `SELECT count(*)::int AS n FROM ${INBOX_TABLE} JOIN test_effect USING (event_id) WHERE seq < ?`,
            [count],
          );
        return row!.n;
      }

      /** Deletes the durable consumer and starts a new one of the same name: it replays the stream. */
      async function recreateConsumer(): Promise<void> {
        const old = backbone.runners.at(-1)!;
        await old.stop();
        const stream = backbone.naming.stream('inventory');
        await backbone.jsm.consumers.delete(stream, old.durable);
        const messages = await streamCount(backbone.jsm, stream);
        const fresh = backbone.runner();
        await fresh.start();
        await eventually(async () => {
          const info = await backbone.jsm.consumers.info(stream, fresh.durable);
          expect(info.delivered.consumer_seq).toBeGreaterThanOrEqual(messages);
          expect(info.num_pending).toBe(0);
          expect(info.num_ack_pending).toBe(0);
        });
      }

      it('should apply every event once when the consumer replays its stream after a prune', async () => {
        await backbone.runner().start();
        await weighParcels(backbone.orm, EVENTS);
        await eventually(async () =>
          expect(await effectCounts(backbone.orm)).toEqual({ rows: EVENTS, distinct: EVENTS }),
        );
        // The first events leave the stream; the next ones are still in it when the consumer replays.
        await eventually(
          async () =>
            expect(await streamCount(backbone.jsm, backbone.naming.stream('inventory'))).toBe(0),
          { timeoutMs: 4 * STREAM_MAX_AGE_MS },
        );
        await weighParcels(backbone.orm, EVENTS, 16, EVENTS);
        await eventually(async () =>
          expect(await effectCounts(backbone.orm)).toEqual({
            rows: 2 * EVENTS,
            distinct: 2 * EVENTS,
          }),
        );
        // Same host, same clock: no margin is needed to see the rule at work.
        const sut = pruner({ marginMs: 0 });
        await eventually(async () => {
          await sut.prune();
          expect(await inboxRowsOfFirstEvents(EVENTS)).toBe(0);
        });

        await recreateConsumer();

        expect(await streamCount(backbone.jsm, backbone.naming.stream('inventory'))).toBe(EVENTS);
        expect(await effectCounts(backbone.orm)).toEqual({
          rows: 2 * EVENTS,
          distinct: 2 * EVENTS,
        });
        expect(await inboxRows(backbone.orm)).toEqual({ 'test.parcel-effects': EVENTS });
      });

      it('should apply events a second time when rows are pruned ignoring the stream’s max age (why the rule exists)', async () => {
        await backbone.runner().start();
        await weighParcels(backbone.orm, EVENTS);
        await eventually(async () =>
          expect(await effectCounts(backbone.orm)).toEqual({ rows: EVENTS, distinct: EVENTS }),
        );
        // What a pruner that only knew its own retention would do.
        await backbone.orm.em.fork().execute(`DELETE FROM ${INBOX_TABLE}`);

        await recreateConsumer();

        expect(await effectCounts(backbone.orm)).toEqual({ rows: 2 * EVENTS, distinct: EVENTS });
      });
    });
  });
});

@Injectable()
class ParcelEffects {
  @OnEvent(ParcelWeighedV1, { consumer: 'test.pruned-effects' })
  async onWeighed(event: EventEnvelope<{ seq: number }>, em: EntityManager): Promise<void> {
    await applyEffect(event, em);
  }
}

describe(MessagingRuntime.name, () => {
  let backbone: Backbone;
  let app: INestApplicationContext | undefined;

  beforeEach(async () => {
    backbone = await createBackbone();
  });

  afterEach(async () => {
    await app?.close();
    await backbone.dispose();
  });

  it('should prune the inbox of its consumers’ streams on a timer when started', async () => {
    await insertInboxRows(backbone.orm, {
      consumer: 'test.pruned-effects',
      count: 500,
      ageMs: 10 * DAY_MS,
    });
    await insertInboxRows(backbone.orm, {
      consumer: 'young',
      ageMs: 10 * MINUTE_MS,
    });

    @Module({
      imports: [
        MessagingModule.forRoot({
          producer: 'inventory',
          natsUrl: testEnvironment().natsUrl,
          databaseUrl: backbone.db.url,
          subjectPrefix: backbone.naming.prefix,
          stream: { maxAgeMs: HOUR_MS },
          inboxPruning: { intervalMs: 100, marginMs: HOUR_MS },
        }),
      ],
      providers: [ParcelEffects, { provide: MikroORM, useValue: backbone.orm }],
    })
    class TestAppModule {}
    app = await NestFactory.createApplicationContext(TestAppModule, { logger: false });
    await app.init();

    await eventually(async () => expect(await inboxRows(backbone.orm)).toEqual({ young: 100 }));
  });
});
