import { jetstream } from '@nats-io/jetstream';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { DEAD_LETTER_HEADERS } from '@boucle/contracts';
import {
  buildEnvelope,
  ConsumerRunner,
  ensureDeadLetterStream,
  ensureProducerStream,
} from '../src/index.js';
import { connectTestNats, eventually } from '@boucle/testing';
import {
  actor,
  applyEffect,
  createBackbone,
  effectCounts,
  ParcelWeighedV1,
  streamCount,
  weighParcel,
  weighParcels,
  type Backbone,
} from './harness.js';

/** Handler work that takes a while (not a wait for a condition: those poll with a deadline). */
const simulateWork = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Quiet time between bursts of traffic: part of the load's shape, not a wait for a condition. */
const idle = simulateWork;
const SLOW_HANDLER_MS = 2_000;
const IN_HAND_MS = 300;
/**
 * Undoes the harness's fast test settings: the runner's own defaults (ack wait 30 s,
 * concurrency 4, batches of 32, retries from 500 ms), as a service runs it.
 */
const RUNNER_DEFAULTS = {
  concurrency: undefined,
  batchSize: undefined,
  ackWaitMs: undefined,
  retryBaseMs: undefined,
  retryMaxMs: undefined,
};
const RELAY_DEFAULTS = {
  pollIntervalMs: undefined,
  retryBaseMs: undefined,
  retryMaxMs: undefined,
  publishTimeoutMs: undefined,
};
/** Far below the 30 s ack wait: only a message handed back or handled at once makes it. */
const WELL_BEFORE_ACK_WAIT = { timeoutMs: 10_000 };

