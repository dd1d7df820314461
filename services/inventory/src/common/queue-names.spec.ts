import { Reflector } from '@nestjs/core';
import { ON_EVENT_METADATA, type OnEventMetadata } from '@boucle/messaging';
import { CompletedPickupsConsumer } from '../collections/collections.consumer.js';
import { ReservationRequestsConsumer } from '../holds/holds.consumer.js';
import { expireJobOptions, HOLDS_QUEUE, HoldJob, SWEEP_SCHEDULER_ID } from '../holds/holds.jobs.js';
import {
  divertJobOptions,
  LOTS_QUEUE,
  LOTS_SWEEP_SCHEDULER_ID,
  LotJob,
} from '../lots/lots.jobs.js';

/*
 * Every name inventory keeps in Redis or JetStream, written out by hand, so that a
 * rename is a visible, deliberate change. Jobs already in Redis carry their queue,
 * job name and job id; a renamed scheduler leaves the old one running beside the
 * new; a renamed durable consumer starts again from the stream's first event.
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

describe('inventory queue and consumer names', () => {
  it('should keep the holds queue, its jobs, job ids and scheduler', () => {
    expectSameNames(
      [
        `queue ${HOLDS_QUEUE}`,
        ...Object.entries(HoldJob).map(([key, name]) => `job ${key}: ${name}`),
        `job id ${expireJobOptions('<holdId>', 0).jobId}`,
        `scheduler ${SWEEP_SCHEDULER_ID}`,
      ],
      [
        'queue inventory-holds',
        'job expire: expire-hold',
        'job sweep: sweep-expired-holds',
        'job id expire-<holdId>',
        'scheduler sweep-expired-holds',
      ],
    );
  });

  it('should keep the lots queue, its jobs, job ids and scheduler', () => {
    expectSameNames(
      [
        `queue ${LOTS_QUEUE}`,
        ...Object.entries(LotJob).map(([key, name]) => `job ${key}: ${name}`),
        `job id ${divertJobOptions('<goodId>', 0).jobId}`,
        `scheduler ${LOTS_SWEEP_SCHEDULER_ID}`,
      ],
      [
        'queue inventory-lots',
        'job divertUntaken: divert-untaken-lot',
        'job sweep: sweep-overdue-lots',
        'job id divert-<goodId>',
        'scheduler sweep-overdue-lots',
      ],
    );
  });

  it('should keep the durable consumer names', () => {
    const reflector = new Reflector();
    const consumers = [
      ReservationRequestsConsumer.prototype.onRequested,
      ReservationRequestsConsumer.prototype.onCancelled,
      CompletedPickupsConsumer.prototype.onCompleted,
    ].map((handler) => {
      const meta = reflector.get<OnEventMetadata | undefined>(ON_EVENT_METADATA, handler);
      return `${meta?.consumer} reads ${meta?.event.subject}`;
    });
    expectSameNames(consumers, [
      'inventory.reservation-requested reads matching.reservation.requested.v1',
      'inventory.reservation-cancelled reads matching.reservation.cancelled.v1',
      'inventory.pickup-completed reads collection.pickup.completed.v1',
    ]);
  });
});
