import { z } from 'zod';
import { defineEvent } from '../event-definition.js';
import { Id, Instant, OpaqueRef, Quantity, Unit } from '../primitives.js';

export const InventoryHoldPlacedV1 = defineEvent({
  producer: 'inventory',
  aggregate: 'hold',
  event: 'placed',
  version: 1,
  aggregateId: (data) => data.holdId,
  description: 'Stock was held for a holder until an expiry; the only lock on stock.',
  schema: z.strictObject({
    holdId: Id,
    goodId: Id,
    holderId: OpaqueRef,
    quantity: Quantity,
    unit: Unit,
    expiresAt: Instant,
    reservationId: Id.nullable(),
  }),
  example: {
    holdId: '3a1f2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
    goodId: '9c3e1b2a-6d4f-4e8a-b1c2-3d4e5f6a7b8c',
    holderId: 'ben-7f3a',
    quantity: '1',
    unit: 'unit',
    expiresAt: '2026-11-22T18:00:00Z',
    reservationId: '7e6d5c4b-3a2f-4e1d-9c8b-7a6f5e4d3c2b',
  },
});
export type InventoryHoldPlacedV1Data = z.output<typeof InventoryHoldPlacedV1.schema>;
