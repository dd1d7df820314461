import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { DeliverPolicy } from '@nats-io/jetstream';
import { DEAD_LETTER_HEADERS, type EventEnvelope } from '@boucle/contracts';
import type { EntityManager, MikroORM } from '@boucle/database';
import {
  ensureDeadLetterStream,
  ensureProducerStream,
  OutboxRelay,
  recordEvent,
} from '../src/index.js';
import { eventually, openTestOrm, PrivatePostgresServer } from '@boucle/testing';
import {
  actor,
  applyEffect,
  createBackbone,
  effectCounts,
  Parcel,
  ParcelSchema,
  ParcelWeighedV1,
  pendingOutbox,
  streamCount,
  testMigrations,
  weighParcel,
  weighParcels,
  type Backbone,
} from './harness.js';

/** How long the consumer's database is away: shorter than the ack wait, longer than every retry delay summed. */
const OUTAGE_MS = 20_000;
const simulateOutage = () => new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));

/** Handler work that never ends (not a wait for a condition: those poll with a deadline). */
const never = () => new Promise<never>(() => undefined);

async function deadLetters(backbone: Backbone): Promise<{ reason: string; data: string }[]> {
  const count = await streamCount(backbone.jsm, backbone.naming.deadLetterStream());
  if (count === 0) return [];
  const consumer = await backbone.js.consumers.get(backbone.naming.deadLetterStream());
  const found: { reason: string; data: string }[] = [];
  for await (const msg of await consumer.fetch({ max_messages: count, expires: 5_000 })) {
    found.push({
      reason: msg.headers?.get(DEAD_LETTER_HEADERS.reason) ?? '',
      data: msg.string(),
    });
    if (found.length === count) break;
  }
  return found;
}

async function sessions(orm: MikroORM, state: string): Promise<number> {
  const [row] = await orm.em
    .fork()
    .execute<{ n: string }[]>(
      'SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND state = ? AND pid <> pg_backend_pid()',
      [state],
    );
  return Number(row!.n);
}

