import { z } from 'zod';
import { defineEvent } from '../event-definition.js';
import { Id, Kilograms, Timestamp } from './common.js';

const Quantity = z.string().regex(/^\d+(\.\d{1,3})?$/);
const Unit = z.enum(['unit', 'm2', 'm3', 'm', 'kg']);

export const InventoryLotOfferedV1 = defineEvent({
  producer: 'inventory',
  aggregate: 'lot',
  event: 'offered',
  version: 1,
  aggregateId: (data) => data.goodId,
  description: 'A construction firm offered a lot still on its site, for an availability window.',
  schema: z.strictObject({
    goodId: Id,
    siteId: Id,
    organisationId: Id,
    materialFamily: z.string(),
    quantity: Quantity,
    unit: Unit,
    estimated: z.boolean(),
    conditionGrade: z.enum(['A', 'B', 'C', 'D']),
    availableFrom: Timestamp,
    mustBeGoneBy: Timestamp,
  }),
  example: {
    goodId: '9c3e1b2a-6d4f-4e8a-b1c2-3d4e5f6a7b8c',
    siteId: '5d0f8a52-8f3e-4a43-8c0a-0c2b8d1e7f11',
    organisationId: '0b7c6f1e-3f7a-4a57-9a52-5f8d2f3f9a10',
    materialFamily: 'oak parquet',
    quantity: '84.5',
    unit: 'm2',
    estimated: true,
    conditionGrade: 'B',
    availableFrom: '2026-12-01T07:00:00Z',
    mustBeGoneBy: '2026-12-19T16:00:00Z',
  },
});

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
    inputKg: Kilograms.nullable(),
    outputKg: Kilograms.nullable(),
    lossKg: Kilograms.nullable(),
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
