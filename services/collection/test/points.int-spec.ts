import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Queue } from 'bullmq';
import { CollectionRpc } from '@boucle/contracts';
import { eventually } from '@boucle/testing';
import { addDays, isoWeekday, parisDay, parisInstant } from '../src/common/paris-time.js';
import { POINTS_QUEUE, pointSchedulerId } from '../src/points/points.jobs.js';
import { schedulePattern, type Schedule } from '../src/points/points.scheduling.js';
import { PointsService } from '../src/points/points.service.js';
import {
  refusal,
  registerShopPoint,
  startCollection,
  type CollectionHarness,
  type Member,
} from './harness.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');

describe(PointsService.name, () => {
  let h: CollectionHarness;
  let shop: Member;
  let queue: Queue;
  let sut: PointsService;

  beforeAll(async () => {
    h = await startCollection();
    shop = h.member();
    queue = h.queue(POINTS_QUEUE);
    sut = h.app.get(PointsService);
  });

  afterAll(async () => {
    await h?.close();
  });

  const tuesdays: Schedule = {
    weekdays: [2],
    everyWeeks: 1,
    startingOn: '2026-12-01',
    windowFrom: '09:00',
    windowUntil: '12:00',
  };

  async function schedulerOf(pointId: string) {
    const schedulers = await queue.getJobSchedulers();
    return schedulers.filter((s) => s.key === pointSchedulerId(pointId));
  }

  async function pendingJobsOf(pointId: string) {
    const jobs = await queue.getJobs(['delayed', 'wait', 'prioritized']);
    return jobs.filter((j) => (j.data as { pointId?: string }).pointId === pointId);
  }

  describe('setSchedule', () => {
    it('should make one scheduler for a new schedule, replace it when changed and remove it when removed', async () => {
      const { pointId } = await registerShopPoint(h, shop.shop);

      await h.rpc.request(CollectionRpc.setPointSchedule, {
        actor: shop.shop,
        pointId,
        schedule: tuesdays,
      });
      await eventually(async () => {
        expect((await schedulerOf(pointId)).map((s) => s.pattern)).toEqual(['0 12 * * 1']);
        expect(await pendingJobsOf(pointId)).toHaveLength(1);
      });

      const { scheduleRevision } = await h.rpc.request(CollectionRpc.setPointSchedule, {
        actor: shop.shop,
        pointId,
        schedule: { ...tuesdays, weekdays: [5, 2] },
      });
      expect(scheduleRevision).toBe(2);
      await eventually(async () => {
        expect((await schedulerOf(pointId)).map((s) => s.pattern)).toEqual(['0 12 * * 1,4']);
        const pending = await pendingJobsOf(pointId);
        expect(pending).toHaveLength(1);
        expect(pending[0]!.data).toMatchObject({ revision: 2 });
      });

      await h.rpc.request(CollectionRpc.setPointSchedule, {
        actor: shop.shop,
        pointId,
        schedule: null,
      });
      await eventually(async () => {
        expect(await schedulerOf(pointId)).toEqual([]);
        expect(await pendingJobsOf(pointId)).toEqual([]);
      });
    });

    it("should answer another member's point as not found", async () => {
      const { pointId } = await registerShopPoint(h, shop.shop);
      const other = h.member();

      const error = await refusal(
        h.rpc.request(CollectionRpc.setPointSchedule, {
          actor: other.shop,
          pointId,
          schedule: tuesdays,
        }),
      );

      expect(error.code).toBe('not-found');
    });

    it('should leave one scheduler and one pending job when three processes upsert the same schedule at once', async () => {
      const pointId = randomUUID();
      const upsertFromThreeProcesses = async (schedule: Schedule) => {
        const children = [0, 1, 2].map(() =>
          spawn(
            process.execPath,
            [
              '--import',
              '@swc-node/register/esm-register',
              'services/collection/test/upsert-schedule.child.ts',
            ],
            {
              cwd: ROOT,
              env: {
                ...process.env,
                REDIS_URL: h.config.REDIS_URL,
                QUEUE_PREFIX: h.config.QUEUE_PREFIX,
                POINT_ID: pointId,
                SCHEDULE: JSON.stringify(schedule),
                AT: h.config.SCHEDULED_PICKUPS_AT,
              },
              stdio: ['pipe', 'pipe', 'inherit'],
            },
          ),
        );
        const said = (child: (typeof children)[number], word: string) =>
          new Promise<void>((resolve, reject) => {
            let out = '';
            child.stdout.on('data', (chunk: Buffer) => {
              out += chunk.toString();
              if (out.includes(word)) resolve();
            });
            child.once('exit', (code) =>
              reject(new Error(`child exited ${code} before "${word}"`)),
            );
          });
        await Promise.all(children.map((c) => said(c, 'ready')));
        const done = children.map((c) => said(c, 'done'));
        for (const child of children) child.stdin.write('go\n');
        await Promise.all(done);
        await Promise.all(
          children.map((c) =>
            c.exitCode !== null ? Promise.resolve() : new Promise((r) => c.once('exit', r)),
          ),
        );
      };

      await upsertFromThreeProcesses(tuesdays);

      expect((await schedulerOf(pointId)).map((s) => s.pattern)).toEqual(['0 12 * * 1']);
      const first = await pendingJobsOf(pointId);
      expect(first).toHaveLength(1);

      const fridays = { ...tuesdays, weekdays: [5] };
      await upsertFromThreeProcesses(fridays);

      expect((await schedulerOf(pointId)).map((s) => s.pattern)).toEqual([
        schedulePattern(fridays, '12:00'),
      ]);
      const second = await pendingJobsOf(pointId);
      expect(second).toHaveLength(1);
      expect(second[0]!.id).not.toBe(first[0]!.id);
      await queue.removeJobScheduler(pointSchedulerId(pointId));
    }, 60_000);
  });

  describe('openScheduled', () => {
    it('should open one pickup for the day after the scheduler fires, however often it fires', async () => {
      const { pointId } = await registerShopPoint(h, shop.shop);
      const day = addDays(parisDay(), 2);
      await h.rpc.request(CollectionRpc.setPointSchedule, {
        actor: shop.shop,
        pointId,
        schedule: { ...tuesdays, weekdays: [isoWeekday(day)], startingOn: parisDay() },
      });
      const firedAt = parisInstant(addDays(day, -1), '12:00');

      const outcomes = await Promise.all([
        sut.openScheduled(pointId, firedAt),
        sut.openScheduled(pointId, firedAt),
      ]);

      expect(outcomes.sort()).toEqual(['exists', 'opened']);
      const { pickups } = await h.rpc.request(CollectionRpc.listPickups, { actor: shop.shop, day });
      expect(pickups.filter((p) => p.pointId === pointId)).toEqual([
        expect.objectContaining({
          origin: 'schedule',
          kind: 'shop',
          mode: 'shop',
          windows: [
            {
              from: parisInstant(day, '09:00').toISOString(),
              until: parisInstant(day, '12:00').toISOString(),
            },
          ],
        }),
      ]);
    });

    it('should skip the weeks off of a fortnightly schedule', async () => {
      const { pointId } = await registerShopPoint(h, shop.shop);
      const day = addDays(parisDay(), 2);
      await h.rpc.request(CollectionRpc.setPointSchedule, {
        actor: shop.shop,
        pointId,
        schedule: {
          ...tuesdays,
          weekdays: [isoWeekday(day)],
          everyWeeks: 2,
          startingOn: addDays(day, -7),
        },
      });

      const outcome = await sut.openScheduled(pointId, parisInstant(addDays(day, -1), '12:00'));

      expect(outcome).toBe('off-week');
    });
  });

  describe('reportFill', () => {
    it('should open one pickup when two reports reach the threshold at once', async () => {
      for (let attempt = 0; attempt < 5; attempt++) {
        const { pointId } = await registerShopPoint(h, shop.shop);

        const answers = await Promise.all([
          h.rpc.request(CollectionRpc.reportFill, { actor: shop.shop, pointId, fullCrates: 12 }),
          h.rpc.request(CollectionRpc.reportFill, { actor: shop.shop, pointId, fullCrates: 11 }),
        ]);

        expect(answers.map((a) => a.thresholdReached)).toEqual([true, true]);
        expect(answers[0].pickupId).not.toBeNull();
        expect(answers[1].pickupId).toBe(answers[0].pickupId);
        const rows = await h.orm.em
          .fork()
          .execute<{ id: string }[]>(
            `SELECT id FROM pickup WHERE point_id = ? AND origin = 'threshold'`,
            [pointId],
          );
        expect(rows.map((r) => r.id)).toEqual([answers[0].pickupId]);
      }
    });

    it('should open no pickup below the threshold, and a new one once the last was collected or cancelled', async () => {
      const { pointId } = await registerShopPoint(h, shop.shop);

      const below = await h.rpc.request(CollectionRpc.reportFill, {
        actor: shop.shop,
        pointId,
        fullCrates: 4,
      });
      const reached = await h.rpc.request(CollectionRpc.reportFill, {
        actor: shop.shop,
        pointId,
        fullCrates: 10,
      });
      await h.rpc.request(CollectionRpc.cancelPickup, {
        actor: shop.shop,
        pickupId: reached.pickupId!,
      });
      const again = await h.rpc.request(CollectionRpc.reportFill, {
        actor: shop.shop,
        pointId,
        fullCrates: 10,
      });

      expect(below).toMatchObject({ thresholdReached: false, pickupId: null });
      expect(again.pickupId).not.toBeNull();
      expect(again.pickupId).not.toBe(reached.pickupId);
      const point = await h.rpc.request(CollectionRpc.getPoint, { actor: shop.shop, pointId });
      expect(point.lastFill).toMatchObject({ fullCrates: 10 });
    });
  });
});
