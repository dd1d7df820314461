import { z } from 'zod';
import { defineEvent } from '../event-definition.js';
import { Day, Id, Instant } from '../primitives.js';

export const CollectionRoundCompletedV1 = defineEvent({
  producer: 'collection',
  aggregate: 'round',
  event: 'completed',
  version: 1,
  aggregateId: (data) => data.roundId,
  description: 'Every stop of a round was recorded, collected or missed.',
  schema: z.strictObject({
    roundId: Id,
    day: Day,
    vehicleId: Id,
    organisationId: Id,
    completedAt: Instant,
    collected: z.number().int().min(0),
    missed: z.number().int().min(0),
  }),
  example: {
    roundId: '8a7b6c5d-4e3f-4a1b-9c8d-7e6f5a4b3c2d',
    day: '2026-12-03',
    vehicleId: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
    organisationId: '0b7c6f1e-3f7a-4a57-9a52-5f8d2f3f9a10',
    completedAt: '2026-12-03T15:12:00Z',
    collected: 11,
    missed: 1,
  },
});
export type CollectionRoundCompletedV1Data = z.output<typeof CollectionRoundCompletedV1.schema>;
