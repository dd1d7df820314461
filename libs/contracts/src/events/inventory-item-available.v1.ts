import { z } from 'zod';
import { defineEvent } from '../event-definition.js';
import { Id } from '../primitives.js';

export const InventoryItemAvailableV1 = defineEvent({
  producer: 'inventory',
  aggregate: 'item',
  event: 'available',
  version: 1,
  aggregateId: (data) => data.goodId,
  description: 'Every refurbishment gate is recorded: the aid can be offered to beneficiaries.',
  schema: z.strictObject({
    goodId: Id,
    make: z.string(),
    model: z.string(),
    serialNumber: z.string(),
    isoClass: z.string(),
    siteId: Id,
    attributes: z.record(z.string(), z.unknown()),
  }),
  example: {
    goodId: '9c3e1b2a-6d4f-4e8a-b1c2-3d4e5f6a7b8c',
    make: 'Invacare',
    model: 'Action 3',
    serialNumber: 'AC3-2019-00412',
    isoClass: '12 22',
    siteId: '5d0f8a52-8f3e-4a43-8c0a-0c2b8d1e7f11',
    attributes: { seatWidthCm: 45 },
  },
});
export type InventoryItemAvailableV1Data = z.output<typeof InventoryItemAvailableV1.schema>;
