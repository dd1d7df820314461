import { z } from 'zod';
import { defineEvent } from '../event-definition.js';
import { Id, Instant, OpaqueRef } from '../primitives.js';
import {
  CollectedGoodV1,
  CollectionLoadV1,
  CollectionModeV1,
  DeliverToV1,
} from './collection-common.v1.js';

export const CollectionPickupCompletedV1 = defineEvent({
  producer: 'collection',
  aggregate: 'pickup',
  event: 'completed',
  version: 1,
  aggregateId: (data) => data.pickupId,
  description:
    'A driver collected a pickup: the figures actually loaded per dimension, the goods as inventory takes them in, where the load goes and the proof of collection. Inventory records the intake from it.',
  schema: z.strictObject({
    pickupId: Id,
    /** The member the pickup was for (the shop, the firm, the village acting for a donor). */
    organisationId: Id,
    roundId: Id,
    collectedAt: Instant,
    mode: CollectionModeV1,
    provenance: z.strictObject({
      locality: z.string().min(1).max(200),
      /** The donor's pseudonymous reference, when the pickup was at a donor's home. */
      donorRef: OpaqueRef.nullable(),
    }),
    deliverTo: DeliverToV1,
    /** What the crew loaded, weighed and counted. */
    actual: CollectionLoadV1,
    goods: z.array(CollectedGoodV1).min(1).max(500),
    /** The firm's lot this load is part of, when it came from a construction site. */
    lotGoodId: Id.nullable(),
    proof: z.strictObject({
      photoRefs: z.array(OpaqueRef).max(20),
      signatureRef: OpaqueRef.nullable(),
    }),
  }),
  example: {
    pickupId: '3f2b1c0d-9e8f-4a7b-8c6d-5e4f3a2b1c0d',
    organisationId: '0b7c6f1e-3f7a-4a57-9a52-5f8d2f3f9a10',
    roundId: '8a7b6c5d-4e3f-4a1b-9c8d-7e6f5a4b3c2d',
    collectedAt: '2026-12-03T09:24:00Z',
    mode: 'shop',
    provenance: { locality: 'Amiens', donorRef: null },
    deliverTo: {
      siteId: '5d0f8a52-8f3e-4a43-8c0a-0c2b8d1e7f11',
      locationId: '6e1a9b63-9f4e-4b54-9d1b-1d3c9e2f8a22',
    },
    actual: { kg: 182.5, m3: 0.9, crates: 12, items: 0 },
    goods: [{ kind: 'pool', containerType: 'bouteille 75 cl', count: 144, depositCents: 20 }],
    lotGoodId: null,
    proof: { photoRefs: ['photo:2026-12-03:a1b2'], signatureRef: 'sig:2026-12-03:c3d4' },
  },
});
export type CollectionPickupCompletedV1Data = z.output<typeof CollectionPickupCompletedV1.schema>;
