import { z } from 'zod';
import { defineEvent } from '../event-definition.js';
import { Day, Id, Instant } from '../primitives.js';

export const CollectionPickupScheduledV1 = defineEvent({
  producer: 'collection',
  aggregate: 'pickup',
  event: 'scheduled',
  version: 1,
  aggregateId: (data) => data.pickupId,
  description:
    'A pickup was placed on a round (or moved within the day by a replan): its vehicle, place in the round and expected arrival.',
  schema: z.strictObject({
    pickupId: Id,
    organisationId: Id,
    day: Day,
    roundId: Id,
    vehicleId: Id,
    /** 1 for the round's first stop. */
    sequence: z.number().int().positive(),
    /** When the crew is expected, inside one of the pickup's windows. */
    eta: Instant,
  }),
  example: {
    pickupId: '3f2b1c0d-9e8f-4a7b-8c6d-5e4f3a2b1c0d',
    organisationId: '0b7c6f1e-3f7a-4a57-9a52-5f8d2f3f9a10',
    day: '2026-12-03',
    roundId: '8a7b6c5d-4e3f-4a1b-9c8d-7e6f5a4b3c2d',
    vehicleId: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
    sequence: 2,
    eta: '2026-12-03T09:20:00Z',
  },
});
export type CollectionPickupScheduledV1Data = z.output<typeof CollectionPickupScheduledV1.schema>;
