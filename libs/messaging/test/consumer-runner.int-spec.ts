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
  weighParcels,
  type Backbone,
} from './harness.js';

/** Handler work that takes a while (not a wait for a condition: those poll with a deadline). */
const simulateWork = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const SLOW_HANDLER_MS = 2_000;
const IN_HAND_MS = 300;

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
      const connections: NatsConnection[] = [];
      const starting: Promise<void>[] = [];

      // Each incarnation has its own connection; "dying" drops it before the ack leaves.
      async function incarnation(): Promise<void> {
        const nc = await connectTestNats();
        connections.push(nc);
        const runner = backbone.runner({
          js: jetstream(nc),
          ackWaitMs: 1_000,
          hooks: {
            afterCommit: async (event) => {
              const seq = (event.data as { seq: number }).seq;
              if (doomed.has(seq) && !killed.has(seq)) {
                killed.add(seq);
                await nc.close();
                starting.push(incarnation());
              }
            },
          },
        });
        await runner.start();
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
        expect(await effectCounts(backbone.orm)).toEqual({ rows: 2_000, distinct: 2_000 });
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
      const attempts = new Map<number, number>();
      const sut = backbone.runner({
        batchSize: 1,
        maxDeliveries: 3,
        handler: async (event, em) => {
          const seq = event.data.seq;
          attempts.set(seq, (attempts.get(seq) ?? 0) + 1);
          if (seq === 13) throw new Error('always fails');
          if (seq === 7 && attempts.get(seq)! < 3) throw new Error('fails twice');
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
      expect(attempts.get(13)).toBe(3);
      expect(attempts.get(7)).toBe(3);
      expect(attempts.get(1)).toBe(1);

      const dlq = await backbone.js.consumers.get(backbone.naming.deadLetterStream());
      const msg = await dlq.next({ expires: 5_000 });
      expect(msg?.headers?.get(DEAD_LETTER_HEADERS.reason)).toMatch(
        /handler failed 3 times: Error: always fails/,
      );
    });

    it('should handle a failing event of a batch on its own and apply the others once', async () => {
      const sut = backbone.runner({
        concurrency: 1,
        batchSize: 64,
        maxDeliveries: 2,
        handler: async (event, em) => {
          await applyEffect(event, em);
          if (event.data.seq === 25) throw new Error('poison in the middle');
        },
      });
      await Promise.all(Array.from({ length: 50 }, (_, i) => publishRaw(validEvent(i))));
      await sut.start();

      await eventually(async () =>
        expect(await streamCount(backbone.jsm, backbone.naming.deadLetterStream())).toBe(1),
      );
      await eventually(async () =>
        expect(await effectCounts(backbone.orm)).toEqual({ rows: 49, distinct: 49 }),
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
            handler: async (event, em) => {
              seen[i] = seen[i]! + 1;
              await applyEffect(event, em);
            },
          })
          .start();
      }
      await Promise.all(Array.from({ length: 400 }, (_, i) => publishRaw(validEvent(i))));

      await eventually(async () =>
        expect(await effectCounts(backbone.orm)).toEqual({ rows: 400, distinct: 400 }),
      );
      expect(seen[0]! + seen[1]!).toBe(400);
    });
  });

  describe('stop', () => {
    it('should let the handler in hand finish and ack before returning', async () => {
      let started!: () => void;
      const handlerStarted = new Promise<void>((resolve) => (started = resolve));
      const sut = backbone.runner({
        handler: async (event, em) => {
          started();
          await simulateWork(IN_HAND_MS);
          await applyEffect(event, em);
        },
      });
      await sut.start();
      await publishRaw(validEvent(1));
      await handlerStarted;

      await sut.stop();

      expect(await effectCounts(backbone.orm)).toEqual({ rows: 1, distinct: 1 });
      const info = await backbone.jsm.consumers.info(
        backbone.naming.stream('inventory'),
        sut.durable,
      );
      await eventually(async () => {
        const now = await backbone.jsm.consumers.info(
          backbone.naming.stream('inventory'),
          sut.durable,
        );
        expect(now.num_ack_pending).toBe(0);
      });
      expect(info.delivered.consumer_seq).toBe(1);
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
