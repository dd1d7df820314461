import type { Queue } from 'bullmq';
import {
  openScheduledJobOptions,
  PointJob,
  pointSchedulerId,
  type OpenScheduledPayload,
} from './points.jobs.js';

export interface Schedule {
  weekdays: number[];
  everyWeeks: number;
  startingOn: string;
  windowFrom: string;
  windowUntil: string;
}

/**
 * The cron pattern of a point's scheduler: at `at` (Paris) on the day before each of its
 * weekdays, so that the pickup exists before the next day is planned. Weeks off (a
 * fortnightly point) are skipped by the job, which knows the week count; cron cannot say
 * "every other Tuesday", and a fixed interval in milliseconds would drift by an hour at
 * every change of clocks.
 */
export function schedulePattern(schedule: Pick<Schedule, 'weekdays'>, at: string): string {
  const [hour, minute] = at.split(':').map(Number) as [number, number];
  // ISO weekday w (1 = Monday … 7 = Sunday); cron counts 0 = Sunday, so the day before w is w - 1.
  const daysBefore = [...new Set(schedule.weekdays.map((w) => w - 1))].sort((a, b) => a - b);
  return `${minute} ${hour} * * ${daysBefore.join(',')}`;
}

/**
 * Makes the point's scheduler say what its schedule says, or removes it. BullMQ's upsert
 * is one atomic script keyed by the scheduler id: however many processes run it at once,
 * there is one scheduler and one next job, and a changed pattern replaces both.
 */
export async function applySchedule(
  queue: Queue<OpenScheduledPayload>,
  point: { id: string; schedule: Schedule | null; revision: number },
  at: string,
): Promise<'upserted' | 'removed'> {
  const id = pointSchedulerId(point.id);
  if (!point.schedule) {
    await queue.removeJobScheduler(id);
    return 'removed';
  }
  await queue.upsertJobScheduler(
    id,
    { pattern: schedulePattern(point.schedule, at), tz: 'Europe/Paris' },
    {
      name: PointJob.openScheduled,
      data: { pointId: point.id, revision: point.revision },
      opts: openScheduledJobOptions,
    },
  );
  return 'upserted';
}
