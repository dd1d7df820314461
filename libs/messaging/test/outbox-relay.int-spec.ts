import pg from 'pg';
import type { EntityManager } from '@boucle/database';
import {
  ensureProducerStream,
  OUTBOX_CHANNEL,
  OutboxRelay,
  OutsideTransactionError,
  recordEvent,
  TransactionEndedError,
} from '../src/index.js';
import { eventually } from '@boucle/testing';
import {
  actor,
  createBackbone,
  ParcelWeighedV1,
  pendingOutbox,
  streamCount,
  weighParcel,
  weighParcels,
  type Backbone,
} from './harness.js';

describe(OutboxRelay.name, () => {
  let backbone: Backbone;
  let stream: string;

  beforeEach(async () => {
    backbone = await createBackbone();
    stream = backbone.naming.stream('inventory');
  });

  afterEach(async () => {
    await backbone.dispose();
  });

  describe('start', () => {
    it('should publish every committed event once and mark its row sent', async () => {
      await ensureProducerStream(backbone.jsm, backbone.naming, 'inventory');
      const sut = backbone.relay();
      await sut.start();
      await weighParcels(backbone.orm, 500);

      await eventually(async () => expect(await pendingOutbox(backbone.orm)).toBe(0));
      expect(await streamCount(backbone.jsm, stream)).toBe(500);
    });

    it('should be woken by NOTIFY on commit rather than waiting for its timed poll, for rows another process wrote', async () => {
      await ensureProducerStream(backbone.jsm, backbone.naming, 'inventory');
      // Not told of this process's ORM: the commits here are another process's to it.
      const sut = backbone.relay({ pollIntervalMs: 600_000, orm: undefined });
      await sut.start();
      await sut.drain();

      await weighParcels(backbone.orm, 10);

      // Far inside the ten-minute poll: only the notification can have woken it.
      await eventually(async () => expect(await pendingOutbox(backbone.orm)).toBe(0), {
        timeoutMs: 10_000,
      });
    });

    it('should be woken by a commit of its own process without any NOTIFY, and notify for a transaction that cannot wake it', async () => {
      await ensureProducerStream(backbone.jsm, backbone.naming, 'inventory');
      const notifications: string[] = [];
      const listener = new pg.Client({ connectionString: backbone.db.url });
      await listener.connect();
      listener.on('notification', (n) => notifications.push(n.channel));
      await listener.query(`LISTEN ${OUTBOX_CHANNEL}`);
      try {
        const sut = backbone.relay({ pollIntervalMs: 600_000 });
        await sut.start();
        await sut.drain();

        await weighParcels(backbone.orm, 10);

        await eventually(async () => expect(await pendingOutbox(backbone.orm)).toBe(0), {
          timeoutMs: 10_000,
        });
        // A transaction not begun by this library's paths: nothing here wakes the relay at its
        // commit, so its row notifies, as any other writer's would.
        await backbone.orm.em
          .fork()
          .transactional((em) =>
            recordEvent(
              em,
              ParcelWeighedV1,
              { parcelId: '7f0c8f5e-1b7a-4c55-9d0e-2b4f7f0e9a11', seq: 1, kg: 2 },
              { actor },
            ),
          );
        await eventually(async () => expect(await pendingOutbox(backbone.orm)).toBe(0), {
          timeoutMs: 10_000,
        });
        expect(notifications).toEqual([OUTBOX_CHANNEL]);
        expect(await streamCount(backbone.jsm, stream)).toBe(11);
      } finally {
        await listener.end();
      }
    });

    it('should publish rows committed out of id order (the lower id committing last)', async () => {
      await ensureProducerStream(backbone.jsm, backbone.naming, 'inventory');
      const sut = backbone.relay();
      await sut.start();

      // A transaction takes the lower id, then stalls while later rows commit and are relayed.
      const slow = new pg.Client({ connectionString: backbone.db.url });
      await slow.connect();
      await slow.query('BEGIN');
      await slow.query(
        `INSERT INTO messaging_outbox (event_id, subject, payload)
         VALUES (gen_random_uuid(), 'inventory.parcel.weighed.v1', '{}'::jsonb)`,
      );
      await weighParcels(backbone.orm, 50);
      await eventually(async () => expect(await streamCount(backbone.jsm, stream)).toBe(50));
      await slow.query('COMMIT');
      await slow.end();

      // Rows are marked sent just after the broker's ack, so wait for the mark, then count.
      await eventually(async () => expect(await pendingOutbox(backbone.orm)).toBe(0));
      expect(await streamCount(backbone.jsm, stream)).toBe(51);
    });

    it('should keep rows pending while the stream does not exist and publish them once it does', async () => {
      const sut = backbone.relay();
      await sut.start();
      await weighParcels(backbone.orm, 100);

      await eventually(async () => {
        const [row] = await backbone.orm.em
          .fork()
          .execute<{ n: string }[]>(
            'SELECT count(*) AS n FROM messaging_outbox WHERE attempts > 0',
          );
        expect(Number(row!.n)).toBe(100);
      });
      expect(await pendingOutbox(backbone.orm)).toBe(100);

      await ensureProducerStream(backbone.jsm, backbone.naming, 'inventory');
      await eventually(async () => expect(await pendingOutbox(backbone.orm)).toBe(0), {
        timeoutMs: 60_000,
      });
      expect(await streamCount(backbone.jsm, stream)).toBe(100);
    });

    it('should store each event once when two relays share one outbox', async () => {
      await ensureProducerStream(backbone.jsm, backbone.naming, 'inventory');
      const published: number[] = [0, 0];
      const relays = [0, 1].map((i) =>
        backbone.relay({
          batchSize: 32,
          hooks: { afterPublish: async (n) => void (published[i] = published[i]! + n) },
        }),
      );
      await Promise.all(relays.map((r) => r.start()));
      await weighParcels(backbone.orm, 2_000);

      await eventually(async () => expect(await pendingOutbox(backbone.orm)).toBe(0), {
        timeoutMs: 60_000,
      });
      expect(await streamCount(backbone.jsm, stream)).toBe(2_000);
      // Each row was published by exactly one of them, not by both.
      expect(published[0]! + published[1]!).toBe(2_000);
    });
  });

  describe('drain', () => {
    it('should republish, and the stream store once, when the relay dies after the ack but before marking rows', async () => {
      await ensureProducerStream(backbone.jsm, backbone.naming, 'inventory');
      await weighParcels(backbone.orm, 200);
      const dying = backbone.relay({
        hooks: {
          afterPublish: async () => {
            throw new Error('relay died after the broker acked');
          },
        },
      });

      await expect(dying.drain()).rejects.toThrow('relay died');
      expect(await streamCount(backbone.jsm, stream)).toBe(200);
      expect(await pendingOutbox(backbone.orm)).toBe(200);

      const sut = backbone.relay();
      expect(await sut.drain()).toBe(200);
      expect(await pendingOutbox(backbone.orm)).toBe(0);
      expect(await streamCount(backbone.jsm, stream)).toBe(200);
    });

    it('should refuse an event recorded outside a transaction, where it could commit without its change', async () => {
      await expect(weighParcelIn(backbone.orm.em.fork())).rejects.toThrow(OutsideTransactionError);
      expect(await pendingOutbox(backbone.orm)).toBe(0);
    });

    it('should publish an event committed with its change and nothing for a rolled-back one', async () => {
      await ensureProducerStream(backbone.jsm, backbone.naming, 'inventory');
      await weighParcel(backbone.orm, 1);
      await expect(
        backbone.orm.em.fork().transactional(async (em) => {
          await weighParcelIn(em);
          throw new Error('the command failed');
        }),
      ).rejects.toThrow('the command failed');

      const sut = backbone.relay();
      expect(await sut.drain()).toBe(1);
      expect(await streamCount(backbone.jsm, stream)).toBe(1);
    });
  });
});

