import { z } from 'zod';
import { defineEvent } from '../event-definition.js';
import { Id, Instant, Kilograms, KilogramsOrZero } from '../primitives.js';

export const InventoryIntakeRecordedV1 = defineEvent({
  producer: 'inventory',
  aggregate: 'intake',
  event: 'recorded',
  version: 1,
  aggregateId: (data) => data.intakeId,
  description: 'A weighed intake was recorded at a site, with the goods it brought in.',
  schema: z.strictObject({
    intakeId: Id,
    siteId: Id,
    receivedAt: Instant,
    collectionMode: z.enum(['drop-off', 'pickup', 'construction-site', 'shop']),
    grossWeightKg: Kilograms,
    tareKg: KilogramsOrZero,
    goodIds: z.array(Id).min(1),
  }),
  example: {
    intakeId: '0b7c6f1e-3f7a-4a57-9a52-5f8d2f3f9a10',
    siteId: '5d0f8a52-8f3e-4a43-8c0a-0c2b8d1e7f11',
    receivedAt: '2026-11-20T09:15:00Z',
    collectionMode: 'drop-off',
    grossWeightKg: 41.5,
    tareKg: 1.5,
    goodIds: ['9c3e1b2a-6d4f-4e8a-b1c2-3d4e5f6a7b8c'],
  },
});
export type InventoryIntakeRecordedV1Data = z.output<typeof InventoryIntakeRecordedV1.schema>;
