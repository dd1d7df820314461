import { z } from 'zod';
import { defineEvent } from '../event-definition.js';
import { Id } from '../primitives.js';

export const InventoryRecallLiftedV1 = defineEvent({
  producer: 'inventory',
  aggregate: 'recall',
  event: 'lifted',
  version: 1,
  aggregateId: (data) => data.recallId,
  description: 'A recall was lifted: its units may be held and handed over again.',
  schema: z.strictObject({
    recallId: Id,
    make: z.string(),
    model: z.string(),
  }),
  example: {
    recallId: '4b2a1c3d-5e6f-4a7b-8c9d-1e2f3a4b5c6d',
    make: 'Invacare',
    model: 'Action 3',
  },
});
export type InventoryRecallLiftedV1Data = z.output<typeof InventoryRecallLiftedV1.schema>;
