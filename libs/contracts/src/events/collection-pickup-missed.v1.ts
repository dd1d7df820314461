import { z } from 'zod';
import { defineEvent } from '../event-definition.js';
import { Id, Instant } from '../primitives.js';

/** Why a crew could not collect at a stop: codes, never free text (it could name someone). */
export const MISSED_REASONS = [
  'nobody-there',
  'no-access',
  'not-ready',
  'refused',
  'over-capacity',
  'vehicle-problem',
  'late',
  'other',
] as const;

export const CollectionPickupMissedV1 = defineEvent({
  producer: 'collection',
  aggregate: 'pickup',
  event: 'missed',
  version: 1,
  aggregateId: (data) => data.pickupId,
  description:
    'A crew could not collect a pickup, with the reason; when it will be offered to planning again, if it will.',
  schema: z.strictObject({
    pickupId: Id,
    organisationId: Id,
    roundId: Id,
    reason: z.enum(MISSED_REASONS),
    /** How many times this pickup has been missed, this one included. */
    attempt: z.number().int().positive(),
    /** When the pickup is offered to planning again; null when it is given up. */
    rescheduleAt: Instant.nullable(),
  }),
  example: {
    pickupId: '3f2b1c0d-9e8f-4a7b-8c6d-5e4f3a2b1c0d',
    organisationId: '0b7c6f1e-3f7a-4a57-9a52-5f8d2f3f9a10',
    roundId: '8a7b6c5d-4e3f-4a1b-9c8d-7e6f5a4b3c2d',
    reason: 'nobody-there',
    attempt: 1,
    rescheduleAt: '2026-12-04T06:00:00Z',
  },
});
export type CollectionPickupMissedV1Data = z.output<typeof CollectionPickupMissedV1.schema>;
