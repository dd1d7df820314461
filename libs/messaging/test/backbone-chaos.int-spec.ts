import { ensureDeadLetterStream, ensureProducerStream, OutboxRelay } from '../src/index.js';
import { eventually, PrivateNatsServer } from '@boucle/testing';
import {
  createBackbone,
  effectCounts,
  pendingOutbox,
  streamCount,
  weighParcel,
  type Backbone,
} from './harness.js';

describe(`${OutboxRelay.name} with a broker that dies`, () => {
  let server: PrivateNatsServer;
  let backbone: Backbone;

  beforeAll(async () => {
    server = await PrivateNatsServer.start();
    backbone = await createBackbone(server.url);
  });

  afterAll(async () => {
    await backbone?.dispose();
    await server?.dispose();
  });

  it('should lose nothing and apply each of 10,000 events once while nats-server is SIGKILLed and restarted twice', async () => {
    const { jsm, naming, orm } = backbone;
    await ensureProducerStream(jsm, naming, 'inventory');
    await ensureDeadLetterStream(jsm, naming);
    let relayErrors = 0;
    await backbone.relay({ onError: () => relayErrors++ }).start();
    await backbone.runner({ concurrency: 16, ackWaitMs: 2_000 }).start();

    const total = 10_000;
    let committed = 0;
    let next = 0;
    const producing = Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < total) {
          await weighParcel(orm, next++);
          committed++;
        }
      }),
    );

    for (const threshold of [3_000, 7_000]) {
      await eventually(() => expect(committed).toBeGreaterThanOrEqual(threshold), {
        timeoutMs: 120_000,
      });
      const errorsBefore = relayErrors;
      await server.kill();
      // The relay must have felt the outage before the broker comes back.
      await eventually(() => expect(relayErrors).toBeGreaterThan(errorsBefore), {
        timeoutMs: 30_000,
      });
      await server.restart();
    }
    await producing;

    await eventually(async () => expect(await pendingOutbox(orm)).toBe(0), { timeoutMs: 180_000 });
    expect(await streamCount(jsm, naming.stream('inventory'))).toBe(total);
    await eventually(async () => expect((await effectCounts(orm)).distinct).toBe(total), {
      timeoutMs: 180_000,
    });
    expect(await effectCounts(orm)).toEqual({ rows: total, distinct: total });
  });
});
