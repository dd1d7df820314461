import { z } from 'zod';
import { ActorSchema } from '../envelope.js';
import {
  Day,
  Id,
  InstantWithOffset,
  Kilograms,
  KilogramsOrZero,
  Quantity,
  Unit,
} from '../primitives.js';
import { rpcSubject } from '../subjects.js';

/**
 * Request/reply commands and queries of the inventory service. Every command
 * carries its actor; ownership is checked by inventory, not only at the gateway.
 */

/** A count of whole units is whole: `2` or `2.000`, never `2.5`. */
const WholeWhenCounted = (value: { quantity: string; unit: string }) =>
  value.unit !== 'unit' || /^\d+(\.0{1,3})?$/.test(value.quantity);

/** EU waste code (List of Waste), e.g. "17 02 01"; a star marks hazardous waste. */
export const WasteCode = z
  .string()
  .regex(/^\d{2} \d{2} \d{2}\*?$/, 'must be an EU waste code such as "17 02 01"');

export const ORGANISATION_KINDS = [
  'reuse-village',
  'workshop',
  'construction-firm',
  'shop',
  'producer',
  'social-service',
  'coordination',
] as const;
export const SITE_KINDS = [
  'reuse-village',
  'workshop',
  'partner-shop',
  'washing-centre',
  'construction-site',
] as const;
export const COLLECTION_MODES = ['drop-off', 'pickup', 'construction-site', 'shop'] as const;
export const GOOD_KINDS = ['item', 'lot', 'pool', 'bulk'] as const;
export type GoodKind = (typeof GOOD_KINDS)[number];

export const RegisterOrganisationV1 = z.strictObject({
  actor: ActorSchema,
  name: z.string().trim().min(1).max(200),
  kind: z.enum(ORGANISATION_KINDS),
});

export const RegisterSiteV1 = z.strictObject({
  actor: ActorSchema,
  organisationId: Id,
  name: z.string().trim().min(1).max(200),
  kind: z.enum(SITE_KINDS),
  locality: z.string().trim().min(1).max(200),
  locations: z.array(z.string().trim().min(1).max(100)).min(1).max(200),
});

export const RecordCertificateV1 = z.strictObject({
  actor: ActorSchema,
  siteId: Id,
  /** The NF S97-414 certificate of the refurbishment centre. */
  reference: z.string().trim().min(1).max(100),
  validFrom: Day,
  validUntil: Day,
});

export const RegisterDeviceModelV1 = z.strictObject({
  actor: ActorSchema,
  make: z.string().trim().min(1).max(100),
  model: z.string().trim().min(1).max(100),
  /** ISO 9999 class, e.g. "12 22" for manual wheelchairs. */
  isoClass: z
    .string()
    .regex(/^\d{2}( \d{2}){1,2}$/, 'must be an ISO 9999 class such as "12 22" or "12 22 03"'),
  lifetimeYears: z.number().int().min(1).max(30),
  checklist: z.array(z.string().trim().min(1).max(200)).min(1).max(100),
  instructionsRef: z.string().trim().min(1).max(500),
});

const IntakeItem = z.strictObject({
  kind: z.literal('item'),
  serialNumber: z.string().trim().min(1).max(100),
  make: z.string().trim().min(1).max(100),
  model: z.string().trim().min(1).max(100),
  manufacturedOn: Day.optional(),
  attributes: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  weightKg: Kilograms.optional(),
});
const IntakeLot = z
  .strictObject({
    kind: z.literal('lot'),
    materialFamily: z.string().trim().min(1).max(100),
    quantity: Quantity,
    unit: Unit,
    dimensions: z.string().max(200).optional(),
    conditionGrade: z.enum(['A', 'B', 'C', 'D']),
    /** EU waste code of the non-reused part, e.g. "17 02 01". */
    wasteCode: WasteCode,
    hazardous: z
      .literal(false, 'hazardous materials (asbestos, lead) are never taken for reuse')
      .default(false),
    photoRefs: z.array(z.string().max(500)).max(50).optional(),
    weightKg: Kilograms.optional(),
  })
  .refine(WholeWhenCounted, { path: ['quantity'], message: 'counted in whole units' });
const IntakePool = z.strictObject({
  kind: z.literal('pool'),
  containerType: z.string().trim().min(1).max(100),
  count: z.number().int().positive().max(1_000_000),
  depositCents: z.number().int().min(0).max(1_000),
  weightKg: Kilograms.optional(),
});
const IntakeBulk = z.strictObject({
  kind: z.literal('bulk'),
  material: z.enum(['cardboard', 'litter-bale']),
  weightKg: Kilograms,
});
export const IntakeGood = z.discriminatedUnion('kind', [
  IntakeItem,
  IntakeLot,
  IntakePool,
  IntakeBulk,
]);
export type IntakeGoodInput = z.infer<typeof IntakeGood>;

