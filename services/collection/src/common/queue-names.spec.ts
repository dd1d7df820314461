import { Reflector } from '@nestjs/core';
import { ON_EVENT_METADATA, type OnEventMetadata } from '@boucle/messaging';
import {
  checkLateJobOptions,
  checkLotJobOptions,
  FOLLOWUPS_QUEUE,
  FollowUpJob,
  remindJobOptions,
  rescheduleJobOptions,
} from '../followups/followups.jobs.js';
import {
  PLAN_NEXT_DAY_SCHEDULER_ID,
  planDayJobOptions,
  PLANNING_QUEUE,
  PlanningJob,
} from '../plans/plans.jobs.js';
import { PointSchedulesConsumer } from '../points/points.consumer.js';
import { POINTS_QUEUE, PointJob, pointSchedulerId } from '../points/points.jobs.js';

/*
 * Every name collection keeps in Redis or JetStream, written out by hand, so that a
 * rename is a visible, deliberate change. Jobs already in Redis carry their queue, job
 * name and job id; a renamed scheduler leaves the old one running beside the new; a
 * renamed durable consumer starts again from the stream's first event.
 */

const NEVER_RENAME =
  'Live names never change: jobs, schedulers and consumers already in Redis and JetStream ' +
  'still use the old one. Add a new name beside it instead, and list it in queue-names.spec.ts.';

function expectSameNames(produced: readonly string[], listed: readonly string[]) {
  const gone = listed.filter((name) => !produced.includes(name));
  const unlisted = produced.filter((name) => !listed.includes(name));
  if (gone.length > 0 || unlisted.length > 0) {
    throw new Error(
      [
        ...gone.map((name) => `listed but no longer produced: ${name}`),
        ...unlisted.map((name) => `produced but not listed:      ${name}`),
        NEVER_RENAME,
      ].join('\n'),
    );
  }
  expect(produced).toHaveLength(listed.length);
}

describe('collection queue and consumer names', () => {
  it('should keep the planning queue, its jobs, job ids and scheduler', () => {
    expectSameNames(
      [
        `queue ${PLANNING_QUEUE}`,
        ...Object.entries(PlanningJob).map(([key, name]) => `job ${key}: ${name}`),
        `job id ${planDayJobOptions('<day>', 7).jobId}`,
        `scheduler ${PLAN_NEXT_DAY_SCHEDULER_ID}`,
      ],
      [
        'queue collection-planning',
        'job planDay: plan-day',
        'job planNextDay: plan-next-day',
        'job id plan-<day>-r7',
        'scheduler plan-next-day',
      ],
    );
  });

  it('should keep the points queue, its job and its schedulers', () => {
    expectSameNames(
      [
        `queue ${POINTS_QUEUE}`,
        ...Object.entries(PointJob).map(([key, name]) => `job ${key}: ${name}`),
        `scheduler ${pointSchedulerId('<pointId>')}`,
      ],
      [
        'queue collection-points',
        'job openScheduled: open-scheduled-pickup',
        'scheduler point-<pointId>',
      ],
    );
  });

  it('should keep the follow-up queue, its jobs and job ids', () => {
    expectSameNames(
      [
        `queue ${FOLLOWUPS_QUEUE}`,
        ...Object.entries(FollowUpJob).map(([key, name]) => `job ${key}: ${name}`),
        `job id ${remindJobOptions('<pickupId>', '<day>', 0).jobId}`,
        `job id ${checkLateJobOptions('<pickupId>', '<roundId>', 0).jobId}`,
        `job id ${rescheduleJobOptions('<pickupId>', 2, 0).jobId}`,
        `job id ${checkLotJobOptions('<pickupId>', 0).jobId}`,
      ],
      [
        'queue collection-followups',
        'job remind: remind-pickup',
        'job checkLate: check-late-stop',
        'job reschedule: reschedule-missed-pickup',
        'job checkLot: check-lot-pickup',
        'job id remind-<pickupId>-<day>',
        'job id late-<pickupId>-<roundId>',
        'job id reschedule-<pickupId>-2',
        'job id lot-<pickupId>',
      ],
    );
  });

  it('should keep the durable consumer names', () => {
    const reflector = new Reflector();
    const consumers = [PointSchedulesConsumer.prototype.onScheduleChanged].map((handler) => {
      const meta = reflector.get<OnEventMetadata | undefined>(ON_EVENT_METADATA, handler);
      return `${meta?.consumer} reads ${meta?.event.subject}`;
    });
    expectSameNames(consumers, [
      'collection.point-schedules reads collection.point.schedule-changed.v1',
    ]);
  });
});
