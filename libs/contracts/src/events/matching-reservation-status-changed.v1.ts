import { z } from 'zod';
import { defineEvent } from '../event-definition.js';
import { Id, Instant } from '../primitives.js';

/** Every state of a reservation; the first four await, the others are ends. */
export const RESERVATION_STATES = [
  /** Asked of inventory, no answer yet. */
  'requested',
  /** On the good's waiting list: it is asked of inventory again when the good comes back. */
  'waiting',
  /** Held by inventory; a medical aid waits here for the approval of the good's member. */
  'held',
  /** Held and approved (or needing no approval): waiting for its hand-over. */
  'confirmed',
  'handed-over',
  /** Inventory could not hold it. */
  'rejected',
  /** The hold ran out before the hand-over. */
  'expired',
  'cancelled',
  /** The staff of the good's member refused it. */
  'refused',
  /** Inventory ended the hold itself: recalled, found defective, lot withdrawn, released by an operator. */
  'released',
  /** Inventory did not answer in time. */
  'timed-out',
] as const;
export const LIVE_RESERVATION_STATES = ['requested', 'waiting', 'held', 'confirmed'] as const;

export const MatchingReservationStatusChangedV1 = defineEvent({
  producer: 'matching',
  aggregate: 'reservation',
  event: 'status-changed',
  version: 1,
  aggregateId: (data) => data.reservationId,
  description:
    'A reservation moved on (held, confirmed, handed over, or ended and why): for those following it live.',
  schema: z.strictObject({
    reservationId: Id,
    needId: Id,
    goodId: Id,
    status: z.enum(RESERVATION_STATES),
    holdId: Id.nullable(),
    /** Inventory's or the staff's reason for an end, as a code: `expired`, `recalled`… */
    reason: z.string().max(64).nullable(),
    changedAt: Instant,
  }),
  example: {
    reservationId: '7e6d5c4b-3a2f-4e1d-9c8b-7a6f5e4d3c2b',
    needId: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
    goodId: '9c3e1b2a-6d4f-4e8a-b1c2-3d4e5f6a7b8c',
    status: 'confirmed',
    holdId: '3a1f2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
    reason: null,
    changedAt: '2026-11-22T10:15:00Z',
  },
});
export type MatchingReservationStatusChangedV1Data = z.output<
  typeof MatchingReservationStatusChangedV1.schema
>;
