import { z } from 'zod';
import { defineEvent } from '../event-definition.js';
import { Id, Instant } from '../primitives.js';

export const CollectionPickupLateV1 = defineEvent({
  producer: 'collection',
  aggregate: 'pickup',
  event: 'late',
  version: 1,
  aggregateId: (data) => data.pickupId,
  description:
    'A scheduled stop was neither collected nor missed by the end of its window: the planner and the member are warned.',
  schema: z.strictObject({
    pickupId: Id,
    organisationId: Id,
    roundId: Id,
    eta: Instant,
    windowUntil: Instant,
  }),
  example: {
    pickupId: '3f2b1c0d-9e8f-4a7b-8c6d-5e4f3a2b1c0d',
    organisationId: '0b7c6f1e-3f7a-4a57-9a52-5f8d2f3f9a10',
    roundId: '8a7b6c5d-4e3f-4a1b-9c8d-7e6f5a4b3c2d',
    eta: '2026-12-03T09:20:00Z',
    windowUntil: '2026-12-03T11:00:00Z',
  },
});
export type CollectionPickupLateV1Data = z.output<typeof CollectionPickupLateV1.schema>;