describe('Event backbone under faults', () => {
  let backbone: Backbone;

  beforeEach(async () => {
    backbone = await createBackbone();
    await ensureProducerStream(backbone.jsm, backbone.naming, 'inventory');
    await ensureDeadLetterStream(backbone.jsm, backbone.naming);
  });

  afterEach(async () => {
    await backbone.dispose();
  });

  describe(OutboxRelay.name, () => {
    it('should stay up and publish 10,000 events once when its database connections are terminated 10 times during the drain', async () => {
      const { orm, jsm, naming } = backbone;
      await weighParcels(orm, 10_000, 16);
      let relayErrors = 0;
      // Production settings: only the fault is injected.
      const sut = new OutboxRelay({
        databaseUrl: backbone.db.url,
        js: backbone.js,
        naming,
        onError: () => relayErrors++,
      });
      backbone.relays.push(sut);
      await backbone.runner({ ackWaitMs: 30_000 }).start();
      await sut.start();

      const admin = new pg.Client({ connectionString: backbone.db.url });
      await admin.connect();
      try {
        for (let kill = 0; kill < 10; kill++) {
          const before = await streamCount(jsm, naming.stream('inventory'));
          // Between kills the relay must make progress, so every kill lands on a working relay.
          await eventually(
            async () =>
              expect(await streamCount(jsm, naming.stream('inventory'))).toBeGreaterThan(before),
            { timeoutMs: 30_000, intervalMs: 5 },
          );
          const errorsBefore = relayErrors;
          // Progress can also be a batch published before the last kill, its marking lost, while
          // the relay has not connected again yet: the kill waits for a session to land on.
          await eventually(
            async () => {
              const { rowCount } = await admin.query(
                `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                  WHERE datname = current_database() AND application_name = 'boucle-outbox-relay'`,
              );
              expect(rowCount).toBeGreaterThan(0);
            },
            { timeoutMs: 30_000, intervalMs: 5 },
          );
          await eventually(() => expect(relayErrors).toBeGreaterThan(errorsBefore), {
            timeoutMs: 30_000,
            intervalMs: 5,
          });
        }
      } finally {
        await admin.end();
      }

      await eventually(async () => expect(await pendingOutbox(orm)).toBe(0), {
        timeoutMs: 120_000,
      });
      expect(await streamCount(jsm, naming.stream('inventory'))).toBe(10_000);
      await eventually(async () => expect((await effectCounts(orm)).distinct).toBe(10_000), {
        timeoutMs: 120_000,
      });
      expect(await effectCounts(orm)).toEqual({ rows: 10_000, distinct: 10_000 });
    });

    it('should leave one effect when a publish is resent after the stream’s duplicate window', async () => {
      const { jsm, naming, orm } = backbone;
      await jsm.streams.delete(naming.stream('inventory'));
      await ensureProducerStream(jsm, naming, 'inventory', { duplicateWindowMs: 1_000 });
      await weighParcels(orm, 20);
      let acknowledged = 0;
      const dying = backbone.relay({
        hooks: {
          afterPublish: async (n) => {
            acknowledged += n;
            throw new Error('relay died after the broker acked');
          },
        },
      });
      await expect(dying.drain()).rejects.toThrow('relay died');
      expect(acknowledged).toBe(20);
      // The rows are still pending; resend them once the broker has forgotten their Nats-Msg-Ids,
      // which a probe published now shows: it stops being a duplicate when the window has passed.
      const probeSubject = `${naming.prefix}inventory.probe.v1`;
      await backbone.js.publish(probeSubject, '{}', { msgID: 'window-probe' });
      await eventually(
        async () => {
          const probe = await backbone.js.publish(probeSubject, '{}', { msgID: 'window-probe' });
          expect(probe.duplicate).toBe(false);
        },
        { timeoutMs: 10_000, intervalMs: 250 },
      );
      await jsm.streams.purge(naming.stream('inventory'), { filter: probeSubject });
      expect(await backbone.relay().drain()).toBe(20);
      expect(await streamCount(jsm, naming.stream('inventory'))).toBe(40);

      await backbone.runner({ ackWaitMs: 30_000 }).start();
      await eventually(async () => expect((await effectCounts(orm)).distinct).toBe(20));
      // Both copies have been through the consumer before counting rows.
      await eventually(async () => {
        const info = await jsm.consumers.info(
          naming.stream('inventory'),
          backbone.runners[0]!.durable,
        );
        expect(info.num_ack_pending).toBe(0);
        expect(info.num_pending).toBe(0);
      });
      expect(await effectCounts(orm)).toEqual({ rows: 20, distinct: 20 });
    });
  });

  describe('ConsumerRunner handlers', () => {
    it('should not ack an event whose handler swallowed a database error, and apply it once on retry', async () => {
      const swallowed = new Set<number>();
      const sut = backbone.runner({
        ackWaitMs: 30_000,
        retryBaseMs: 50,
        handler: async (event, em) => {
          await applyEffect(event, em);
          const seq = event.data.seq;
          // The last handler of a batch, or a lone one, catches a failed statement and goes on.
          if (seq % 10 === 9 && !swallowed.has(seq)) {
            swallowed.add(seq);
            await em.execute('SELECT 1/0').catch(() => undefined);
          }
        },
      });
      await sut.start();
      await backbone.relay().start();
      await weighParcels(backbone.orm, 100);

      await eventually(async () =>
        expect(await effectCounts(backbone.orm)).toEqual({ rows: 100, distinct: 100 }),
      );
      expect(swallowed.size).toBe(10);
      expect(await streamCount(backbone.jsm, backbone.naming.deadLetterStream())).toBe(0);
    });

    it('should dead-letter, with the reason, an event whose handler always swallows a database error', async () => {
      const sut = backbone.runner({
        ackWaitMs: 30_000,
        retryBaseMs: 50,
        retryMaxMs: 200,
        maxDeliveries: 3,
        handler: async (event, em) => {
          await applyEffect(event, em);
          if (event.data.seq === 7) await em.execute('SELECT 1/0').catch(() => undefined);
        },
      });
      await sut.start();
      await backbone.relay().start();
      await weighParcels(backbone.orm, 10);

      await eventually(async () => expect(await deadLetters(backbone)).toHaveLength(1));
      const [letter] = await deadLetters(backbone);
      expect(letter!.reason).toMatch(/handler failed 3 times: .*caught a database error/);
      expect(JSON.parse(letter!.data)).toMatchObject({ data: { seq: 7 } });
      await eventually(async () =>
        expect(await effectCounts(backbone.orm)).toEqual({ rows: 9, distinct: 9 }),
      );
    });

    it('should dead-letter a handler that hangs, in code or in the database, after its timeout and deliveries, its transaction rolled back', async () => {
      const calls = new Map<number, number>();
      // Production settings but the timeout, which is what this test is about.
      const sut = backbone.runner({
        ackWaitMs: 30_000,
        retryBaseMs: 500,
        retryMaxMs: 60_000,
        concurrency: 4,
        handlerTimeoutMs: 400,
        handler: async (event, em) => {
          const seq = event.data.seq;
          calls.set(seq, (calls.get(seq) ?? 0) + 1);
          await applyEffect(event, em);
          if (seq === 3) await never();
          if (seq === 5) await em.execute('SELECT pg_sleep(3600)');
        },
      });
      await sut.start();
      await backbone.relay().start();
      await weighParcels(backbone.orm, 8);

      await eventually(async () => expect(await deadLetters(backbone)).toHaveLength(2), {
        timeoutMs: 60_000,
      });
      const letters = await deadLetters(backbone);
      for (const letter of letters) expect(letter.reason).toMatch(/handler failed 5 times/);
      expect(
        letters.map((l) => (JSON.parse(l.data) as EventEnvelope<{ seq: number }>).data.seq).sort(),
      ).toEqual([3, 5]);
      const bySeq = (seq: number) =>
        letters.find(
          (l) => (JSON.parse(l.data) as EventEnvelope<{ seq: number }>).data.seq === seq,
        )!;
      expect(bySeq(3).reason).toMatch(/did not finish within 400 ms/);
      expect(bySeq(5).reason).toMatch(/statement timeout|did not finish/);
      expect(calls.get(3)).toBe(5);
      expect(calls.get(5)).toBe(5);
      // Their effects were rolled back; the six others applied once; nothing left open in the database.
      await eventually(async () =>
        expect(await effectCounts(backbone.orm)).toEqual({ rows: 6, distinct: 6 }),
      );
      await eventually(async () => {
        expect(await sessions(backbone.orm, 'idle in transaction')).toBe(0);
        expect(await sessions(backbone.orm, 'active')).toBe(0);
      });
    });
  });

  describe('ConsumerRunner with a database that goes away', () => {
    let server: PrivatePostgresServer;
    let consumerOrm: MikroORM;

    beforeEach(async () => {
      server = await PrivatePostgresServer.start();
      const url = await server.createDatabase('consumer', testMigrations);
      consumerOrm = await openTestOrm(url, { entities: [ParcelSchema], poolSize: 8 });
    });

    afterEach(async () => {
      // The runners use this ORM: stop them before it closes.
      await Promise.allSettled(backbone.runners.map((r) => r.stop()));
      // A connection lost in the outage may never be handed back to the pool, and closing waits
      // for it: bounded, since the server is killed next anyway.
      await Promise.race([
        consumerOrm?.close(true),
        new Promise((resolve) => setTimeout(resolve, 10_000).unref()),
      ]);
      await server?.dispose();
    });

    it('should dead-letter nothing and apply every event once when its database is unavailable for 20 s during a flow of events', async () => {
      const outages: boolean[] = [];
      // Production settings: ack wait 30 s, 5 deliveries, retry delays from 500 ms.
      const sut = backbone.runner({
        orm: consumerOrm,
        ackWaitMs: 30_000,
        retryBaseMs: 500,
        retryMaxMs: 60_000,
        hooks: { outage: (paused) => void outages.push(paused) },
      });
      await sut.start();
      await backbone.relay().start();

      let produced = 0;
      let producing = true;
      const flow = (async () => {
        while (producing) {
          await weighParcel(backbone.orm, produced++);
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
      })();
      try {
        await eventually(async () =>
          expect((await effectCounts(consumerOrm)).rows).toBeGreaterThan(20),
        );
        await server.stop();
        await simulateOutage();
        await server.restart();
        const afterRestart = produced;
        await eventually(() => expect(produced).toBeGreaterThan(afterRestart + 40));
      } finally {
        producing = false;
        await flow;
      }

      await eventually(
        async () => expect((await effectCounts(consumerOrm)).distinct).toBe(produced),
        {
          timeoutMs: 60_000,
        },
      );
      expect(await effectCounts(consumerOrm)).toEqual({ rows: produced, distinct: produced });
      expect(await streamCount(backbone.jsm, backbone.naming.deadLetterStream())).toBe(0);
      // It felt the outage, paused, and came back.
      expect(outages).toEqual(expect.arrayContaining([true, false]));
      expect(outages.at(-1)).toBe(false);
      expect(sut.status.outage).toBe(false);
    });
  });

  describe('order per aggregate', () => {
    /** A read model that keeps only the latest state of each parcel. */
    async function keepLatest(
      event: EventEnvelope<{ parcelId: string; seq: number }>,
      em: EntityManager,
    ) {
      await em.execute(
        `INSERT INTO test_latest (parcel_id, seq) VALUES (?, ?)
         ON CONFLICT (parcel_id) DO UPDATE SET seq = EXCLUDED.seq`,
        [event.data.parcelId, event.data.seq],
      );
      await applyEffect(event, em);
    }

    /** One change of one parcel and its event, committed together, one after the other. */
    async function reweigh(orm: MikroORM, parcelId: string, seq: number): Promise<void> {
      await orm.em.fork().transactional(async (em) => {
        await em.nativeUpdate(Parcel, { id: parcelId }, { seq });
        await recordEvent(em, ParcelWeighedV1, { parcelId, seq, kg: 1 + (seq % 40) }, { actor });
      });
    }

    it('should end with a keep-latest read model equal to the source after 2,000 sequential changes of one aggregate through two relays and three consumer replicas', async () => {
      const { orm, naming } = backbone;
      await orm.em
        .fork()
        .execute('CREATE TABLE test_latest (parcel_id uuid PRIMARY KEY, seq integer NOT NULL)');
      const parcelId = randomUUID();
      await orm.em
        .fork()
        .execute('INSERT INTO test_parcel (id, seq, kg) VALUES (?, 0, 1)', [parcelId]);
      for (let i = 0; i < 3; i++) {
        await backbone
          .runner({
            ackWaitMs: 30_000,
            concurrency: 4,
            batchSize: 8,
            latestWins: true,
            handler: keepLatest,
          })
          .start();
      }
      for (let seq = 1; seq <= 2_000; seq++) await reweigh(orm, parcelId, seq);
      // Both relays find a backlog and claim parts of it at once: the hard case for order.
      await Promise.all([0, 1].map(() => backbone.relay({ batchSize: 16 }).start()));

      // A bound on waiting, wide enough for a machine busy with other suites.
      await eventually(async () => expect(await pendingOutbox(orm)).toBe(0), {
        timeoutMs: 240_000,
      });
      // The stream holds the aggregate's events in the order they were recorded.
      const versions: number[] = [];
      const reader = await backbone.js.consumers.get(naming.stream('inventory'), {
        deliver_policy: DeliverPolicy.All,
      });
      for await (const msg of await reader.fetch({ max_messages: 2_000, expires: 10_000 })) {
        versions.push(msg.json<EventEnvelope>().aggregate!.version);
        if (versions.length === 2_000) break;
      }
      expect(versions).toEqual(Array.from({ length: 2_000 }, (_, i) => i + 1));

      await eventually(
        async () => {
          const [latest] = await orm.em
            .fork()
            .execute<{ seq: number }[]>('SELECT seq FROM test_latest WHERE parcel_id = ?', [
              parcelId,
            ]);
          const [source] = await orm.em
            .fork()
            .execute<{ seq: number }[]>('SELECT seq FROM test_parcel WHERE id = ?', [parcelId]);
          expect(latest?.seq).toBe(source!.seq);
          expect(source!.seq).toBe(2_000);
        },
        { timeoutMs: 240_000 },
      );
      // Never an older state applied after a newer one: in commit order, versions only grow.
      const applied = await orm.em
        .fork()
        .execute<{ seq: number }[]>('SELECT seq FROM test_effect ORDER BY id');
      const inversions = applied.filter((row, i) => i > 0 && row.seq < applied[i - 1]!.seq);
      expect(inversions).toEqual([]);
    }, 600_000);
  });
});
