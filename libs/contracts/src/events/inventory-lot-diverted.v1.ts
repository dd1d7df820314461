import { z } from 'zod';
import { defineEvent } from '../event-definition.js';
import { Id, Quantity, Unit } from '../primitives.js';

export const InventoryLotDivertedV1 = defineEvent({
  producer: 'inventory',
  aggregate: 'lot',
  event: 'diverted',
  version: 1,
  aggregateId: (data) => data.goodId,
  description:
    'What was left of a lot went to a recycling route instead of reuse; where it went is recorded.',
  schema: z.strictObject({
    goodId: Id,
    quantity: Quantity,
    unit: Unit,
    route: z.enum(['recycling', 'energy-recovery', 'landfill']),
    facility: z.string(),
    automatic: z.boolean(),
  }),
  example: {
    goodId: '9c3e1b2a-6d4f-4e8a-b1c2-3d4e5f6a7b8c',
    quantity: '12',
    unit: 'm2',
    route: 'recycling',
    facility: 'plateforme bois Amiens Est',
    automatic: true,
  },
});
export type InventoryLotDivertedV1Data = z.output<typeof InventoryLotDivertedV1.schema>;
