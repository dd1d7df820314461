import { z } from 'zod';
import { defineEvent } from '../event-definition.js';
import { Id } from '../primitives.js';

export const InventoryItemQuarantinedV1 = defineEvent({
  producer: 'inventory',
  aggregate: 'item',
  event: 'quarantined',
  version: 1,
  aggregateId: (data) => data.goodId,
  description:
    'A defective or recalled aid left circulation: its holds ended and it can be neither held nor handed over until refurbished again.',
  schema: z.strictObject({
    goodId: Id,
    make: z.string(),
    model: z.string(),
    serialNumber: z.string(),
    reason: z.enum(['defect', 'recalled']),
    /** The state it was in. */
    fromState: z.string(),
    cycle: z.number().int(),
  }),
  example: {
    goodId: '9c3e1b2a-6d4f-4e8a-b1c2-3d4e5f6a7b8c',
    make: 'Invacare',
    model: 'Action 3',
    serialNumber: 'AC3-2019-00412',
    reason: 'defect',
    fromState: 'available',
    cycle: 0,
  },
});
export type InventoryItemQuarantinedV1Data = z.output<typeof InventoryItemQuarantinedV1.schema>;