describe(recordEvent.name, () => {
  let backbone: Backbone;
  const parcelId = '5d0f8a52-8f3e-4a43-8c0a-0c2b8d1e7f11';

  beforeEach(async () => {
    backbone = await createBackbone();
  });

  afterEach(async () => {
    await backbone.dispose();
  });

  const weigh = (em: EntityManager, seq: number, id = parcelId) =>
    recordEvent(em, ParcelWeighedV1, { parcelId: id, seq, kg: 1 }, { actor });

  async function outbox() {
    return backbone.orm.em
      .fork()
      .execute<
        { seq: number; column_version: string; payload_version: number; aggregate_id: string }[]
      >(
        `SELECT (payload->'data'->>'seq')::int AS seq, aggregate_version AS column_version,
              (payload->'aggregate'->>'version')::int AS payload_version, aggregate_id
         FROM messaging_outbox ORDER BY id`,
      );
  }

  it("should number one aggregate's events in the order recorded, within a transaction and across them", async () => {
    await backbone.orm.em.fork().transactional((em) => weigh(em, 1));
    const envelopes = await backbone.orm.em
      .fork()
      .transactional(async (em) => [
        await weigh(em, 2),
        await weigh(em, 10, '0b7c6f1e-3f7a-4a57-9a52-5f8d2f3f9a10'),
        await weigh(em, 3),
        await weigh(em, 4),
      ]);

    expect(await outbox()).toEqual([
      { seq: 1, column_version: '1', payload_version: 1, aggregate_id: parcelId },
      { seq: 2, column_version: '2', payload_version: 2, aggregate_id: parcelId },
      expect.objectContaining({ seq: 10, column_version: '1', payload_version: 1 }),
      { seq: 3, column_version: '3', payload_version: 3, aggregate_id: parcelId },
      { seq: 4, column_version: '4', payload_version: 4, aggregate_id: parcelId },
    ]);
    // What recordEvent handed back learnt its version at the commit.
    expect(envelopes.map((e) => e.aggregate!.version)).toEqual([2, 1, 3, 4]);
  });

  it('should keep the events of a savepoint released and drop those of one rolled back or that could not be released', async () => {
    await backbone.orm.em.fork().transactional(async (em) => {
      await weigh(em, 1);
      await em
        .transactional(async (inner) => {
          await weigh(inner, 2);
          throw new Error('refused');
        })
        .catch(() => undefined);
      await em.transactional((inner) => weigh(inner, 3));
      // A statement failed inside, its error caught: the savepoint cannot be released.
      await em
        .transactional(async (inner) => {
          await weigh(inner, 5);
          await inner.execute('SELECT 1/0').catch(() => undefined);
        })
        .catch(() => undefined);
      await weigh(em, 4);
    });

    expect((await outbox()).map((row) => [row.seq, row.payload_version])).toEqual([
      [1, 1],
      [3, 2],
      [4, 3],
    ]);
  });

  it('should refuse an event recorded in a transaction that has already ended', async () => {
    let done: EntityManager | undefined;
    await backbone.orm.em.fork().transactional(async (em) => {
      done = em;
      await weigh(em, 1);
    });

    await expect(weigh(done!, 2)).rejects.toThrow(TransactionEndedError);
    expect((await outbox()).map((row) => row.seq)).toEqual([1]);
  });

  it('should write nothing of a transaction that rolls back after its events', async () => {
    await expect(
      backbone.orm.em.fork().transactional(async (em) => {
        await weigh(em, 1);
        await em.execute('SELECT 1/0');
      }),
    ).rejects.toThrow(/division by zero/);

    expect(await outbox()).toEqual([]);
  });
});

async function weighParcelIn(em: EntityManager): Promise<void> {
  await recordEvent(
    em,
    ParcelWeighedV1,
    { parcelId: '0b7c6f1e-3f7a-4a57-9a52-5f8d2f3f9a10', seq: 2, kg: 3 },
    { actor },
  );
  await em.flush();
}
