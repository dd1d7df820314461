import { z } from 'zod';
import { defineEvent } from '../event-definition.js';
import { Id, Instant } from '../primitives.js';
import {
  CollectionLoadV1,
  CollectionModeV1,
  CollectionSkillV1,
  CollectionWindowV1,
  DeliverToV1,
} from './collection-common.v1.js';

/** Who a pickup is for: a donor at home, a construction site's lot, a partner shop, a business. */
export const PICKUP_KINDS = ['home', 'construction-site', 'shop', 'business'] as const;
/** A person asked for it, a collection point's schedule made it, or a shop's fill level did. */
export const PICKUP_ORIGINS = ['request', 'schedule', 'threshold'] as const;

export const CollectionPickupRequestedV1 = defineEvent({
  producer: 'collection',
  aggregate: 'pickup',
  event: 'requested',
  version: 1,
  aggregateId: (data) => data.pickupId,
  description:
    'A pickup was requested (by a member, a collection point schedule or a fill threshold), with its windows, expected load and handling needs. The address stays in collection.',
  schema: z.strictObject({
    pickupId: Id,
    organisationId: Id,
    kind: z.enum(PICKUP_KINDS),
    mode: CollectionModeV1,
    origin: z.enum(PICKUP_ORIGINS),
    pointId: Id.nullable(),
    /** The provenance inventory reports by; never the street address. */
    locality: z.string().min(1).max(200),
    windows: z.array(CollectionWindowV1).min(1),
    expectedLoad: CollectionLoadV1,
    skills: z.array(CollectionSkillV1),
    deliverTo: DeliverToV1,
    /** The construction firm's lot, and when it must be gone from the site. */
    lot: z.strictObject({ goodId: Id, mustBeGoneBy: Instant }).nullable(),
  }),
  example: {
    pickupId: '3f2b1c0d-9e8f-4a7b-8c6d-5e4f3a2b1c0d',
    organisationId: '0b7c6f1e-3f7a-4a57-9a52-5f8d2f3f9a10',
    kind: 'home',
    mode: 'pickup',
    origin: 'request',
    pointId: null,
    locality: 'Amiens',
    windows: [{ from: '2026-12-03T08:00:00Z', until: '2026-12-03T11:00:00Z' }],
    expectedLoad: { kg: 22, m3: 0.4, crates: 0, items: 1 },
    skills: ['two-person', 'tail-lift'],
    deliverTo: {
      siteId: '5d0f8a52-8f3e-4a43-8c0a-0c2b8d1e7f11',
      locationId: '6e1a9b63-9f4e-4b54-9d1b-1d3c9e2f8a22',
    },
    lot: null,
  },
});
export type CollectionPickupRequestedV1Data = z.output<typeof CollectionPickupRequestedV1.schema>;
