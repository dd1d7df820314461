import { z } from 'zod';
import { defineEvent } from '../event-definition.js';
import { Day, Id, Instant } from '../primitives.js';

export const CollectionRoundStartedV1 = defineEvent({
  producer: 'collection',
  aggregate: 'round',
  event: 'started',
  version: 1,
  aggregateId: (data) => data.roundId,
  description: 'A driver started a round; from now on a replan of the day leaves it as it is.',
  schema: z.strictObject({
    roundId: Id,
    day: Day,
    vehicleId: Id,
    organisationId: Id,
    startedAt: Instant,
  }),
  example: {
    roundId: '8a7b6c5d-4e3f-4a1b-9c8d-7e6f5a4b3c2d',
    day: '2026-12-03',
    vehicleId: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
    organisationId: '0b7c6f1e-3f7a-4a57-9a52-5f8d2f3f9a10',
    startedAt: '2026-12-03T07:58:00Z',
  },
});
export type CollectionRoundStartedV1Data = z.output<typeof CollectionRoundStartedV1.schema>;
