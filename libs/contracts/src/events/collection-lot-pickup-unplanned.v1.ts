import { z } from 'zod';
import { defineEvent } from '../event-definition.js';
import { Id, Instant } from '../primitives.js';

export const CollectionLotPickupUnplannedV1 = defineEvent({
  producer: 'collection',
  aggregate: 'lot',
  event: 'pickup-unplanned',
  version: 1,
  aggregateId: (data) => data.lotGoodId,
  description:
    "Two days before a lot's mustBeGoneBy its pickup is on no round yet: the firm and the coordinator are warned before the lot is diverted.",
  schema: z.strictObject({
    lotGoodId: Id,
    pickupId: Id,
    /** The member the pickup is for (the taker fetching the lot). */
    organisationId: Id,
    mustBeGoneBy: Instant,
  }),
  example: {
    lotGoodId: '9c3e1b2a-6d4f-4e8a-b1c2-3d4e5f6a7b8c',
    pickupId: '3f2b1c0d-9e8f-4a7b-8c6d-5e4f3a2b1c0d',
    organisationId: '0b7c6f1e-3f7a-4a57-9a52-5f8d2f3f9a10',
    mustBeGoneBy: '2026-12-19T16:00:00Z',
  },
});
export type CollectionLotPickupUnplannedV1Data = z.output<
  typeof CollectionLotPickupUnplannedV1.schema
>;
