import { z } from 'zod';
import { defineEvent } from '../event-definition.js';
import { Id } from '../primitives.js';

export const InventoryItemRefurbishmentRecordedV1 = defineEvent({
  producer: 'inventory',
  aggregate: 'item',
  event: 'refurbishment-recorded',
  version: 1,
  aggregateId: (data) => data.goodId,
  description:
    'A refurbishment gate was recorded for a medical aid (checklist, quality check, disinfection).',
  schema: z.strictObject({
    goodId: Id,
    make: z.string(),
    model: z.string(),
    serialNumber: z.string(),
    gate: z.enum(['checklist', 'quality-check', 'disinfection']),
    cycle: z.number().int(),
  }),
  example: {
    goodId: '9c3e1b2a-6d4f-4e8a-b1c2-3d4e5f6a7b8c',
    make: 'Invacare',
    model: 'Action 3',
    serialNumber: 'AC3-2019-00412',
    gate: 'disinfection',
    cycle: 1,
  },
});
export type InventoryItemRefurbishmentRecordedV1Data = z.output<
  typeof InventoryItemRefurbishmentRecordedV1.schema
>;
