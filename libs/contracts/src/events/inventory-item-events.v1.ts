import { z } from 'zod';
import { defineEvent } from '../event-definition.js';
import { Id } from './common.js';

const item = { goodId: Id, make: z.string(), model: z.string(), serialNumber: z.string() };
const example = {
  goodId: '9c3e1b2a-6d4f-4e8a-b1c2-3d4e5f6a7b8c',
  make: 'Invacare',
  model: 'Action 3',
  serialNumber: 'AC3-2019-00412',
};

export const InventoryItemTriagedV1 = defineEvent({
  producer: 'inventory',
  aggregate: 'item',
  event: 'triaged',
  version: 1,
  aggregateId: (data) => data.goodId,
  description: 'A medical aid was triaged: repairable, kept as a parts donor, or scrapped.',
  schema: z.strictObject({
    ...item,
    decision: z.enum(['repairable', 'parts-donor', 'scrap']),
    cycle: z.number().int(),
  }),
  example: { ...example, decision: 'repairable', cycle: 1 },
});

export const InventoryItemRefurbishmentRecordedV1 = defineEvent({
  producer: 'inventory',
  aggregate: 'item',
  event: 'refurbishment-recorded',
  version: 1,
  aggregateId: (data) => data.goodId,
  description:
    'A refurbishment gate was recorded for a medical aid (checklist, quality check, disinfection).',
  schema: z.strictObject({
    ...item,
    gate: z.enum(['checklist', 'quality-check', 'disinfection']),
    cycle: z.number().int(),
  }),
  example: { ...example, gate: 'disinfection', cycle: 1 },
});

export const InventoryItemCertifiedV1 = defineEvent({
  producer: 'inventory',
  aggregate: 'item',
  event: 'certified',
  version: 1,
  aggregateId: (data) => data.goodId,
  description:
    'A certified refurbisher certified the aid fit for a new use, for a stated duration.',
  schema: z.strictObject({
    ...item,
    certificateId: Id,
    newUseMonths: z.number().int().positive(),
    cycle: z.number().int(),
  }),
  example: {
    ...example,
    certificateId: '3a1f2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
    newUseMonths: 24,
    cycle: 1,
  },
});

export const InventoryItemAvailableV1 = defineEvent({
  producer: 'inventory',
  aggregate: 'item',
  event: 'available',
  version: 1,
  aggregateId: (data) => data.goodId,
  description: 'Every refurbishment gate is recorded: the aid can be offered to beneficiaries.',
  schema: z.strictObject({
    ...item,
    isoClass: z.string(),
    siteId: Id,
    attributes: z.record(z.string(), z.unknown()),
  }),
  example: {
    ...example,
    isoClass: '12 22',
    siteId: '5d0f8a52-8f3e-4a43-8c0a-0c2b8d1e7f11',
    attributes: { seatWidthCm: 45 },
  },
});

export const InventoryItemReturnedV1 = defineEvent({
  producer: 'inventory',
  aggregate: 'item',
  event: 'returned',
  version: 1,
  aggregateId: (data) => data.goodId,
  description: 'A handed-over aid came back; it goes through cleaning and every gate again.',
  schema: z.strictObject({ ...item, cycle: z.number().int() }),
  example: { ...example, cycle: 2 },
});

export const InventoryHoldHandedOverV1 = defineEvent({
  producer: 'inventory',
  aggregate: 'hold',
  event: 'handed-over',
  version: 1,
  aggregateId: (data) => data.holdId,
  description: 'The held stock was handed over to its taker; the hold ends.',
  schema: z.strictObject({
    holdId: Id,
    goodId: Id,
    quantity: z.string().regex(/^\d+(\.\d{1,3})?$/),
    beneficiaryRef: z.string(),
    reservationId: Id.nullable(),
  }),
  example: {
    holdId: '3a1f2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
    goodId: '9c3e1b2a-6d4f-4e8a-b1c2-3d4e5f6a7b8c',
    quantity: '1',
    beneficiaryRef: 'ben-7f3a',
    reservationId: null,
  },
});
