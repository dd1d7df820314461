import { z } from 'zod';
import { defineEvent } from '../event-definition.js';
import { Day, Id } from '../primitives.js';

export const CollectionPointScheduleChangedV1 = defineEvent({
  producer: 'collection',
  aggregate: 'point',
  event: 'schedule-changed',
  version: 1,
  aggregateId: (data) => data.pointId,
  description:
    "A collection point's recurring schedule was set, changed or removed (null); its job scheduler follows from this event, once per change.",
  schema: z.strictObject({
    pointId: Id,
    organisationId: Id,
    /** Counts up with every change of the point's schedule. */
    revision: z.number().int().positive(),
    schedule: z
      .strictObject({
        /** ISO weekdays, 1 = Monday … 7 = Sunday. */
        weekdays: z.array(z.number().int().min(1).max(7)).min(1),
        everyWeeks: z.number().int().min(1).max(8),
        /** A day of a week on which it is collected; the weeks count from it. */
        startingOn: Day,
        windowFrom: z.string(),
        windowUntil: z.string(),
      })
      .nullable(),
  }),
  example: {
    pointId: '2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e',
    organisationId: '0b7c6f1e-3f7a-4a57-9a52-5f8d2f3f9a10',
    revision: 2,
    schedule: {
      weekdays: [2],
      everyWeeks: 1,
      startingOn: '2026-12-01',
      windowFrom: '09:00',
      windowUntil: '12:00',
    },
  },
});
export type CollectionPointScheduleChangedV1Data = z.output<
  typeof CollectionPointScheduleChangedV1.schema
>;