export const RecordIntakeV1 = z
  .strictObject({
    actor: ActorSchema,
    siteId: Id,
    locationId: Id,
    receivedAt: InstantWithOffset.optional(),
    grossWeightKg: Kilograms,
    tareKg: KilogramsOrZero,
    provenance: z.strictObject({
      locality: z.string().trim().min(1).max(200),
      donorRef: z.string().trim().min(1).max(128).optional(),
      organisationId: Id.optional(),
    }),
    collectionMode: z.enum(COLLECTION_MODES),
    goods: z.array(IntakeGood).min(1).max(500),
  })
  .refine((c) => c.grossWeightKg > c.tareKg, {
    path: ['tareKg'],
    message: 'must be less than grossWeightKg',
  });

export const MoveGoodV1 = z.strictObject({
  actor: ActorSchema,
  goodId: Id,
  quantity: Quantity,
  fromState: z.string().min(1).max(50),
  toState: z.string().min(1).max(50),
  toLocationId: Id.optional(),
  reason: z.string().trim().min(1).max(500),
});

export const TriageV1 = z.strictObject({
  actor: ActorSchema,
  goodId: Id,
  decision: z.enum(['repairable', 'parts-donor', 'scrap']),
  notes: z.string().max(2_000).optional(),
});
export const StartRefurbishmentV1 = z.strictObject({ actor: ActorSchema, goodId: Id });
export const RecordChecklistV1 = z.strictObject({
  actor: ActorSchema,
  goodId: Id,
  steps: z
    .array(z.strictObject({ step: z.string().min(1).max(200), done: z.boolean() }))
    .min(1)
    .max(100),
});
export const RecordQualityCheckV1 = z.strictObject({
  actor: ActorSchema,
  goodId: Id,
  passed: z.literal(true, 'a failed quality check sends the aid back to refurbishing, not forward'),
  notes: z.string().max(2_000).optional(),
});
export const RecordDisinfectionV1 = z.strictObject({
  actor: ActorSchema,
  goodId: Id,
  performedOn: Day,
  method: z.string().trim().min(1).max(200),
  operatorId: z.string().trim().min(1).max(128),
});
export const CertifyV1 = z.strictObject({
  actor: ActorSchema,
  goodId: Id,
  certificateId: Id,
  newUseMonths: z.number().int().min(1).max(360),
  instructionsRef: z.string().trim().min(1).max(500),
});
export const ReleaseForUseV1 = z.strictObject({ actor: ActorSchema, goodId: Id });
export const ReturnItemV1 = z.strictObject({ actor: ActorSchema, goodId: Id, locationId: Id });

export const PlaceHoldV1 = z.strictObject({
  actor: ActorSchema,
  goodId: Id,
  quantity: Quantity,
  holderId: z.string().trim().min(1).max(128),
  reservationId: Id.optional(),
  ttlSeconds: z
    .number()
    .int()
    .min(1)
    .max(60 * 60 * 24 * 30),
});
export const ReleaseHoldV1 = z.strictObject({
  actor: ActorSchema,
  holdId: Id,
  reason: z.enum(['cancelled', 'approval-refused', 'released-by-operator']),
});
export const HandOverHoldV1 = z.strictObject({
  actor: ActorSchema,
  holdId: Id,
  /** Pseudonymous: who the beneficiary is stays in matching. */
  beneficiaryRef: z.string().trim().min(1).max(128),
});

export const DIVERSION_ROUTES = ['recycling', 'energy-recovery', 'landfill'] as const;
const Diversion = z.strictObject({
  route: z.enum(DIVERSION_ROUTES),
  /** Where it goes: the recycling site, sorting centre or landfill that takes it. */
  facility: z.string().trim().min(1).max(200),
});