/** mulberry32: a small seeded generator, so that every run sends the same bursts. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe(ConsumerRunner.name, () => {
  let backbone: Backbone;

  beforeEach(async () => {
    backbone = await createBackbone();
    await ensureProducerStream(backbone.jsm, backbone.naming, 'inventory');
    await ensureDeadLetterStream(backbone.jsm, backbone.naming);
  });

  afterEach(async () => {
    await backbone.dispose();
  });

  async function publishRaw(body: string | object, msgID?: string): Promise<void> {
    await backbone.js.publish(
      backbone.naming.subject(ParcelWeighedV1),
      typeof body === 'string' ? body : JSON.stringify(body),
      msgID ? { msgID } : {},
    );
  }

  function validEvent(seq: number) {
    return buildEnvelope(ParcelWeighedV1, { parcelId: crypto.randomUUID(), seq, kg: 2 }, { actor });
  }

  function consumerInfo(runner: ConsumerRunner) {
    return backbone.jsm.consumers.info(backbone.naming.stream('inventory'), runner.durable);
  }

  async function firstDeadLetter() {
    const dlq = await backbone.js.consumers.get(backbone.naming.deadLetterStream());
    return dlq.next({ expires: 5_000 });
  }

  describe('start', () => {
    it('should apply each event once with its inbox row, from the outbox through the relay', async () => {
      await backbone.relay().start();
      const sut = backbone.runner();
      await sut.start();
      await weighParcels(backbone.orm, 300);

      await eventually(async () =>
        expect(await effectCounts(backbone.orm)).toEqual({ rows: 300, distinct: 300 }),
      );
      const [inbox] = await backbone.orm.em
        .fork()
        .execute<{ n: string }[]>(
          "SELECT count(*) AS n FROM messaging_inbox WHERE consumer = 'test.parcel-effects'",
        );
      expect(Number(inbox!.n)).toBe(300);
    });

    it('should apply a redelivered event once when the consumer dies after commit but before ack (5 % of 2,000)', async () => {
      await backbone.relay().start();
      const doomed = new Set<number>();
      for (let seq = 0; seq < 2_000; seq += 20) doomed.add(seq);
      const killed = new Set<number>();
      /** Commits seen per doomed event: a redelivery that found its inbox row commits again. */
      const commits = new Map<number, number>();
      const connections: NatsConnection[] = [];
      const starting: Promise<void>[] = [];
      let sut!: ConsumerRunner;

      // Each incarnation has its own connection; "dying" drops it before the ack leaves.
      async function incarnation(): Promise<void> {
        const nc = await connectTestNats();
        connections.push(nc);
        sut = backbone.runner({
          js: jetstream(nc),
          ackWaitMs: 1_000,
          hooks: {
            afterCommit: async (event) => {
              const seq = (event.data as { seq: number }).seq;
              if (!doomed.has(seq)) return;
              commits.set(seq, (commits.get(seq) ?? 0) + 1);
              if (!killed.has(seq)) {
                killed.add(seq);
                await nc.close();
                starting.push(incarnation());
              }
            },
          },
        });
        await sut.start();
      }
      await incarnation();
      try {
        await weighParcels(backbone.orm, 2_000);
        await eventually(
          async () => {
            expect(killed.size).toBe(100);
            expect((await effectCounts(backbone.orm)).distinct).toBe(2_000);
          },
          { timeoutMs: 120_000 },
        );
        // The ack of each doomed event was lost: it came back after the 1 s ack wait and was
        // committed again, with no second effect.
        await eventually(
          () => expect([...doomed].filter((seq) => (commits.get(seq) ?? 0) < 2)).toEqual([]),
          { timeoutMs: 10_000 },
        );
        expect(await effectCounts(backbone.orm)).toEqual({ rows: 2_000, distinct: 2_000 });
        // Every delivery beyond the first of each stream message was a redelivery.
        const { delivered } = await consumerInfo(sut);
        expect(delivered.consumer_seq - delivered.stream_seq).toBeGreaterThanOrEqual(doomed.size);
      } finally {
        // Every incarnation has finished starting before its connection is closed under it.
        await Promise.allSettled(starting);
        await Promise.all(backbone.runners.map((r) => r.stop()));
        await Promise.all(connections.filter((nc) => !nc.isClosed()).map((nc) => nc.close()));
      }
    });

    it('should dead-letter 10 malformed events with their reason and apply the 1,000 valid ones', async () => {
      // At least once: a slow run may dead-letter a redelivered copy again; the stream keeps one.
      const deadLettered = new Set<number>();
      const sut = backbone.runner({
        hooks: { deadLettered: (_reason, msg) => void deadLettered.add(msg.info.streamSequence) },
      });
      await sut.start();
      const malformed: (string | object)[] = [
        'not json at all',
        '{"truncated": ',
        {},
        { ...validEvent(1), id: 'not-a-uuid' },
        { ...validEvent(2), data: { parcelId: crypto.randomUUID(), seq: -1, kg: 2 } },
        { ...validEvent(3), data: { parcelId: crypto.randomUUID(), seq: 3 } },
        { ...validEvent(4), data: { parcelId: crypto.randomUUID(), seq: 4, kg: 2, extra: true } },
        { ...validEvent(5), version: 2 },
        { ...validEvent(6), actor: { userId: 'x', role: 'admin', organisationId: null } },
        { ...validEvent(7), occurredAt: 'yesterday' },
      ];
      const sends: Promise<void>[] = [];
      for (let i = 0; i < 1_000; i++) {
        sends.push(publishRaw(validEvent(1_000 + i)));
        if (i % 100 === 50) sends.push(publishRaw(malformed[i / 100 - 0.5]!));
      }
      await Promise.all(sends);

      await eventually(async () =>
        expect(await effectCounts(backbone.orm)).toEqual({ rows: 1_000, distinct: 1_000 }),
      );
      await eventually(async () =>
        expect(await streamCount(backbone.jsm, backbone.naming.deadLetterStream())).toBe(10),
      );
      expect(deadLettered.size).toBe(10);

      const reasons: string[] = [];
      const dlq = await backbone.js.consumers.get(backbone.naming.deadLetterStream());
      const batch = await dlq.fetch({ max_messages: 10, expires: 5_000 });
      for await (const msg of batch) {
        reasons.push(msg.headers?.get(DEAD_LETTER_HEADERS.reason) ?? '');
        expect(msg.headers?.get(DEAD_LETTER_HEADERS.consumer)).toBe('test.parcel-effects');
        if (reasons.length === 10) break;
      }
      expect(reasons).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^not JSON/),
          expect.stringMatching(/bad envelope: id:/),
          expect.stringMatching(/bad data: data\.seq:/),
          expect.stringMatching(/bad data: data\.kg:/),
          expect.stringMatching(/bad data: data: Unrecognized key/),
          expect.stringMatching(/unexpected event inventory\.parcel\.weighed\.v2/),
          expect.stringMatching(/bad envelope: actor\.role:/),
          expect.stringMatching(/bad envelope: occurredAt:/),
        ]),
      );
    });

    it('should retry a failing handler with backoff, then dead-letter it after the bounded deliveries', async () => {
      const retryBaseMs = 300;
      /** When each attempt at each event began. */
      const attempts = new Map<number, number[]>();
      const sut = backbone.runner({
        batchSize: 1,
        maxDeliveries: 3,
        retryBaseMs,
        retryMaxMs: 10_000,
        handler: async (event, em) => {
          const seq = event.data.seq;
          attempts.set(seq, [...(attempts.get(seq) ?? []), performance.now()]);
          if (seq === 13) throw new Error('always fails');
          if (seq === 7 && attempts.get(seq)!.length < 3) throw new Error('fails twice');
          await applyEffect(event, em);
        },
      });
      await sut.start();
      for (const seq of [1, 7, 13]) await publishRaw(validEvent(seq));

      await eventually(async () =>
        expect(await streamCount(backbone.jsm, backbone.naming.deadLetterStream())).toBe(1),
      );
      await eventually(async () =>
        expect(await effectCounts(backbone.orm)).toEqual({ rows: 2, distinct: 2 }),
      );
      expect(attempts.get(13)).toHaveLength(3);
      expect(attempts.get(7)).toHaveLength(3);
      expect(attempts.get(1)).toHaveLength(1);
      // Full jitter: the n-th retry waits between half the ceiling and the ceiling, base · 2^(n-1).
      for (const seq of [7, 13]) {
        const times = attempts.get(seq)!;
        const gaps = times.slice(1).map((time, i) => time - times[i]!);
        gaps.forEach((gap, retry) =>
          expect(gap).toBeGreaterThanOrEqual((retryBaseMs * 2 ** retry) / 2),
        );
      }

      const msg = await firstDeadLetter();
      expect(msg?.headers?.get(DEAD_LETTER_HEADERS.reason)).toMatch(
        /handler failed 3 times: Error: always fails/,
      );
    });

    it('should handle a failing event of a batch on its own and apply the others once', async () => {
      /** Handler calls per database transaction (committed or rolled back). */
      const callsPerTransaction = new Map<string, number>();
      const sut = backbone.runner({
        // With the 30 s ack wait, a batch left to the broker's redelivery would miss the deadlines.
        ...RUNNER_DEFAULTS,
        concurrency: 1,
        batchSize: 64,
        maxDeliveries: 2,
        handler: async (event, em) => {
          const [row] = await em.execute<{ tx: string }[]>('SELECT txid_current() AS tx');
          callsPerTransaction.set(row!.tx, (callsPerTransaction.get(row!.tx) ?? 0) + 1);
          await applyEffect(event, em);
          if (event.data.seq === 25) throw new Error('poison in the middle');
        },
      });
      await Promise.all(Array.from({ length: 50 }, (_, i) => publishRaw(validEvent(i))));
      await sut.start();

      await eventually(
        async () =>
          expect(await streamCount(backbone.jsm, backbone.naming.deadLetterStream())).toBe(1),
        WELL_BEFORE_ACK_WAIT,
      );
      await eventually(
        async () => expect(await effectCounts(backbone.orm)).toEqual({ rows: 49, distinct: 49 }),
        WELL_BEFORE_ACK_WAIT,
      );
      // The events that arrived together shared a transaction.
      expect(Math.max(...callsPerTransaction.values())).toBeGreaterThan(1);
      const msg = await firstDeadLetter();
      expect(msg?.headers?.get(DEAD_LETTER_HEADERS.reason)).toMatch(
        /handler failed 2 times: Error: poison in the middle/,
      );
    });

    it('should keep a slow handler’s message with heartbeats instead of letting it be redelivered', async () => {
      let calls = 0;
      const sut = backbone.runner({
        ackWaitMs: 600,
        handler: async (event, em) => {
          calls++;
          await simulateWork(SLOW_HANDLER_MS);
          await applyEffect(event, em);
        },
      });
      await sut.start();
      await publishRaw(validEvent(1));

      await eventually(async () =>
        expect(await effectCounts(backbone.orm)).toEqual({ rows: 1, distinct: 1 }),
      );
      expect(calls).toBe(1);
      // Without heartbeats the broker would have redelivered it twice while the handler ran.
      const info = await backbone.jsm.consumers.info(
        backbone.naming.stream('inventory'),
        sut.durable,
      );
      expect(info.delivered.consumer_seq).toBe(1);
      expect(info.num_redelivered).toBe(0);
    });

    it('should recover when its durable consumer is deleted under it', async () => {
      const sut = backbone.runner({ retryBaseMs: 50, retryMaxMs: 200 });
      await sut.start();
      await publishRaw(validEvent(1));
      await eventually(async () => expect((await effectCounts(backbone.orm)).rows).toBe(1));

      await backbone.jsm.consumers.delete(backbone.naming.stream('inventory'), sut.durable);
      await publishRaw(validEvent(2));

      // Re-provisioned from the start of the stream: event 1 again, but the inbox stops a second effect.
      await eventually(async () =>
        expect(await effectCounts(backbone.orm)).toEqual({ rows: 2, distinct: 2 }),
      );
      expect(sut.active).toBe(true);
    });

    it('should share the work between replicas of one durable consumer', async () => {
      const seen = [0, 0];
      for (const i of [0, 1]) {
        await backbone
          .runner({
            ...RUNNER_DEFAULTS,
            handler: async (event, em) => {
              seen[i] = seen[i]! + 1;
              await simulateWork(5);
              await applyEffect(event, em);
            },
          })
          .start();
      }
      // More than one replica takes in hand (its transactions, and as many waiting for them).
      await Promise.all(Array.from({ length: 400 }, (_, i) => publishRaw(validEvent(i))));

      await eventually(async () =>
        expect(await effectCounts(backbone.orm)).toEqual({ rows: 400, distinct: 400 }),
      );
      expect(seen[0]! + seen[1]!).toBe(400);
      expect(seen[0]).toBeGreaterThan(0);
      expect(seen[1]).toBeGreaterThan(0);
    });

    // Not a speed measure (bench:messaging is): an event missed by the consumer would wait for its
    // redelivery after the 30 s ack wait; 10 s keeps that apart from a busy machine's slowness.
    it('should apply each event well before a redelivery would when traffic comes in bursts (20 rounds of 1 to 200)', async () => {
      const random = seededRandom(20_261_123);
      await backbone.relay(RELAY_DEFAULTS).start();
      await backbone.runner(RUNNER_DEFAULTS).start();
      let committedSoFar = 0;

      for (let round = 0; round < 20; round++) {
        const size = 1 + Math.floor(random() * 200);
        const committedAt = new Map<string, number>();
        const seqs = Array.from({ length: size }, (_, i) => committedSoFar + i);
        await Promise.all(
          Array.from({ length: 16 }, async () => {
            for (let seq = seqs.shift(); seq !== undefined; seq = seqs.shift()) {
              const id = await weighParcel(backbone.orm, seq);
              committedAt.set(id, Date.now());
            }
          }),
        );
        committedSoFar += size;

        await eventually(
          async () => expect((await effectCounts(backbone.orm)).rows).toBe(committedSoFar),
          WELL_BEFORE_ACK_WAIT,
        );
        const effects = await backbone.orm.em
          .fork()
          .execute<{ event_id: string; applied_ms: string }[]>(
            'SELECT event_id, extract(epoch FROM applied_at) * 1000 AS applied_ms FROM test_effect',
          );
        const late = effects
          .filter((e) => committedAt.has(e.event_id))
          .map((e) => ({
            event: e.event_id,
            ms: Number(e.applied_ms) - committedAt.get(e.event_id)!,
          }))
          .filter(({ ms }) => ms > 10_000);
        expect({ round, size, late }).toEqual({ round, size, late: [] });
        await idle(50 + random() * 450);
      }
      expect(await effectCounts(backbone.orm)).toEqual({
        rows: committedSoFar,
        distinct: committedSoFar,
      });
    });

    it('should dead-letter an event on arrival when its handler took the process down on each of the bounded deliveries', async () => {
      const maxDeliveries = 3;
      let crashes = 0;
      const connections: NatsConnection[] = [];
      const starting: Promise<void>[] = [];

      // Each incarnation has its own connection; the handler "kills the process" by dropping it
      // (and failing its transaction): nothing is committed and nothing settles the message.
      async function incarnation(): Promise<void> {
        const nc = await connectTestNats();
        connections.push(nc);
        await backbone
          .runner({
            js: jetstream(nc),
            // Short: each crash waits out the ack wait before the broker delivers again.
            ackWaitMs: 500,
            maxDeliveries,
            handler: async () => {
              crashes++;
              await nc.close();
              starting.push(incarnation());
              throw new Error('the process died');
            },
          })
          .start();
      }
      await incarnation();
      try {
        await publishRaw(validEvent(1));

        await eventually(
          async () =>
            expect(await streamCount(backbone.jsm, backbone.naming.deadLetterStream())).toBe(1),
          { timeoutMs: 10_000 },
        );
        expect(crashes).toBe(maxDeliveries);
        expect(await effectCounts(backbone.orm)).toEqual({ rows: 0, distinct: 0 });
        const msg = await firstDeadLetter();
        expect(msg?.headers?.get(DEAD_LETTER_HEADERS.reason)).toMatch(
          new RegExp(`delivered ${maxDeliveries + 1} times without being settled`),
        );
        expect(msg?.headers?.get(DEAD_LETTER_HEADERS.deliveries)).toBe(String(maxDeliveries + 1));
      } finally {
        await Promise.allSettled(starting);
        await Promise.all(backbone.runners.map((r) => r.stop()));
        await Promise.all(connections.filter((nc) => !nc.isClosed()).map((nc) => nc.close()));
      }
    });
  });

  describe('stop', () => {
    it('should let the handler in hand finish and ack before returning', async () => {
      let started!: () => void;
      const handlerStarted = new Promise<void>((resolve) => (started = resolve));
      let handlerFinished = false;
      // Its own connection, closed as soon as stop returns: what was not sent by then is lost.
      const nc = await connectTestNats();
      const sut = backbone.runner({
        ...RUNNER_DEFAULTS,
        js: jetstream(nc),
        handler: async (event, em) => {
          started();
          await simulateWork(IN_HAND_MS);
          await applyEffect(event, em);
          handlerFinished = true;
        },
      });
      await sut.start();
      await publishRaw(validEvent(1));
      await handlerStarted;

      await sut.stop();
      const finishedBeforeReturn = handlerFinished;
      const effectsOnReturn = await effectCounts(backbone.orm);
      await nc.flush();
      await nc.close();

      expect(finishedBeforeReturn).toBe(true);
      expect(effectsOnReturn).toEqual({ rows: 1, distinct: 1 });
      // The ack reached the broker before the connection went: nothing left waiting for the 30 s ack wait.
      await eventually(async () => expect((await consumerInfo(sut)).num_ack_pending).toBe(0), {
        timeoutMs: 5_000,
      });
      const info = await consumerInfo(sut);
      expect(info.delivered.consumer_seq).toBe(1);
      expect(info.num_redelivered).toBe(0);
    });

    it('should hand back what no transaction started on, for another replica to apply long before the ack wait', async () => {
      let started!: () => void;
      const handlerStarted = new Promise<void>((resolve) => (started = resolve));
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const appliedBy = { a: 0, b: 0 };
      const replicaA = backbone.runner({
        ...RUNNER_DEFAULTS,
        concurrency: 1,
        handler: async (event, em) => {
          started();
          // Its one transaction is busy until we stop it: whatever else it takes waits unstarted.
          await released;
          await simulateWork(IN_HAND_MS);
          await applyEffect(event, em);
          appliedBy.a++;
        },
      });
      await replicaA.start();
      try {
        await publishRaw(validEvent(0));
        await handlerStarted;
        await Promise.all(Array.from({ length: 99 }, (_, i) => publishRaw(validEvent(i + 1))));
        await eventually(async () =>
          expect((await consumerInfo(replicaA)).num_ack_pending).toBeGreaterThanOrEqual(30),
        );
        const replicaB = backbone.runner({
          ...RUNNER_DEFAULTS,
          handler: async (event, em) => {
            await applyEffect(event, em);
            appliedBy.b++;
          },
        });
        await replicaB.start();

        const stopping = replicaA.stop();
        release();
        await stopping;
      } finally {
        release();
      }

      await eventually(
        async () => expect(await effectCounts(backbone.orm)).toEqual({ rows: 100, distinct: 100 }),
        WELL_BEFORE_ACK_WAIT,
      );
      expect(appliedBy).toEqual({ a: 1, b: 99 });
    });
  });

  it('should carry headers it does not know without complaint', async () => {
    const h = natsHeaders();
    h.set('X-Trace', 'abc');
    await backbone.runner().start();
    await backbone.js.publish(
      backbone.naming.subject(ParcelWeighedV1),
      JSON.stringify(validEvent(1)),
      { headers: h },
    );
    await eventually(async () =>
      expect(await effectCounts(backbone.orm)).toEqual({ rows: 1, distinct: 1 }),
    );
  });
});
