import { z } from 'zod';
import { defineEvent } from '../event-definition.js';
import { Id } from '../primitives.js';

export const InventoryItemScrappedV1 = defineEvent({
  producer: 'inventory',
  aggregate: 'item',
  event: 'scrapped',
  version: 1,
  aggregateId: (data) => data.goodId,
  description: 'A quarantined aid was scrapped; where it went (route and facility) is recorded.',
  schema: z.strictObject({
    goodId: Id,
    make: z.string(),
    model: z.string(),
    serialNumber: z.string(),
    route: z.enum(['recycling', 'energy-recovery', 'landfill']),
    facility: z.string(),
  }),
  example: {
    goodId: '9c3e1b2a-6d4f-4e8a-b1c2-3d4e5f6a7b8c',
    make: 'Invacare',
    model: 'Action 3',
    serialNumber: 'AC3-2019-00412',
    route: 'recycling',
    facility: 'centre de tri métaux Amiens Nord',
  },
});
export type InventoryItemScrappedV1Data = z.output<typeof InventoryItemScrappedV1.schema>;
