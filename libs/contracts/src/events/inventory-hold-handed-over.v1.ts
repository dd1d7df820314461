import { z } from 'zod';
import { defineEvent } from '../event-definition.js';
import { Id, OpaqueRef, Quantity } from '../primitives.js';

export const InventoryHoldHandedOverV1 = defineEvent({
  producer: 'inventory',
  aggregate: 'hold',
  event: 'handed-over',
  version: 1,
  aggregateId: (data) => data.holdId,
  description: 'The held stock was handed over to its taker; the hold ends.',
  schema: z.strictObject({
    holdId: Id,
    goodId: Id,
    quantity: Quantity,
    beneficiaryRef: OpaqueRef,
    reservationId: Id.nullable(),
  }),
  example: {
    holdId: '3a1f2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
    goodId: '9c3e1b2a-6d4f-4e8a-b1c2-3d4e5f6a7b8c',
    quantity: '1',
    beneficiaryRef: 'ben-7f3a',
    reservationId: null,
  },
});
export type InventoryHoldHandedOverV1Data = z.output<typeof InventoryHoldHandedOverV1.schema>;
