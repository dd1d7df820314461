import { z } from 'zod';
import { defineEvent } from '../event-definition.js';
import { Day, Id } from '../primitives.js';

/** Why the planner could not place a pickup on any round of the day. */
export const UNPLANNED_REASONS = [
  /** No vehicle has every skill the pickup needs. */
  'no-vehicle-with-skills',
  /** Its windows are shorter than the time on site. */
  'window-too-short',
  /** Larger, in some dimension, than any vehicle carries. */
  'over-capacity',
  /** No vehicle can be there within a window and back within its working hours. */
  'window-unreachable',
  /** Each alone would fit, but the day's vehicles are full. */
  'fleet-capacity-exhausted',
  'fleet-time-exhausted',
  'fleet-exhausted',
  /** No vehicle works that day. */
  'no-vehicle',
] as const;

export const CollectionPickupUnplannedV1 = defineEvent({
  producer: 'collection',
  aggregate: 'pickup',
  event: 'unplanned',
  version: 1,
  aggregateId: (data) => data.pickupId,
  description: "A day's plan could not place a pickup on any round, with the reason.",
  schema: z.strictObject({
    pickupId: Id,
    organisationId: Id,
    day: Day,
    reason: z.enum(UNPLANNED_REASONS),
  }),
  example: {
    pickupId: '3f2b1c0d-9e8f-4a7b-8c6d-5e4f3a2b1c0d',
    organisationId: '0b7c6f1e-3f7a-4a57-9a52-5f8d2f3f9a10',
    day: '2026-12-03',
    reason: 'no-vehicle-with-skills',
  },
});
export type CollectionPickupUnplannedV1Data = z.output<typeof CollectionPickupUnplannedV1.schema>;
