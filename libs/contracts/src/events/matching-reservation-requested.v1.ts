import { z } from 'zod';
import { defineEvent } from '../event-definition.js';
import { Id, OpaqueRef, Quantity } from '../primitives.js';

export const MatchingReservationRequestedV1 = defineEvent({
  producer: 'matching',
  aggregate: 'reservation',
  event: 'requested',
  version: 1,
  aggregateId: (data) => data.reservationId,
  description: 'Someone asked to reserve a good; inventory answers with a hold or a rejection.',
  schema: z.strictObject({
    reservationId: Id,
    goodId: Id,
    /** Pseudonymous: the person behind it stays in matching's database. */
    holderId: OpaqueRef,
    quantity: Quantity,
    holdForSeconds: z
      .number()
      .int()
      .min(60)
      .max(60 * 60 * 24 * 30),
  }),
  example: {
    reservationId: '7e6d5c4b-3a2f-4e1d-9c8b-7a6f5e4d3c2b',
    goodId: '9c3e1b2a-6d4f-4e8a-b1c2-3d4e5f6a7b8c',
    holderId: 'ben-7f3a',
    quantity: '1',
    holdForSeconds: 172800,
  },
});
export type MatchingReservationRequestedV1Data = z.output<
  typeof MatchingReservationRequestedV1.schema
>;
