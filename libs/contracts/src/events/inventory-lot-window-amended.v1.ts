import { z } from 'zod';
import { defineEvent } from '../event-definition.js';
import { Id, Instant } from '../primitives.js';

export const InventoryLotWindowAmendedV1 = defineEvent({
  producer: 'inventory',
  aggregate: 'lot',
  event: 'window-amended',
  version: 1,
  aggregateId: (data) => data.goodId,
  description:
    "The firm or the coordinator moved an offered lot's availability window; holds that would outlive the new mustBeGoneBy now expire at it.",
  schema: z.strictObject({
    goodId: Id,
    availableFrom: Instant,
    mustBeGoneBy: Instant,
    /** Holds whose expiry was brought forward to the new `mustBeGoneBy`. */
    cappedHolds: z.array(
      z.strictObject({ holdId: Id, reservationId: Id.nullable(), expiresAt: Instant }),
    ),
  }),
  example: {
    goodId: '9c3e1b2a-6d4f-4e8a-b1c2-3d4e5f6a7b8c',
    availableFrom: '2026-12-01T07:00:00Z',
    mustBeGoneBy: '2026-12-12T16:00:00Z',
    cappedHolds: [
      {
        holdId: '3a1f2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
        reservationId: null,
        expiresAt: '2026-12-12T16:00:00Z',
      },
    ],
  },
});
export type InventoryLotWindowAmendedV1Data = z.output<typeof InventoryLotWindowAmendedV1.schema>;
