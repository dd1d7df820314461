/**
 * Inventory throughput on this machine, next to the raw PostgreSQL rate measured
 * in the same run: intake commands over NATS request/reply, hold decisions with
 * 100 contenders per unit, and how late hold expiry jobs release their holds; and the
 * resident memory of the compiled service, ready and idle. Prints a table, then one JSON line.
 *
 * The service runs as built by `nx build inventory` (built first; cached when nothing changed).
 * BENCH_SERVICE=source runs it from the TypeScript sources through SWC instead, for comparison.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { InventoryIntakeRecordedV1, InventoryRpc } from '@boucle/contracts';
import pg from 'pg';
import {
  eventually,
  freePort,
  percentile,
  rawPostgresTxPerSec,
  report,
  round,
} from '@boucle/testing';
import {
  availableLot,
  startInventory,
  type Fixture,
  type InventoryHarness,
} from '../test/harness.js';

const seconds = Number(process.env['BENCH_SECONDS'] ?? 5);
const CLIENTS = 16;
const UNITS = Number(process.env['BENCH_HOLD_UNITS'] ?? 40);
const CONTENDERS = 100;
const EXPIRING = Number(process.env['BENCH_EXPIRING_HOLDS'] ?? 300);
const IDLE_SECONDS = Number(process.env['BENCH_IDLE_SECONDS'] ?? 30);
const FROM_SOURCE = process.env['BENCH_SERVICE'] === 'source';
/** The service's group commit, passed on to it (0: each command in a transaction of its own). */
const LANES = Number(process.env['GROUP_COMMIT_LANES'] ?? 0);

/**
 * Intakes as fast as 16 clients get answers, and how long after its answer each intake's
 * event reaches a subscriber of the stream's subject (its commit precedes its answer, so
 * this is commit-to-effect less the reply's own trip).
 */
async function intakes(h: InventoryHarness, fixture: Fixture) {
  const latencies: number[] = [];
  const answeredAt = new Map<string, number>();
  const effects: number[] = [];
  const seen = h.nc.subscribe(h.naming.subject(InventoryIntakeRecordedV1), {
    callback: (error, msg) => {
      if (error) return;
      const { data } = msg.json<{ data: { intakeId: string } }>();
      const at = answeredAt.get(data.intakeId);
      if (at !== undefined) effects.push(performance.now() - at);
      else answeredAt.set(data.intakeId, -performance.now());
    },
  });
  let serial = 0;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (performance.now() < deadline) {
        const sent = performance.now();
        const { intakeId } = await h.rpc.request(InventoryRpc.recordIntake, {
          actor: fixture.operator,
          siteId: fixture.siteId,
          locationId: fixture.locationId,
          grossWeightKg: 24,
          tareKg: 2,
          provenance: { locality: 'Amiens', donorRef: 'bench' },
          collectionMode: 'drop-off',
          goods: [
            {
              kind: 'item',
              serialNumber: `BENCH-${serial++}`,
              make: 'Invacare',
              model: 'Action 3',
              weightKg: 22,
            },
          ],
        });
        const now = performance.now();
        latencies.push(now - sent);
        // An event seen before its answer (the relay was quicker than the reply) counts as 0.
        const early = answeredAt.get(intakeId);
        if (early !== undefined && early < 0) effects.push(0);
        else answeredAt.set(intakeId, now);
      }
    }),
  );
  const perSec = latencies.length / ((performance.now() - start) / 1000);
  await eventually(
    () => {
      if (effects.length < latencies.length)
        throw new Error(`${latencies.length - effects.length} intakes' events not seen yet`);
    },
    { timeoutMs: 30_000 },
  );
  seen.unsubscribe();
  return { perSec, latencies, maxEffectMs: effects.reduce((a, b) => Math.max(a, b), 0) };
}

/**
 * Lots of one unit each, on offer: a unit that 100 takers want at once. (Pools no longer
 * fit: washing them is a transformation of its own, with its mass balance.)
 */
async function shelfUnits(
  h: InventoryHarness,
  fixture: Fixture,
  count: number,
  quantity = 1,
): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push(await availableLot(h, fixture, String(quantity)));
  return ids;
}

async function holdDecisions(h: InventoryHarness, fixture: Fixture) {
  const units = await shelfUnits(h, fixture, UNITS);
  let decisions = 0;
  let won = 0;
  const start = performance.now();
  for (const goodId of units) {
    const answers = await Promise.allSettled(
      Array.from({ length: CONTENDERS }, (_, i) =>
        h.rpc.request(InventoryRpc.placeHold, {
          actor: h.coordinator,
          goodId,
          quantity: '1',
          holderId: `taker-${i}`,
          ttlSeconds: 3_600,
        }),
      ),
    );
    decisions += answers.length;
    won += answers.filter((a) => a.status === 'fulfilled').length;
  }
  if (won !== units.length)
    throw new Error(`${won} holds won on ${units.length} units: the guard failed`);
  return decisions / ((performance.now() - start) / 1000);
}

