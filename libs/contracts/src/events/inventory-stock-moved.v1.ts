import { z } from 'zod';
import { defineEvent } from '../event-definition.js';
import { Id, Quantity, Unit } from '../primitives.js';

const Place = z.strictObject({ state: z.string(), locationId: Id }).nullable();

export const InventoryStockMovedV1 = defineEvent({
  producer: 'inventory',
  aggregate: 'stock',
  event: 'moved',
  version: 1,
  aggregateId: (data) => data.goodId,
  description:
    'A ledger movement: quantity of a good left one state and location for another (or entered, or left, stock). ' +
    'Every change of stock emits one; scrapping, diversion, washing and transformation are read from `to.state`.',
  schema: z.strictObject({
    movementId: z.string().regex(/^\d+$/),
    goodId: Id,
    kind: z.enum(['item', 'lot', 'pool', 'bulk']),
    quantity: Quantity,
    unit: Unit,
    from: Place,
    to: Place,
    reason: z.string(),
    holdId: Id.nullable(),
  }),
  example: {
    movementId: '42',
    goodId: '9c3e1b2a-6d4f-4e8a-b1c2-3d4e5f6a7b8c',
    kind: 'pool',
    quantity: '118',
    unit: 'unit',
    from: { state: 'washing', locationId: '5d0f8a52-8f3e-4a43-8c0a-0c2b8d1e7f11' },
    to: { state: 'washed', locationId: '5d0f8a52-8f3e-4a43-8c0a-0c2b8d1e7f11' },
    reason: 'washing batch 2026-11-20',
    holdId: null,
  },
});
export type InventoryStockMovedV1Data = z.output<typeof InventoryStockMovedV1.schema>;
