import { z } from 'zod';
import { defineEvent } from '../event-definition.js';
import { Id } from '../primitives.js';

export const InventoryHoldReleasedV1 = defineEvent({
  producer: 'inventory',
  aggregate: 'hold',
  event: 'released',
  version: 1,
  aggregateId: (data) => data.holdId,
  description:
    'A hold ended without a handover; the stock is available again, or quarantined when the reason is recalled or defect.',
  schema: z.strictObject({
    holdId: Id,
    goodId: Id,
    /**
     * `recalled` and `defect`: the aid was quarantined and leaves circulation. Added to v1
     * deliberately (a contract change): consumers treat any reason as the hold's end.
     * `withdrawn`: the firm withdrew its lot's offer, added the same way.
     */
    reason: z.enum([
      'expired',
      'cancelled',
      'approval-refused',
      'released-by-operator',
      'recalled',
      'defect',
      'withdrawn',
    ]),
    reservationId: Id.nullable(),
  }),
  example: {
    holdId: '3a1f2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
    goodId: '9c3e1b2a-6d4f-4e8a-b1c2-3d4e5f6a7b8c',
    reason: 'expired',
    reservationId: '7e6d5c4b-3a2f-4e1d-9c8b-7a6f5e4d3c2b',
  },
});
export type InventoryHoldReleasedV1Data = z.output<typeof InventoryHoldReleasedV1.schema>;