async function expiryLateness(h: InventoryHarness, fixture: Fixture): Promise<number[]> {
  const [goodId] = await shelfUnits(h, fixture, 1, EXPIRING);
  const holdIds: string[] = [];
  for (let i = 0; i < EXPIRING; i++) {
    const { holdId } = await h.rpc.request(InventoryRpc.placeHold, {
      actor: h.coordinator,
      goodId: goodId!,
      quantity: '1',
      holderId: `taker-${i}`,
      ttlSeconds: 1 + (i % 3),
    });
    holdIds.push(holdId);
  }
  const db = new pg.Client({ connectionString: h.db.url });
  await db.connect();
  try {
    await eventually(
      async () => {
        const { rows } = await db.query<{ n: string }>(
          "SELECT count(*) AS n FROM hold WHERE id = ANY($1::uuid[]) AND status = 'active'",
          [holdIds],
        );
        if (Number(rows[0]!.n) > 0) throw new Error(`${rows[0]!.n} holds still active`);
      },
      { timeoutMs: 120_000, intervalMs: 200 },
    );
    const { rows } = await db.query<{ late_ms: string }>(
      'SELECT extract(epoch FROM (ended_at - expires_at)) * 1000 AS late_ms FROM hold WHERE id = ANY($1::uuid[])',
      [holdIds],
    );
    return rows.map((r) => Number(r.late_ms));
  } finally {
    await db.end();
  }
}

if (!FROM_SOURCE) {
  execFileSync('node_modules/.bin/nx', ['build', 'inventory', '--outputStyle=static'], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}
// The service under test runs in a process of its own, as deployed; this one only sends requests.
// The in-process app of the harness is kept for fixtures and stopped from pulling work: its replica
// would otherwise share the requests.
const h = await startInventory({ LOG_LEVEL: 'warn' });
const port = await freePort();
const service = spawn(
  process.execPath,
  [
    ...(process.env['BENCH_PROFILE'] ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof3'] : []),
    ...(FROM_SOURCE
      ? ['--import', '@swc-node/register/esm-register', 'services/inventory/src/main.ts']
      : ['dist/services/inventory/main.js']),
  ],
  {
    env: {
      ...process.env,
      DATABASE_URL: h.config.DATABASE_URL,
      NATS_URL: h.config.NATS_URL,
      REDIS_URL: h.config.REDIS_URL,
      SUBJECT_PREFIX: h.config.SUBJECT_PREFIX,
      QUEUE_PREFIX: h.config.QUEUE_PREFIX,
      IDENTITY_PUBLIC_KEYS: h.config.IDENTITY_PUBLIC_KEYS.join('\n'),
      HTTP_PORT: String(port),
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  },
);
try {
  await waitUntilReady(port);
  await sleep(IDLE_SECONDS * 1000);
  const idleRssMb = await residentMb(service.pid!);
  const fixture = await h.member();
  // Only the child answers from now on.
  await h.app.close();
  const raw = await rawPostgresTxPerSec(h.db.url, seconds);
  const intake = await intakes(h, fixture);
  const holds = await holdDecisions(h, fixture);
  const lateness = await expiryLateness(h, fixture);
  const fmt = (n: number, digits = 0) =>
    n.toLocaleString('en-US', { maximumFractionDigits: digits });
  report(
    `inventory benchmark (${seconds} s phases, ${CLIENTS} clients)`,
    [
      ['raw PostgreSQL BEGIN/INSERT/COMMIT, pool 16', `${fmt(raw)} tx/s`],
      ['intake commands over NATS request/reply', `${fmt(intake.perSec)} /s`],
      [
        '  intake p50 / p99',
        `${fmt(percentile(intake.latencies, 50), 1)} / ${fmt(percentile(intake.latencies, 99), 1)} ms`,
      ],
      [`hold decisions, ${CONTENDERS} contenders per unit`, `${fmt(holds)} /s`],
      [
        `hold expiry lateness p50 / p99 (${EXPIRING} holds)`,
        `${fmt(percentile(lateness, 50), 1)} / ${fmt(percentile(lateness, 99), 1)} ms`,
      ],
      ['  intake answered to its event on the stream, max', `${fmt(intake.maxEffectMs, 1)} ms`],
      ['ratio intakes / raw PostgreSQL', fmt(intake.perSec / raw, 2)],
      ['group commit lanes (GROUP_COMMIT_LANES)', LANES > 0 ? String(LANES) : 'off'],
      [
        `idle resident memory, ${FROM_SOURCE ? 'from source' : 'compiled'} (${IDLE_SECONDS} s after ready)`,
        `${fmt(idleRssMb, 1)} MB`,
      ],
    ],
    {
      benchmark: 'inventory',
      seconds,
      rawPostgresTxPerSec: Math.round(raw),
      intakesPerSec: Math.round(intake.perSec),
      intakeP50Ms: round(percentile(intake.latencies, 50)),
      intakeP99Ms: round(percentile(intake.latencies, 99)),
      holdDecisionsPerSec: Math.round(holds),
      holdExpiryLatenessP50Ms: round(percentile(lateness, 50)),
      holdExpiryLatenessP99Ms: round(percentile(lateness, 99)),
      maxCommitToEffectMs: round(intake.maxEffectMs),
      groupCommitLanes: LANES,
      ratio: round(intake.perSec / raw, 3),
      service: FROM_SOURCE ? 'source' : 'compiled',
      idleRssMb: round(idleRssMb, 1),
    },
  );
} finally {
  service.kill('SIGTERM');
  await new Promise((resolve) => service.once('exit', resolve));
  await h.close();
}

/** The child process serves its health on a port of its own: ready means PostgreSQL, NATS and Redis answer. */
async function waitUntilReady(port: number): Promise<void> {
  await eventually(
    async () => {
      const response = await fetch(`http://127.0.0.1:${port}/health/ready`);
      if (!response.ok) throw new Error(`not ready: ${response.status}`);
    },
    { timeoutMs: 60_000, intervalMs: 200 },
  );
}

/** Resident set of a process (VmRSS, in MiB): what the machine actually holds for it. */
async function residentMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  if (kb === undefined) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kb) / 1024;
}
