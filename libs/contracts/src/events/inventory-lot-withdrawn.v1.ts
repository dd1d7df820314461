import { z } from 'zod';
import { defineEvent } from '../event-definition.js';
import { Id, Quantity, Unit } from '../primitives.js';

export const InventoryLotWithdrawnV1 = defineEvent({
  producer: 'inventory',
  aggregate: 'lot',
  event: 'withdrawn',
  version: 1,
  aggregateId: (data) => data.goodId,
  description:
    'The firm withdrew its offer: what was still offered or held stays with the firm, its holds end (released, reason withdrawn) and nothing is diverted.',
  schema: z.strictObject({
    goodId: Id,
    /** How much left the offer, in the lot's unit. */
    quantity: Quantity,
    unit: Unit,
    releasedHoldIds: z.array(Id),
  }),
  example: {
    goodId: '9c3e1b2a-6d4f-4e8a-b1c2-3d4e5f6a7b8c',
    quantity: '84.5',
    unit: 'm2',
    releasedHoldIds: ['3a1f2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d'],
  },
});
export type InventoryLotWithdrawnV1Data = z.output<typeof InventoryLotWithdrawnV1.schema>;
