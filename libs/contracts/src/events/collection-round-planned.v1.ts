import { z } from 'zod';
import { defineEvent } from '../event-definition.js';
import { Day, Id, Instant } from '../primitives.js';

export const CollectionRoundPlannedV1 = defineEvent({
  producer: 'collection',
  aggregate: 'round',
  event: 'planned',
  version: 1,
  aggregateId: (data) => data.roundId,
  description:
    "A vehicle's round for a day was planned, or planned again: its stops in order with their expected arrivals and the distance.",
  schema: z.strictObject({
    roundId: Id,
    day: Day,
    vehicleId: Id,
    /** The member whose vehicle it is. */
    organisationId: Id,
    /** Each replan of the day counts up; a consumer keeps the newest. */
    planRevision: z.number().int().positive(),
    distanceKm: z.number().min(0),
    stops: z.array(
      z.strictObject({
        pickupId: Id,
        sequence: z.number().int().positive(),
        eta: Instant,
      }),
    ),
  }),
  example: {
    roundId: '8a7b6c5d-4e3f-4a1b-9c8d-7e6f5a4b3c2d',
    day: '2026-12-03',
    vehicleId: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
    organisationId: '0b7c6f1e-3f7a-4a57-9a52-5f8d2f3f9a10',
    planRevision: 1,
    distanceKm: 42.7,
    stops: [
      {
        pickupId: '3f2b1c0d-9e8f-4a7b-8c6d-5e4f3a2b1c0d',
        sequence: 1,
        eta: '2026-12-03T08:40:00Z',
      },
    ],
  },
});
export type CollectionRoundPlannedV1Data = z.output<typeof CollectionRoundPlannedV1.schema>;
