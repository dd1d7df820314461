/**
 * Measures, in one run on this machine: the raw PostgreSQL transaction rate, the
 * raw JetStream publish rate, and the event backbone end to end through the code
 * the services use (change + outbox row committed → relay → stream → consumer
 * effect + inbox row committed). Prints a table, then one JSON line.
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { ensureDeadLetterStream, ensureProducerStream, GroupCommit } from '../src/index.js';
import { percentile, rawPostgresTxPerSec, report, round, testEnvironment } from '@boucle/testing';
import { createBackbone, weighParcel } from '../test/harness.js';

const seconds = Number(process.env['BENCH_SECONDS'] ?? 5);
const POOL = 16;
/** Changes committed together, as GROUP_COMMIT_LANES commits a service's commands (0: each alone). */
const LANES = Number(process.env['GROUP_COMMIT_LANES'] ?? 0);

async function rawJetStream(backbone: Awaited<ReturnType<typeof createBackbone>>): Promise<number> {
  const name = `${backbone.naming.stream('inventory')}_RAW`;
  const subject = `${backbone.naming.prefix}bench.raw`;
  await backbone.jsm.streams.add({
    name,
    subjects: [subject],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
  });
  const body = randomBytes(128).toString('hex'); // 256 bytes
  const inFlight = 256;
  let count = 0;
  const deadline = performance.now() + seconds * 1000;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < deadline) {
        await backbone.js.publish(subject, body);
        count++;
      }
    }),
  );
  const rate = count / ((performance.now() - start) / 1000);
  await backbone.jsm.streams.delete(name);
  return rate;
}

interface Phase {
  events: number;
  throughput: number;
  p50: number;
  p99: number;
  /** The slowest event: one stuck batch shows here long before it moves p99. */
  max: number;
}

/** Commits changes as fast as 16 connections allow (or at `ratePerSec`) and follows each to its effect. */
async function backbonePhase(
  backbone: Awaited<ReturnType<typeof createBackbone>>,
  committedAt: Map<string, number>,
  latencies: number[],
  ratePerSec?: number,
): Promise<Phase> {
  committedAt.clear();
  latencies.length = 0;
  const groups = LANES > 0 ? new GroupCommit(backbone.orm, { lanes: LANES }) : undefined;
  let seq = 0;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: POOL }, async (_, worker) => {
      while (performance.now() < deadline) {
        const mine = seq++;
        if (ratePerSec) {
          // Paced: event n is due at start + n / rate.
          const due = start + (mine / ratePerSec) * 1000;
          const wait = due - performance.now();
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        }
        const id = await weighParcel(backbone.orm, mine * POOL + worker, groups);
        committedAt.set(id, performance.timeOrigin + performance.now());
      }
    }),
  );
  const events = committedAt.size;
  while (latencies.length < events) await new Promise((resolve) => setTimeout(resolve, 20));
  const elapsed = (performance.now() - start) / 1000;
  return {
    events,
    throughput: events / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.reduce((a, b) => Math.max(a, b), 0),
  };
}

async function main(): Promise<void> {
  const backbone = await createBackbone();
  try {
    const rawPg = await rawPostgresTxPerSec(backbone.db.url, seconds);
    const rawJs = await rawJetStream(backbone);

    await ensureProducerStream(backbone.jsm, backbone.naming, 'inventory');
    await ensureDeadLetterStream(backbone.jsm, backbone.naming);
    const committedAt = new Map<string, number>();
    const latencies: number[] = [];
    await backbone.relay({ batchSize: 256, pollIntervalMs: 1_000 }).start();
    // The consumer runs in its own process, as a consuming service would.
    const consumer = fork(
      new URL('./consumer-process.ts', import.meta.url),
      [backbone.db.url, testEnvironment().natsUrl, backbone.naming.prefix, '32'],
      { execArgv: ['--import', '@swc-node/register/esm-register'] },
    );
    await new Promise<void>((resolve) => {
      consumer.on('message', (message: 'ready' | [string, number][]) => {
        if (message === 'ready') return resolve();
        for (const [id, at] of message) {
          const committed = committedAt.get(id);
          if (committed !== undefined) latencies.push(at - committed);
        }
      });
    });

    // How busy the producers' process is when saturated: its event loop (the producers'
    // commands and the relay) or the database, whichever is the limit.
    const busyBefore = performance.eventLoopUtilization();
    const saturated = await backbonePhase(backbone, committedAt, latencies);
    const producersBusy = performance.eventLoopUtilization(busyBefore).utilization;
    const half = await backbonePhase(backbone, committedAt, latencies, saturated.throughput / 2);
    consumer.send('stop');
    await new Promise((resolve) => consumer.once('exit', resolve));

    const fmt = (n: number, digits = 0) =>
      n.toLocaleString('en-US', { maximumFractionDigits: digits });
    const rows: [string, string][] = [
      ['raw PostgreSQL BEGIN/INSERT/COMMIT, pool 16', `${fmt(rawPg)} tx/s`],
      ['raw JetStream publish, 256 B, 256 in flight', `${fmt(rawJs)} msg/s`],
      [
        'backbone end to end, saturated',
        `${fmt(saturated.throughput)} events/s (${fmt(saturated.events)} events)`,
      ],
      [
        '  commit-to-effect p50 / p99 / max, saturated',
        `${fmt(saturated.p50, 1)} / ${fmt(saturated.p99, 1)} / ${fmt(saturated.max, 1)} ms`,
      ],
      [
        'backbone at half that rate',
        `${fmt(half.throughput)} events/s (${fmt(half.events)} events)`,
      ],
      [
        '  commit-to-effect p50 / p99 / max, half rate',
        `${fmt(half.p50, 1)} / ${fmt(half.p99, 1)} / ${fmt(half.max, 1)} ms`,
      ],
      ['ratio backbone / raw PostgreSQL', fmt(saturated.throughput / rawPg, 2)],
      ["producers' and relay's event loop busy, saturated", `${fmt(producersBusy * 100)} %`],
      ['group commit lanes (GROUP_COMMIT_LANES)', LANES > 0 ? String(LANES) : 'off'],
    ];
    report(`messaging benchmark (${seconds} s per phase)`, rows, {
      benchmark: 'messaging',
      seconds,
      rawPostgresTxPerSec: Math.round(rawPg),
      rawJetStreamPublishPerSec: Math.round(rawJs),
      backboneEventsPerSec: Math.round(saturated.throughput),
      saturatedP50Ms: round(saturated.p50),
      saturatedP99Ms: round(saturated.p99),
      saturatedMaxMs: round(saturated.max),
      halfRateEventsPerSec: Math.round(half.throughput),
      halfRateP50Ms: round(half.p50),
      halfRateP99Ms: round(half.p99),
      halfRateMaxMs: round(half.max),
      maxCommitToEffectMs: round(Math.max(saturated.max, half.max)),
      groupCommitLanes: LANES,
      producerEventLoopUtilization: round(producersBusy, 2),
      ratio: round(saturated.throughput / rawPg, 3),
    });
  } finally {
    await backbone.dispose();
  }
}

await main();
