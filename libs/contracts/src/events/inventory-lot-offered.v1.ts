import { z } from 'zod';
import { defineEvent } from '../event-definition.js';
import { Id, Instant, Quantity, Unit } from '../primitives.js';

export const InventoryLotOfferedV1 = defineEvent({
  producer: 'inventory',
  aggregate: 'lot',
  event: 'offered',
  version: 1,
  aggregateId: (data) => data.goodId,
  description: 'A construction firm offered a lot still on its site, for an availability window.',
  schema: z.strictObject({
    goodId: Id,
    siteId: Id,
    organisationId: Id,
    materialFamily: z.string(),
    quantity: Quantity,
    unit: Unit,
    estimated: z.boolean(),
    conditionGrade: z.enum(['A', 'B', 'C', 'D']),
    availableFrom: Instant,
    mustBeGoneBy: Instant,
  }),
  example: {
    goodId: '9c3e1b2a-6d4f-4e8a-b1c2-3d4e5f6a7b8c',
    siteId: '5d0f8a52-8f3e-4a43-8c0a-0c2b8d1e7f11',
    organisationId: '0b7c6f1e-3f7a-4a57-9a52-5f8d2f3f9a10',
    materialFamily: 'oak parquet',
    quantity: '84.5',
    unit: 'm2',
    estimated: true,
    conditionGrade: 'B',
    availableFrom: '2026-12-01T07:00:00Z',
    mustBeGoneBy: '2026-12-19T16:00:00Z',
  },
});
export type InventoryLotOfferedV1Data = z.output<typeof InventoryLotOfferedV1.schema>;
