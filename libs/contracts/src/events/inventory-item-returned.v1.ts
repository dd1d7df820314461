import { z } from 'zod';
import { defineEvent } from '../event-definition.js';
import { Id } from '../primitives.js';

export const InventoryItemReturnedV1 = defineEvent({
  producer: 'inventory',
  aggregate: 'item',
  event: 'returned',
  version: 1,
  aggregateId: (data) => data.goodId,
  description: 'A handed-over aid came back; it goes through cleaning and every gate again.',
  schema: z.strictObject({
    goodId: Id,
    make: z.string(),
    model: z.string(),
    serialNumber: z.string(),
    cycle: z.number().int(),
  }),
  example: {
    goodId: '9c3e1b2a-6d4f-4e8a-b1c2-3d4e5f6a7b8c',
    make: 'Invacare',
    model: 'Action 3',
    serialNumber: 'AC3-2019-00412',
    cycle: 2,
  },
});
export type InventoryItemReturnedV1Data = z.output<typeof InventoryItemReturnedV1.schema>;
