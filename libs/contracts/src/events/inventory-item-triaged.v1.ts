import { z } from 'zod';
import { defineEvent } from '../event-definition.js';
import { Id } from '../primitives.js';

export const InventoryItemTriagedV1 = defineEvent({
  producer: 'inventory',
  aggregate: 'item',
  event: 'triaged',
  version: 1,
  aggregateId: (data) => data.goodId,
  description: 'A medical aid was triaged: repairable, kept as a parts donor, or scrapped.',
  schema: z.strictObject({
    goodId: Id,
    make: z.string(),
    model: z.string(),
    serialNumber: z.string(),
    decision: z.enum(['repairable', 'parts-donor', 'scrap']),
    cycle: z.number().int(),
  }),
  example: {
    goodId: '9c3e1b2a-6d4f-4e8a-b1c2-3d4e5f6a7b8c',
    make: 'Invacare',
    model: 'Action 3',
    serialNumber: 'AC3-2019-00412',
    decision: 'repairable',
    cycle: 1,
  },
});
export type InventoryItemTriagedV1Data = z.output<typeof InventoryItemTriagedV1.schema>;
