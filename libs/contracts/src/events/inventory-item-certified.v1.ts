import { z } from 'zod';
import { defineEvent } from '../event-definition.js';
import { Id } from '../primitives.js';

export const InventoryItemCertifiedV1 = defineEvent({
  producer: 'inventory',
  aggregate: 'item',
  event: 'certified',
  version: 1,
  aggregateId: (data) => data.goodId,
  description:
    'A certified refurbisher certified the aid fit for a new use, for a stated duration.',
  schema: z.strictObject({
    goodId: Id,
    make: z.string(),
    model: z.string(),
    serialNumber: z.string(),
    certificateId: Id,
    newUseMonths: z.number().int().positive(),
    cycle: z.number().int(),
  }),
  example: {
    goodId: '9c3e1b2a-6d4f-4e8a-b1c2-3d4e5f6a7b8c',
    make: 'Invacare',
    model: 'Action 3',
    serialNumber: 'AC3-2019-00412',
    certificateId: '3a1f2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
    newUseMonths: 24,
    cycle: 1,
  },
});
export type InventoryItemCertifiedV1Data = z.output<typeof InventoryItemCertifiedV1.schema>;
