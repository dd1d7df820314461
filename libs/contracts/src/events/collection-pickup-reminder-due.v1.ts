import { z } from 'zod';
import { defineEvent } from '../event-definition.js';
import { Day, Id, Instant, OpaqueRef } from '../primitives.js';

export const CollectionPickupReminderDueV1 = defineEvent({
  producer: 'collection',
  aggregate: 'pickup',
  event: 'reminder-due',
  version: 1,
  aggregateId: (data) => data.pickupId,
  description:
    'The day before a scheduled pickup: whoever tells the donor or the member (mail, SMS) does it now. Pseudonymous: the contact details stay with that service.',
  schema: z.strictObject({
    pickupId: Id,
    organisationId: Id,
    donorRef: OpaqueRef.nullable(),
    day: Day,
    eta: Instant,
  }),
  example: {
    pickupId: '3f2b1c0d-9e8f-4a7b-8c6d-5e4f3a2b1c0d',
    organisationId: '0b7c6f1e-3f7a-4a57-9a52-5f8d2f3f9a10',
    donorRef: 'donor-7f3a',
    day: '2026-12-03',
    eta: '2026-12-03T09:20:00Z',
  },
});
export type CollectionPickupReminderDueV1Data = z.output<
  typeof CollectionPickupReminderDueV1.schema
>;
