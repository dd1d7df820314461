import { z } from 'zod';
import { defineEvent } from '../event-definition.js';
import { Id, Quantity } from '../primitives.js';

const Place = z.strictObject({ state: z.string(), locationId: Id }).nullable();

export const InventoryGoodCorrectedV1 = defineEvent({
  producer: 'inventory',
  aggregate: 'good',
  event: 'corrected',
  version: 1,
  aggregateId: (data) => data.goodId,
  description:
    "A mistake in a good's record was corrected by a new record, never by an edit: stock added or removed at a place " +
    '(`quantity`), lost or found again, or its weighed mass changed (`weight`), with the reason code and who did it.',
  schema: z.strictObject({
    correctionId: Id,
    goodId: Id,
    /** The member whose stock it corrected. */
    organisationId: Id,
    kind: z.enum(['quantity', 'weight', 'lost', 'found']),
    reason: z.enum(['weighing-error', 'estimate-settled', 'counting-error', 'lost', 'found']),
    /** The movement appended; null for a weight correction. */
    movementId: z.string().regex(/^\d+$/).nullable(),
    quantity: Quantity.nullable(),
    from: Place,
    to: Place,
    weighedKgBefore: z.number().nullable(),
    weighedKgAfter: z.number().nullable(),
  }),
  example: {
    correctionId: '2f6c1f0e-93a4-4c5e-8f1b-7a2d3c4b5e6f',
    goodId: '9c3e1b2a-6d4f-4e8a-b1c2-3d4e5f6a7b8c',
    organisationId: '0b7d3c2a-1e4f-4a5b-9c8d-7e6f5a4b3c2d',
    kind: 'quantity',
    reason: 'estimate-settled',
    movementId: '57',
    quantity: '6.5',
    from: null,
    to: { state: 'offered', locationId: '5d0f8a52-8f3e-4a43-8c0a-0c2b8d1e7f11' },
    weighedKgBefore: null,
    weighedKgAfter: null,
  },
});
export type InventoryGoodCorrectedV1Data = z.output<typeof InventoryGoodCorrectedV1.schema>;
