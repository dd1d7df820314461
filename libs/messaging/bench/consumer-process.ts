/**
 * The consuming side of the benchmark in a process of its own, as a consuming
 * service would be. Reports each applied event's id and commit time (epoch ms)
 * to the parent, in small batches.
 */
import { performance } from 'node:perf_hooks';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { ConsumerRunner, Naming } from '../src/index.js';
import { applyEffect, ParcelSchema, ParcelWeighedV1 } from '../test/harness.js';
import { connectTestNats, openTestOrm } from '@boucle/testing';

const [databaseUrl, natsUrl, prefix, concurrency] = process.argv.slice(2);
const orm = await openTestOrm(databaseUrl!, { entities: [ParcelSchema], poolSize: 40 });
const nc = await connectTestNats(natsUrl);
let batch: [string, number][] = [];
const runner = new ConsumerRunner({
  consumer: 'bench.parcel-effects',
  event: ParcelWeighedV1,
  handler: applyEffect,
  orm,
  js: jetstream(nc),
  jsm: await jetstreamManager(nc),
  naming: new Naming(prefix),
  concurrency: Number(concurrency),
  ackWaitMs: 30_000,
  hooks: {
    afterCommit: (event) => void batch.push([event.id, performance.timeOrigin + performance.now()]),
  },
});
await runner.start();
const flush = setInterval(() => {
  if (batch.length > 0) {
    process.send?.(batch);
    batch = [];
  }
}, 10);
process.send?.('ready');
process.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(flush);
  void runner
    .stop()
    .then(() => nc.close())
    .then(() => orm.close())
    .then(() => process.exit(0));
});
