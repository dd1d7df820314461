import { z } from 'zod';
import { defineEvent } from '../event-definition.js';
import { Id } from '../primitives.js';

export const PICKUP_CANCEL_REASONS = [
  'requested',
  'window-passed',
  'too-many-misses',
  'point-removed',
] as const;

export const CollectionPickupCancelledV1 = defineEvent({
  producer: 'collection',
  aggregate: 'pickup',
  event: 'cancelled',
  version: 1,
  aggregateId: (data) => data.pickupId,
  description:
    'A pickup will not be made: cancelled by its member, its windows passed, or given up after repeated misses.',
  schema: z.strictObject({
    pickupId: Id,
    organisationId: Id,
    reason: z.enum(PICKUP_CANCEL_REASONS),
  }),
  example: {
    pickupId: '3f2b1c0d-9e8f-4a7b-8c6d-5e4f3a2b1c0d',
    organisationId: '0b7c6f1e-3f7a-4a57-9a52-5f8d2f3f9a10',
    reason: 'requested',
  },
});
export type CollectionPickupCancelledV1Data = z.output<typeof CollectionPickupCancelledV1.schema>;
