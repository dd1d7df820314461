import { z } from 'zod';
import { defineEvent } from '../event-definition.js';
import { Id } from '../primitives.js';

export const InventoryGoodTransferredV1 = defineEvent({
  producer: 'inventory',
  aggregate: 'good',
  event: 'transferred',
  version: 1,
  aggregateId: (data) => data.goodId,
  description:
    'Custody of a good passed from one member to another by an explicit transfer: the good keeps its identity and ' +
    'its passport, its stock left the giver and came in at the receiver, which owns it from then on.',
  schema: z.strictObject({
    transferId: Id,
    goodId: Id,
    kind: z.enum(['item', 'lot', 'pool', 'bulk']),
    fromOrganisationId: Id,
    toOrganisationId: Id,
    toSiteId: Id,
    /** The movements it appended, out of the giver then into the receiver. */
    movementIds: z.array(z.string().regex(/^\d+$/)),
  }),
  example: {
    transferId: '6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
    goodId: '9c3e1b2a-6d4f-4e8a-b1c2-3d4e5f6a7b8c',
    kind: 'pool',
    fromOrganisationId: '0b7d3c2a-1e4f-4a5b-9c8d-7e6f5a4b3c2d',
    toOrganisationId: '1c8e4d3b-2f5a-4b6c-8d9e-8f7a6b5c4d3e',
    toSiteId: '3e2d1c0b-9a8f-4e7d-8c6b-5a4f3e2d1c0b',
    movementIds: ['58', '59'],
  },
});
export type InventoryGoodTransferredV1Data = z.output<typeof InventoryGoodTransferredV1.schema>;
