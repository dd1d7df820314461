import { z } from 'zod';
import { defineEvent } from '../event-definition.js';
import { Id, KilogramsOrZero, TotalKilograms } from '../primitives.js';

export const InventoryGoodTransformedV1 = defineEvent({
  producer: 'inventory',
  aggregate: 'good',
  event: 'transformed',
  version: 1,
  aggregateId: (data) => data.transformationId,
  description: 'Inputs were consumed and outputs produced with a recorded mass balance.',
  schema: z.strictObject({
    transformationId: Id,
    kind: z.enum(['cardboard-to-litter', 'dismantle', 'washing']),
    inputGoodIds: z.array(Id),
    outputGoodIds: z.array(Id),
    /** Weights are null for a washing batch, which is counted, not weighed. */
    inputKg: TotalKilograms.nullable(),
    outputKg: TotalKilograms.nullable(),
    lossKg: KilogramsOrZero.nullable(),
  }),
  example: {
    transformationId: '3a1f2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
    kind: 'cardboard-to-litter',
    inputGoodIds: ['9c3e1b2a-6d4f-4e8a-b1c2-3d4e5f6a7b8c'],
    outputGoodIds: ['7e6d5c4b-3a2f-4e1d-9c8b-7a6f5e4d3c2b'],
    inputKg: 412,
    outputKg: 400,
    lossKg: 12,
  },
});
export type InventoryGoodTransformedV1Data = z.output<typeof InventoryGoodTransformedV1.schema>;
