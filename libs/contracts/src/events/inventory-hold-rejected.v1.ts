import { z } from 'zod';
import { defineEvent } from '../event-definition.js';
import { Id } from '../primitives.js';

export const InventoryHoldRejectedV1 = defineEvent({
  producer: 'inventory',
  aggregate: 'hold',
  event: 'rejected',
  version: 1,
  aggregateId: (data) => data.reservationId,
  description: 'A requested reservation could not be held; the reason says why.',
  schema: z.strictObject({
    reservationId: Id,
    goodId: Id,
    reason: z.enum([
      'insufficient-quantity',
      'invalid-transition',
      'not-found',
      'validation',
      'forbidden',
      'conflict',
    ]),
    message: z.string(),
  }),
  example: {
    reservationId: '7e6d5c4b-3a2f-4e1d-9c8b-7a6f5e4d3c2b',
    goodId: '9c3e1b2a-6d4f-4e8a-b1c2-3d4e5f6a7b8c',
    reason: 'insufficient-quantity',
    message: 'Invacare Action 3 AC3-2019-00412: less than 1 unit is available',
  },
});
export type InventoryHoldRejectedV1Data = z.output<typeof InventoryHoldRejectedV1.schema>;
