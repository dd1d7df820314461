import { z } from 'zod';
import { defineEvent } from '../event-definition.js';
import { Id } from '../primitives.js';

export const InventoryRecallIssuedV1 = defineEvent({
  producer: 'inventory',
  aggregate: 'recall',
  event: 'issued',
  version: 1,
  aggregateId: (data) => data.recallId,
  description:
    'A make and model (optionally a serial range) is recalled: its units are neither held nor handed over until the recall is lifted.',
  schema: z.strictObject({
    recallId: Id,
    make: z.string(),
    model: z.string(),
    serialFrom: z.string().nullable(),
    serialTo: z.string().nullable(),
    /** Null when it covers every member's units; otherwise the one member whose units it covers. */
    organisationId: Id.nullable(),
  }),
  example: {
    recallId: '4b2a1c3d-5e6f-4a7b-8c9d-1e2f3a4b5c6d',
    make: 'Invacare',
    model: 'Action 3',
    serialFrom: 'AC3-2019-00000',
    serialTo: 'AC3-2019-99999',
    organisationId: null,
  },
});
export type InventoryRecallIssuedV1Data = z.output<typeof InventoryRecallIssuedV1.schema>;
