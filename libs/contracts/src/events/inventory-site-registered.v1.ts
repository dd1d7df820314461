import { z } from 'zod';
import { defineEvent } from '../event-definition.js';
import { GeoPoint, Id } from '../primitives.js';
import { SITE_KINDS } from '../rpc/inventory.js';

export const InventorySiteRegisteredV1 = defineEvent({
  producer: 'inventory',
  aggregate: 'site',
  event: 'registered',
  version: 1,
  aggregateId: (data) => data.siteId,
  description:
    'A member registered one of its sites with its storage locations and, when given, its position: where readers place the goods they hear of by location.',
  schema: z.strictObject({
    siteId: Id,
    organisationId: Id,
    kind: z.enum(SITE_KINDS),
    locality: z.string(),
    /** Null for a site registered without one; distances are then unknown. */
    position: GeoPoint.nullable(),
    locations: z.array(z.strictObject({ id: Id, name: z.string() })).min(1),
  }),
  example: {
    siteId: '5d0f8a52-8f3e-4a43-8c0a-0c2b8d1e7f11',
    organisationId: '0b7c6f1e-3f7a-4a57-9a52-5f8d2f3f9a10',
    kind: 'reuse-village',
    locality: 'Amiens',
    position: { latitude: 49.8941, longitude: 2.2958 },
    locations: [{ id: '6e1f9b63-9f4a-4b54-8d1b-1d3c9e2f8a22', name: 'Atelier' }],
  },
});
export type InventorySiteRegisteredV1Data = z.output<typeof InventorySiteRegisteredV1.schema>;