/** A construction firm offers a lot still on its site, for an availability window tied to the works. */
export const OfferLotV1 = z
  .strictObject({
    actor: ActorSchema,
    siteId: Id,
    locationId: Id,
    materialFamily: z.string().trim().min(1).max(100),
    quantity: Quantity,
    unit: Unit,
    /** Until dismantled, quantities are often estimates. */
    estimated: z.boolean().default(false),
    dimensions: z.string().max(200).optional(),
    conditionGrade: z.enum(['A', 'B', 'C', 'D']),
    wasteCode: WasteCode,
    hazardous: z
      .literal(false, 'hazardous materials (asbestos, lead) are never offered for reuse')
      .default(false),
    photoRefs: z.array(z.string().max(500)).max(50).optional(),
    weightKg: Kilograms.optional(),
    availableFrom: InstantWithOffset,
    mustBeGoneBy: InstantWithOffset,
    /** Where what nobody takes in time goes. */
    fallback: Diversion,
  })
  .refine((c) => new Date(c.mustBeGoneBy) > new Date(c.availableFrom), {
    path: ['mustBeGoneBy'],
    message: 'must be after availableFrom',
  })
  .refine(WholeWhenCounted, { path: ['quantity'], message: 'counted in whole units' });

export const DivertLotV1 = z.strictObject({
  actor: ActorSchema,
  goodId: Id,
  destination: Diversion,
});

const TransformationInput = z.strictObject({ goodId: Id, quantity: Quantity, weightKg: Kilograms });

/**
 * A transformation consumes inputs and produces outputs with a recorded mass
 * balance: inputs' weight = outputs' weight + declared loss (within 1 %).
 */
export const RecordTransformationV1 = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('cardboard-to-litter'),
    actor: ActorSchema,
    locationId: Id,
    inputs: z.array(TransformationInput).min(1).max(100),
    bales: z
      .array(z.strictObject({ weightKg: Kilograms }))
      .min(1)
      .max(1_000),
    lossKg: KilogramsOrZero,
  }),
  z.strictObject({
    kind: z.literal('dismantle'),
    actor: ActorSchema,
    donorId: Id,
    donorWeightKg: Kilograms,
    parts: z
      .array(z.strictObject({ name: z.string().trim().min(1).max(100), weightKg: Kilograms }))
      .min(1)
      .max(200),
    lossKg: KilogramsOrZero,
  }),
  z.strictObject({
    kind: z.literal('washing'),
    actor: ActorSchema,
    poolId: Id,
    washed: z.number().int().min(0).max(1_000_000),
    broken: z.number().int().min(0).max(1_000_000),
  }),
]);

export const TonnageReportV1 = z.strictObject({
  actor: ActorSchema,
  from: InstantWithOffset,
  to: InstantWithOffset,
});

export const GetGoodV1 = z.strictObject({ actor: ActorSchema, goodId: Id });
export const RecallV1 = z.strictObject({
  actor: ActorSchema,
  make: z.string().trim().min(1).max(100),
  model: z.string().trim().min(1).max(100),
  serialFrom: z.string().max(100).optional(),
  serialTo: z.string().max(100).optional(),
});

/** Every inventory request subject, in one place. */
export const InventoryRpc = {
  registerOrganisation: rpcSubject('inventory', 'organisation', 'register'),
  registerSite: rpcSubject('inventory', 'site', 'register'),
  recordCertificate: rpcSubject('inventory', 'certificate', 'record'),
  registerDeviceModel: rpcSubject('inventory', 'device-model', 'register'),
  recordIntake: rpcSubject('inventory', 'intake', 'record'),
  moveGood: rpcSubject('inventory', 'good', 'move'),
  getGood: rpcSubject('inventory', 'good', 'get'),
  passport: rpcSubject('inventory', 'good', 'passport'),
  triage: rpcSubject('inventory', 'refurbishment', 'triage'),
  startRefurbishment: rpcSubject('inventory', 'refurbishment', 'start'),
  recordChecklist: rpcSubject('inventory', 'refurbishment', 'checklist'),
  recordQualityCheck: rpcSubject('inventory', 'refurbishment', 'quality-check'),
  recordDisinfection: rpcSubject('inventory', 'refurbishment', 'disinfection'),
  certify: rpcSubject('inventory', 'refurbishment', 'certify'),
  releaseForUse: rpcSubject('inventory', 'refurbishment', 'release'),
  returnItem: rpcSubject('inventory', 'item', 'return'),
  placeHold: rpcSubject('inventory', 'hold', 'place'),
  releaseHold: rpcSubject('inventory', 'hold', 'release'),
  handOverHold: rpcSubject('inventory', 'hold', 'hand-over'),
  recall: rpcSubject('inventory', 'recall', 'find'),
  offerLot: rpcSubject('inventory', 'lot', 'offer'),
  divertLot: rpcSubject('inventory', 'lot', 'divert'),
  recordTransformation: rpcSubject('inventory', 'transformation', 'record'),
  tonnageReport: rpcSubject('inventory', 'report', 'tonnage'),
} as const;
