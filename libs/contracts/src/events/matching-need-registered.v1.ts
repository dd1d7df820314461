import { z } from 'zod';
import { defineEvent } from '../event-definition.js';
import { Id, OpaqueRef, Quantity, Unit } from '../primitives.js';
import { IsoClassV1, NeedKindV1, UrgencyV1 } from './matching-common.v1.js';

export const MatchingNeedRegisteredV1 = defineEvent({
  producer: 'matching',
  aggregate: 'need',
  event: 'registered',
  version: 1,
  aggregateId: (data) => data.needId,
  description:
    'A need was registered: a medical aid for a beneficiary (known only by a pseudonymous reference), or a material a member wants.',
  schema: z.strictObject({
    needId: Id,
    kind: NeedKindV1,
    /** Pseudonymous, for a medical aid; null for a member's wanted material. */
    beneficiaryRef: OpaqueRef.nullable(),
    /** The member acting: the social service for a beneficiary, the firm or village wanting a material. */
    organisationId: Id.nullable(),
    isoClass: IsoClassV1.nullable(),
    materialFamily: z.string().nullable(),
    /** How much is wanted, for a material; null for an aid (one). */
    quantity: Quantity.nullable(),
    unit: Unit.nullable(),
    urgency: UrgencyV1,
  }),
  example: {
    needId: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
    kind: 'medical-aid',
    beneficiaryRef: 'ben-7f3a',
    organisationId: '0b7c6f1e-3f7a-4a57-9a52-5f8d2f3f9a10',
    isoClass: '12 22',
    materialFamily: null,
    quantity: null,
    unit: null,
    urgency: 'urgent',
  },
});
export type MatchingNeedRegisteredV1Data = z.output<typeof MatchingNeedRegisteredV1.schema>;
