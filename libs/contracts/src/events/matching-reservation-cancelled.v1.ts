import { z } from 'zod';
import { defineEvent } from '../event-definition.js';
import { Id } from '../primitives.js';

/**
 * Why matching let a reservation go before its hand-over. Inventory releases the hold
 * with `approval-refused` for a refused approval and `cancelled` for every other reason.
 */
export const RESERVATION_CANCEL_REASONS = [
  /** The beneficiary, or whoever acts for them, no longer wants it. */
  'cancelled',
  /** The staff of the good's member refused it (medical aids wait for their approval). */
  'approval-refused',
  /** Inventory did not answer the request in time; a hold that comes later is let go. */
  'timed-out',
  /** The need it was for closed (withdrawn, erased, met by another good). */
  'need-closed',
] as const;

export const MatchingReservationCancelledV1 = defineEvent({
  producer: 'matching',
  aggregate: 'reservation',
  event: 'cancelled',
  version: 1,
  aggregateId: (data) => data.reservationId,
  description:
    "A reservation was let go before its hand-over; inventory releases its hold, if it placed one. Sent again for a hold that arrives after the reservation's end.",
  schema: z.strictObject({
    reservationId: Id,
    goodId: Id,
    /** Null when no hold was known yet: inventory looks it up by the reservation. */
    holdId: Id.nullable(),
    reason: z.enum(RESERVATION_CANCEL_REASONS),
  }),
  example: {
    reservationId: '7e6d5c4b-3a2f-4e1d-9c8b-7a6f5e4d3c2b',
    goodId: '9c3e1b2a-6d4f-4e8a-b1c2-3d4e5f6a7b8c',
    holdId: '3a1f2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
    reason: 'approval-refused',
  },
});
export type MatchingReservationCancelledV1Data = z.output<
  typeof MatchingReservationCancelledV1.schema
>;
