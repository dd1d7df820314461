import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import { CollectionRpc, type Actor } from '@boucle/contracts';
import { IdentitySigner, RpcClient } from '@boucle/messaging';
import { redisConnection } from '@boucle/service';
import {
  connectTestNats,
  eventually,
  freePort,
  testIdentityKeys,
  testServiceEnvironment,
  type TestServiceEnvironment,
} from '@boucle/testing';
import { createCollectionApp } from '../src/app.js';
import { WorkerGrace } from '../src/common/worker-grace.js';
import { loadCollectionConfig } from '../src/config/collection.config.js';
import { collectionMigrations } from '../src/database/migrations.js';
import { planDayJobOptions, PLANNING_QUEUE } from '../src/plans/plans.jobs.js';
import { greedyPlanner } from './greedy-planner.js';
import { tomorrow } from './factories.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const coordinator: Actor = { userId: 'coord-1', role: 'coordinator', organisationId: null };

/*
 * A SIGTERM while a planning job runs: the worker stops taking jobs, gives the job its
 * grace period, then cancels it; the planning job hands itself back to the queue, so the
 * process exits 0 and the next start runs it again without waiting for a stalled lock.
 */
describe(WorkerGrace.name, () => {
  let test: TestServiceEnvironment;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    test = await testServiceEnvironment('collection', collectionMigrations);
  });

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await test?.cleanup();
  });

  it('should close within its grace period on SIGTERM during a job, leaving no stalled job for the next start', async () => {
    const env = { ...test.env, HTTP_PORT: String(await freePort()), WORKER_GRACE_MS: '1000' };
    child = spawn(
      process.execPath,
      [
        '--import',
        '@swc-node/register/esm-register',
        'services/collection/test/slow-planner.child.ts',
      ],
      { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((resolve) =>
      child!.once('exit', (code) => resolve(code)),
    );
    await eventually(() => expect(out).toContain('listening'), { timeoutMs: 60_000 });

    const nc = await connectTestNats();
    const rpc = new RpcClient(
      nc,
      test.prefix,
      30_000,
      new IdentitySigner(testIdentityKeys().privateKeyPem),
    );
    const day = tomorrow();
    const { requestedRevision } = await rpc.request(CollectionRpc.planDay, {
      actor: coordinator,
      day,
    });
    await eventually(() => expect(out).toContain('planning'));

    child.kill('SIGTERM');
    // Without the grace period's cancellation the worker would wait for the job forever.
    const code = await Promise.race([
      exited,
      new Promise<'still running'>((resolve) =>
        setTimeout(() => resolve('still running'), 30_000).unref(),
      ),
    ]);
    expect(code).toBe(0);

    const queue = new Queue(PLANNING_QUEUE, {
      connection: redisConnection(test.env.REDIS_URL),
      prefix: test.env.QUEUE_PREFIX,
    });
    const events = new QueueEvents(PLANNING_QUEUE, {
      connection: redisConnection(test.env.REDIS_URL),
      prefix: test.env.QUEUE_PREFIX,
    });
    const stalled: string[] = [];
    events.on('stalled', ({ jobId }) => stalled.push(jobId));
    await events.waitUntilReady();
    try {
      const jobId = planDayJobOptions(day, requestedRevision).jobId;
      const job = (await queue.getJob(jobId))!;
      expect(await job.getState()).toBe('delayed');
      expect({ attemptsMade: job.attemptsMade, stalled: job.stalledCounter }).toEqual({
        attemptsMade: 0,
        stalled: 0,
      });

      // The next start takes it up at once and plans the day.
      const config = loadCollectionConfig(test.env);
      const app = await createCollectionApp(config, { planner: greedyPlanner });
      try {
        await eventually(async () => {
          const rounds = await rpc.request(CollectionRpc.listRounds, { actor: coordinator, day });
          expect(rounds.plannedRevision).toBe(requestedRevision);
        });
        expect(await job.getState()).toBe('completed');
        expect(stalled).toEqual([]);
      } finally {
        await app.close();
      }
    } finally {
      await events.close();
      await queue.close();
      await nc.close();
    }
  }, 120_000);
});
