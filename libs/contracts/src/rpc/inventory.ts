import { z } from 'zod';
import { ActorSchema } from '../envelope.js';
import {
  Day,
  GeoPoint,
  Id,
  Instant,
  InstantWithOffset,
  Kilograms,
  KilogramsOrZero,
  OpaqueRef,
  Quantity,
  TotalKilograms,
  Unit,
} from '../primitives.js';
import { defineCommand, defineQuery } from '../rpc-definition.js';

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

/**
 * The waste code of something taken or offered for reuse: a starred code is hazardous
 * waste (asbestos, lead paint, treated wood), refused whatever `hazardous` says.
 */
const ReusableWasteCode = WasteCode.refine(
  (code) => !code.endsWith('*'),
  'a starred code is hazardous waste, never taken or offered for reuse',
);

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
  /** Where the site is, so that rounds and people can find it. */
  position: GeoPoint.optional(),
  locations: z.array(z.string().trim().min(1).max(100)).min(1).max(200),
});

/** The members a person may see: the coordinator every one, a member's people their own. */
export const ListOrganisationsV1 = z.strictObject({ actor: ActorSchema });
/** A member's sites with their locations: the places its people pick from. */
export const ListSitesV1 = z.strictObject({ actor: ActorSchema, organisationId: Id.optional() });
/** A site's centre certificates, valid or not, newest first. */
export const ListCertificatesV1 = z.strictObject({ actor: ActorSchema, siteId: Id });
/** A device model as the cluster currently certifies it: its checklist, lifetime, instructions. */
export const GetDeviceModelV1 = z.strictObject({
  actor: ActorSchema,
  make: z.string().trim().min(1).max(100),
  model: z.string().trim().min(1).max(100),
});

export const RecordCertificateV1 = z.strictObject({
  actor: ActorSchema,
  siteId: Id,
  /** The NF S97-414 certificate of the refurbishment centre. */
  reference: z.string().trim().min(1).max(100),
  validFrom: Day,
  validUntil: Day,
});

/** Aids certified under a revoked certificate are not released until certified again under a valid one. */
export const RevokeCertificateV1 = z.strictObject({
  actor: ActorSchema,
  certificateId: Id,
  /** Why, for the record (the certification body's decision, an audit); no personal data. */
  reason: z.string().trim().min(1).max(500),
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

const Centimetres = z.number().int().min(1).max(1_000);

/**
 * What matching searches on and a beneficiary's size constraints are checked against:
 * a bounded, declared list, so that nothing personal is ever stored as an "attribute".
 */
export const ItemAttributes = z.strictObject({
  seatWidthCm: Centimetres.optional(),
  seatDepthCm: Centimetres.optional(),
  seatHeightCm: Centimetres.optional(),
  widthCm: Centimetres.optional(),
  lengthCm: Centimetres.optional(),
  heightCm: Centimetres.optional(),
  maxUserWeightKg: z.number().int().min(1).max(500).optional(),
  foldable: z.boolean().optional(),
  electric: z.boolean().optional(),
});

const IntakeItem = z.strictObject({
  kind: z.literal('item'),
  serialNumber: z.string().trim().min(1).max(100),
  make: z.string().trim().min(1).max(100),
  model: z.string().trim().min(1).max(100),
  manufacturedOn: Day.optional(),
  attributes: ItemAttributes.optional(),
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
    wasteCode: ReusableWasteCode,
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

/**
 * Why a good was moved, as the append-only ledger and the stock.moved event record it: a
 * code from this list, never free text, which could carry a name that can never be erased.
 * `other` for what the list lacks, said in the move's note.
 */
export const MOVE_REASONS = [
  'collected',
  'received',
  'sorted',
  'priced',
  'cleaned',
  'repaired',
  'damaged',
  'stored',
  'put-on-sale',
  'sent-to-washing',
  'delivered-to-producer',
  'delivered',
  'scrapped',
  'other',
] as const;
export type MoveReason = (typeof MOVE_REASONS)[number];

export const MoveGoodV1 = z.strictObject({
  actor: ActorSchema,
  goodId: Id,
  quantity: Quantity,
  fromState: z.string().min(1).max(50),
  toState: z.string().min(1).max(50),
  toLocationId: Id.optional(),
  reason: z.enum(MOVE_REASONS),
  /**
   * Free text for the record, kept beside the movement and never in the ledger or events,
   * so that it can be erased on request. No personal data.
   */
  note: z.string().trim().min(1).max(2_000).optional(),
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
/** A failed check is recorded too, with its reason, and sends the aid back to refurbishing. */
export const RecordQualityCheckV1 = z
  .strictObject({
    actor: ActorSchema,
    goodId: Id,
    passed: z.boolean(),
    /** What failed; required when `passed` is false. No personal data. */
    reason: z.string().trim().min(1).max(2_000).optional(),
    notes: z.string().max(2_000).optional(),
  })
  .refine((c) => c.passed || c.reason !== undefined, {
    path: ['reason'],
    message: 'a failed quality check needs its reason',
  });
export const RecordDisinfectionV1 = z.strictObject({
  actor: ActorSchema,
  goodId: Id,
  performedOn: Day,
  method: z.string().trim().min(1).max(200),
  /** The staff id of who disinfected it. */
  operatorId: OpaqueRef,
});
export const CertifyV1 = z.strictObject({
  actor: ActorSchema,
  goodId: Id,
  certificateId: Id,
  /** At most what is left of the manufacturer's lifetime, counted from manufacture or first use. */
  newUseMonths: z.number().int().min(1).max(360),
  instructionsRef: z.string().trim().min(1).max(500),
  /** Only when intake did not record it: the day the aid was made. */
  manufacturedOn: Day.optional(),
  /** Only when neither intake nor `manufacturedOn` gives the manufacture date: its first use. */
  firstUsedOn: Day.optional(),
});
export const ReleaseForUseV1 = z.strictObject({ actor: ActorSchema, goodId: Id });
export const ReturnItemV1 = z.strictObject({ actor: ActorSchema, goodId: Id, locationId: Id });

export const PlaceHoldV1 = z.strictObject({
  actor: ActorSchema,
  goodId: Id,
  quantity: Quantity,
  holderId: OpaqueRef,
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
  beneficiaryRef: OpaqueRef,
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
    wasteCode: ReusableWasteCode,
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

/** The works moved: a new window for an offered lot; holds that would outlive it are cut to it. */
export const AmendLotWindowV1 = z
  .strictObject({
    actor: ActorSchema,
    goodId: Id,
    availableFrom: InstantWithOffset,
    /** Still in the future. */
    mustBeGoneBy: InstantWithOffset,
  })
  .refine((c) => new Date(c.mustBeGoneBy) > new Date(c.availableFrom), {
    path: ['mustBeGoneBy'],
    message: 'must be after availableFrom',
  });

/** The firm keeps its lot after all: what is offered or held leaves the offer, its holds end. */
export const WithdrawLotV1 = z.strictObject({ actor: ActorSchema, goodId: Id });

/** A defective or recalled aid leaves circulation at once, whatever its live state; its holds end with the reason. */
export const QuarantineItemV1 = z.strictObject({
  actor: ActorSchema,
  goodId: Id,
  reason: z.enum(['defect', 'recalled']),
  /** What was found, for the record; kept out of the ledger and of events. No personal data. */
  note: z.string().trim().min(1).max(2_000).optional(),
});
/** A quarantined aid goes back to refurbishing in a new cycle, every gate to pass again. */
export const RefurbishQuarantinedV1 = z.strictObject({ actor: ActorSchema, goodId: Id });
/** A quarantined aid is scrapped; where it goes is recorded, as for a diverted lot. */
export const ScrapQuarantinedV1 = z.strictObject({
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

/** Where the next page starts: opaque to the caller, given back as it came. */
export const PageCursor = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,200}$/, 'a cursor as a previous page gave it');

/**
 * A member's stock, newest first, a page at a time. Query strings carry numbers as text,
 * hence the coercion of `limit`.
 */
export const ListGoodsV1 = z.strictObject({
  actor: ActorSchema,
  /** The coordinator's choice of member; a member's people always see their own. */
  organisationId: Id.optional(),
  siteId: Id.optional(),
  kind: z.enum(GOOD_KINDS).optional(),
  state: z.string().trim().min(1).max(50).optional(),
  make: z.string().trim().min(1).max(100).optional(),
  model: z.string().trim().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: PageCursor.optional(),
});
export const RecallV1 = z.strictObject({
  actor: ActorSchema,
  make: z.string().trim().min(1).max(100),
  model: z.string().trim().min(1).max(100),
  serialFrom: z.string().max(100).optional(),
  serialTo: z.string().max(100).optional(),
});
/**
 * Flags a make and model (optionally a serial range, bounds included) as recalled: the
 * coordinator's covers every member's units, a member's only its own.
 */
export const IssueRecallV1 = z
  .strictObject({
    actor: ActorSchema,
    make: z.string().trim().min(1).max(100),
    model: z.string().trim().min(1).max(100),
    serialFrom: z.string().trim().min(1).max(100).optional(),
    serialTo: z.string().trim().min(1).max(100).optional(),
    /** The manufacturer's or the authority's notice, for the record. No personal data. */
    reason: z.string().trim().min(1).max(500),
  })
  .refine((c) => !c.serialFrom || !c.serialTo || c.serialFrom <= c.serialTo, {
    path: ['serialTo'],
    message: 'must not come before serialFrom',
  });
export const LiftRecallV1 = z.strictObject({ actor: ActorSchema, recallId: Id });

/*
 * Answers: what each endpoint replies, as the caller receives it over the wire
 * (JSON): moments as ISO strings, quantities as decimal strings. Answer objects are
 * not strict, so that a field added later does not break an older client.
 */

/** A stock movement's id: the ledger's sequence number, as a string of digits. */
const MovementId = z.string().regex(/^\d+$/);

/** Who did something, as recorded with a movement or a refurbishment gate. */
const RecordedActor = z.object(ActorSchema.shape);

/** Some stock of a good: in which state and at which location. */
const StockPlace = z.object({ state: z.string(), locationId: Id });

export const RegisterOrganisationResultV1 = z.object({ organisationId: Id });

export const RegisterSiteResultV1 = z.object({
  siteId: Id,
  /** One per location name given, in the order given. */
  locations: z.array(z.object({ id: Id, name: z.string() })),
});

export const RecordCertificateResultV1 = z.object({ certificateId: Id });

export const ListOrganisationsResultV1 = z.object({
  organisations: z.array(z.object({ id: Id, name: z.string(), kind: z.enum(ORGANISATION_KINDS) })),
});
export const ListSitesResultV1 = z.object({
  sites: z.array(
    z.object({
      id: Id,
      organisationId: Id,
      name: z.string(),
      kind: z.enum(SITE_KINDS),
      locality: z.string(),
      position: z.object({ latitude: z.number(), longitude: z.number() }).nullable(),
      locations: z.array(z.object({ id: Id, name: z.string() })),
    }),
  ),
});
export const ListCertificatesResultV1 = z.object({
  certificates: z.array(
    z.object({
      id: Id,
      siteId: Id,
      reference: z.string(),
      validFrom: Day,
      validUntil: Day,
      revokedAt: Instant.nullable(),
      /** Valid today: within its dates and not revoked. */
      valid: z.boolean(),
    }),
  ),
});
export const GetDeviceModelResultV1 = z.object({
  make: z.string(),
  model: z.string(),
  version: z.number().int().min(1),
  isoClass: z.string(),
  lifetimeYears: z.number().int(),
  checklist: z.array(z.string()),
  instructionsRef: z.string(),
});

export const RevokeCertificateResultV1 = z.object({ certificateId: Id, revokedAt: Instant });

export const ListGoodsResultV1 = z.object({
  goods: z.array(
    z.object({
      id: Id,
      kind: z.enum(GOOD_KINDS),
      organisationId: Id,
      siteId: Id,
      state: z.string(),
      unit: Unit,
      serialNumber: z.string().nullable(),
      make: z.string().nullable(),
      model: z.string().nullable(),
      createdAt: Instant,
      revision: z.string().regex(/^\d+$/),
      /** How much of it is in each state, wherever it is. */
      stock: z.array(z.object({ state: z.string(), quantity: Quantity })),
    }),
  ),
  /** Null on the last page. */
  nextCursor: z.string().nullable(),
});

/** The model's key, as given: registering it again replaces the rest. */
export const RegisterDeviceModelResultV1 = z.object({
  make: z.string(),
  model: z.string(),
  /** Each change is a new version; refurbishment cycles keep the one they started with. */
  version: z.number().int().min(1),
});

export const RecordIntakeResultV1 = z.object({
  intakeId: Id,
  /** One per good taken in, in the order of `goods`. */
  goodIds: z.array(Id),
});

export const MoveGoodResultV1 = z.object({ movementId: MovementId });

export const GetGoodResultV1 = z.object({
  id: Id,
  kind: z.enum(GOOD_KINDS),
  organisationId: Id,
  siteId: Id,
  /** A state of its kind's lifecycle; for a divisible good, where most of it is (`balances` says exactly). */
  state: z.string(),
  unit: Unit,
  /** What was declared at intake, offer or transformation; its fields depend on the kind and the origin. */
  description: z.record(z.string(), z.unknown()),
  serialNumber: z.string().nullable(),
  make: z.string().nullable(),
  model: z.string().nullable(),
  /** The aid a part was dismantled from. */
  donorId: Id.nullable(),
  refurbishmentCycle: z.number().int().min(0),
  /**
   * Changes with every change of the good, its stock or its holds. Sent back with a command
   * (HTTP If-Match), the command acts only if the good has not changed since.
   */
  revision: z.string().regex(/^\d+$/),
  /** Every place holding some of it, by state then location. */
  balances: z.array(StockPlace.extend({ quantity: Quantity })),
  /** Oldest first. */
  activeHolds: z.array(
    z.object({ holdId: Id, quantity: Quantity, holderId: z.string(), expiresAt: Instant }),
  ),
  /** The recall in force on this unit (the oldest, if several), which stops holds and hand-overs. */
  activeRecall: z
    .object({
      recallId: Id,
      reason: z.string(),
      serialFrom: z.string().nullable(),
      serialTo: z.string().nullable(),
      issuedAt: Instant,
    })
    .nullable(),
});

export const PassportResultV1 = z.object({
  goodId: Id,
  kind: z.enum(GOOD_KINDS),
  make: z.string().nullable(),
  model: z.string().nullable(),
  serialNumber: z.string().nullable(),
  donorId: Id.nullable(),
  /**
   * A medical aid's lifetime counts from this day, its manufacture or (when that is
   * unknown) its first use, never restarted by a return; null until known.
   */
  lifetimeStartsOn: Day.nullable(),
  /** `manufacture` or `first-use`; null until known. */
  lifetimeBasis: z.enum(['manufacture', 'first-use']).nullable(),
  /** The last day its latest certification holds it fit for use; null until certified. */
  fitForUseUntil: Day.nullable(),
  /** Every movement of its stock, oldest first; `from` is null when it entered stock. */
  movements: z.array(
    z.object({
      movementId: MovementId,
      at: Instant,
      quantity: Quantity,
      from: StockPlace.nullable(),
      to: StockPlace.nullable(),
      reason: z.string(),
      actor: RecordedActor,
      holdId: Id.nullable(),
    }),
  ),
  /**
   * Every refurbishment record, in the order recorded: a gate recorded again (a checklist
   * after a failed quality check, a certification under another certificate) is a record
   * of its own, and so is a failed check. `gate` is one of triage, checklist, quality-check,
   * disinfection, certification; `data` is what that gate recorded: `{ decision, notes }`,
   * `{ steps }`, `{ passed, reason, notes }`, `{ performedOn, method, operatorId }` or
   * `{ certificateId, certificateReference, newUseMonths, instructionsRef, certifiedBy,
   * lifetimeStartsOn, lifetimeBasis, lifetimeEndsOn, fitForUseUntil }`.
   */
  refurbishment: z.array(
    z.object({
      cycle: z.number().int().min(0),
      gate: z.string(),
      data: z.record(z.string(), z.unknown()),
      actor: RecordedActor,
      at: Instant,
    }),
  ),
});

/** A refurbishment step answers with the aid and the state it is in afterwards. */
const RefurbishmentStepResult = z.object({ goodId: Id, state: z.string() });

/** `state`: triaged, parts-donor or scrapped, as decided. */
export const TriageResultV1 = RefurbishmentStepResult;
/** `state`: refurbishing. */
export const StartRefurbishmentResultV1 = RefurbishmentStepResult;
/** `state`: still refurbishing; the checklist moves the aid nowhere. */
export const RecordChecklistResultV1 = RefurbishmentStepResult;
/** `state`: quality-checked when passed; refurbishing when failed. */
export const RecordQualityCheckResultV1 = RefurbishmentStepResult;
/** `state`: disinfected. */
export const RecordDisinfectionResultV1 = RefurbishmentStepResult;
/** `state`: certified (an aid certified again, under another certificate, stays certified). */
export const CertifyResultV1 = RefurbishmentStepResult;
/** `state`: available. */
export const ReleaseForUseResultV1 = RefurbishmentStepResult;
/** Received again (`state`: received), in a new refurbishment cycle. */
export const ReturnItemResultV1 = RefurbishmentStepResult.extend({
  cycle: z.number().int().min(1),
});

/** `state`: quarantined; `releasedHoldIds`: the holds it ended, with the quarantine's reason. */
export const QuarantineItemResultV1 = RefurbishmentStepResult.extend({
  releasedHoldIds: z.array(Id),
});
/** `state`: refurbishing, in the new `cycle`. */
export const RefurbishQuarantinedResultV1 = RefurbishmentStepResult.extend({
  cycle: z.number().int().min(1),
});
/** `state`: scrapped. */
export const ScrapQuarantinedResultV1 = RefurbishmentStepResult;

export const PlaceHoldResultV1 = z.object({ holdId: Id, expiresAt: Instant });
export const ReleaseHoldResultV1 = z.object({ holdId: Id, status: z.literal('released') });
export const HandOverHoldResultV1 = z.object({ holdId: Id, status: z.literal('handed-over') });

export const RecallResultV1 = z.object({
  make: z.string(),
  model: z.string(),
  /** By serial number; a member sees only its own units, the coordinator the whole cluster. */
  units: z.array(
    z.object({
      goodId: Id,
      serialNumber: z.string(),
      state: z.string(),
      organisationId: Id,
      siteId: Id.nullable(),
      locationId: Id.nullable(),
      /** Who holds or was handed it (a holder or beneficiary reference), while held or handed over. */
      holder: z.string().nullable(),
    }),
  ),
});

export const IssueRecallResultV1 = z.object({ recallId: Id, issuedAt: Instant });
export const LiftRecallResultV1 = z.object({ recallId: Id, liftedAt: Instant });

export const OfferLotResultV1 = z.object({ goodId: Id });
export const DivertLotResultV1 = z.object({
  goodId: Id,
  /** How much was diverted, in the lot's unit. */
  diverted: Quantity,
});
export const AmendLotWindowResultV1 = z.object({
  goodId: Id,
  availableFrom: Instant,
  mustBeGoneBy: Instant,
  /** Holds whose expiry was brought forward to the new `mustBeGoneBy`. */
  cappedHoldIds: z.array(Id),
});
export const WithdrawLotResultV1 = z.object({
  goodId: Id,
  /** How much left the offer, in the lot's unit. */
  withdrawn: Quantity,
  releasedHoldIds: z.array(Id),
});

export const RecordTransformationResultV1 = z.object({
  transformationId: Id,
  inputGoodIds: z.array(Id),
  /** The bale, the parts, or for a washing batch the pool itself. */
  outputGoodIds: z.array(Id),
  /** Null for a washing batch, which is counted, not weighed. */
  inputKg: TotalKilograms.nullable(),
  outputKg: TotalKilograms.nullable(),
  lossKg: KilogramsOrZero.nullable(),
});

/** Tonnes, rounded to the kilogram. */
const Tonnes = z.number().min(0);

export const TonnageReportResultV1 = z.object({
  /** The period as asked, unchanged: with the offset it was sent with. */
  from: InstantWithOffset,
  to: InstantWithOffset,
  /** `cluster`, or the id of the member organisation whose sites it covers. */
  scope: z.string().min(1),
  /**
   * Tonnes weighed in, by collection mode (drop-off, pickup…) and kind of good: an intake's
   * net, what no good of it accounts for as kind `unsorted`; a lot offered from a construction
   * site (mode `construction-site`) when offered; an aid back from its beneficiary (`return`).
   */
  in: z.array(z.object({ collectionMode: z.string(), kind: z.string(), tonnes: Tonnes })),
  /**
   * Tonnes gone out, by destination and kind of good. Reuse is kept apart from
   * recycling: `reuse`, `recycling`, `energy-recovery`, `landfill` (a diverted lot's or a
   * scrapped aid's recorded route), or `disposal` for what was scrapped with no recorded
   * route, or broke; `loss` for what a transformation consumed less what it produced (its
   * outputs are counted where they end).
   */
  out: z.array(z.object({ destination: z.string(), kind: z.string(), tonnes: Tonnes })),
  /**
   * The accounting identity, in tonnes to the gram (the rows above are rounded to the
   * kilogram): inTonnes = stockEndTonnes - stockStartTonnes + outTonnes. Stock is the mass of
   * the goods held (not handed over, delivered, diverted, transformed, scrapped or broken) just
   * before `from` and `to`; in and out are the totals of the rows, out including a
   * transformation's `loss`.
   */
  inTonnes: z.number(),
  outTonnes: z.number(),
  stockStartTonnes: z.number(),
  stockEndTonnes: z.number(),
});

const StateName = z.string().min(1).max(50);

/**
 * A mistake is corrected by a new record, never an edit (the ledger is append-only): stock
 * added or removed at a place, stock lost (and found again), or the good's weighed mass. The
 * reason is a code, never free text: the ledger can never be erased.
 */
export const CorrectGoodV1 = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('quantity'),
    actor: ActorSchema,
    goodId: Id,
    direction: z.enum(['add', 'remove']),
    quantity: Quantity,
    state: StateName,
    locationId: Id,
    reason: z.enum(['counting-error', 'estimate-settled', 'weighing-error']),
  }),
  z.strictObject({
    kind: z.literal('weight'),
    actor: ActorSchema,
    goodId: Id,
    /** The good's whole weighed mass as it should have been recorded. */
    weighedKg: KilogramsOrZero,
    reason: z.enum(['weighing-error', 'estimate-settled']),
  }),
  z.strictObject({
    kind: z.literal('lost'),
    actor: ActorSchema,
    goodId: Id,
    quantity: Quantity,
    state: StateName,
    /** Where it was; the one place it is in that state when omitted. */
    locationId: Id.optional(),
  }),
  z.strictObject({
    kind: z.literal('found'),
    actor: ActorSchema,
    goodId: Id,
    quantity: Quantity,
    /** Where it was found; where it was lost when omitted. It goes back to the state it was lost in. */
    locationId: Id.optional(),
  }),
]);

/** The same state, another location of the same member (another of its sites included). */
export const RelocateGoodV1 = z.strictObject({
  actor: ActorSchema,
  goodId: Id,
  quantity: Quantity,
  state: StateName,
  /** The one place it is in that state when omitted. */
  fromLocationId: Id.optional(),
  toLocationId: Id,
});

/**
 * Custody of a whole good passes to another member, both sides named: the giver (or the
 * coordinator) sends it to a location of the receiving member, which owns it from then on.
 */
export const TransferGoodV1 = z.strictObject({
  actor: ActorSchema,
  goodId: Id,
  toOrganisationId: Id,
  toLocationId: Id,
});

export const CorrectGoodResultV1 = z.object({
  correctionId: Id,
  goodId: Id,
  /** The movement appended; null for a weight correction. */
  movementId: MovementId.nullable(),
  /** The good's state afterwards. */
  state: z.string(),
  /** Its weighed mass afterwards, in kilograms. */
  weighedKg: z.number().nullable(),
});
export const RelocateGoodResultV1 = z.object({ movementId: MovementId });
export const TransferGoodResultV1 = z.object({
  transferId: Id,
  goodId: Id,
  fromOrganisationId: Id,
  toOrganisationId: Id,
  movementIds: z.array(MovementId),
});

/**
 * Every inventory request/reply endpoint, in one place: its subject, what it takes
 * and what it answers. A command changes something and carries a command id, so a
 * retry with the same id gets the first answer and acts once; a query only reads,
 * carries no command id and may be repeated freely.
 */
export const InventoryRpc = {
  registerOrganisation: defineCommand({
    service: 'inventory',
    aggregate: 'organisation',
    verb: 'register',
    description: 'Registers a member organisation of the cluster.',
    request: RegisterOrganisationV1,
    response: RegisterOrganisationResultV1,
  }),
  registerSite: defineCommand({
    service: 'inventory',
    aggregate: 'site',
    verb: 'register',
    description: "Registers one of an organisation's sites with its storage locations.",
    request: RegisterSiteV1,
    response: RegisterSiteResultV1,
  }),
  listOrganisations: defineQuery({
    service: 'inventory',
    aggregate: 'organisation',
    verb: 'list',
    description:
      'Lists the member organisations a person may see: all for the coordinator, their own otherwise.',
    request: ListOrganisationsV1,
    response: ListOrganisationsResultV1,
  }),
  listSites: defineQuery({
    service: 'inventory',
    aggregate: 'site',
    verb: 'list',
    description: "Lists a member's sites with their locations and positions.",
    request: ListSitesV1,
    response: ListSitesResultV1,
  }),
  listCertificates: defineQuery({
    service: 'inventory',
    aggregate: 'certificate',
    verb: 'list',
    description:
      "Lists a site's centre certificates, newest first, with whether each is valid today.",
    request: ListCertificatesV1,
    response: ListCertificatesResultV1,
  }),
  getDeviceModel: defineQuery({
    service: 'inventory',
    aggregate: 'device-model',
    verb: 'get',
    description:
      'Shows a device model as the cluster certifies it now: checklist, lifetime, instructions.',
    request: GetDeviceModelV1,
    response: GetDeviceModelResultV1,
  }),
  recordCertificate: defineCommand({
    service: 'inventory',
    aggregate: 'certificate',
    verb: 'record',
    description:
      "Records a site's NF S97-414 refurbishment centre certificate and its validity (the coordinator only).",
    request: RecordCertificateV1,
    response: RecordCertificateResultV1,
  }),
  revokeCertificate: defineCommand({
    service: 'inventory',
    aggregate: 'certificate',
    verb: 'revoke',
    description:
      'Revokes a centre certificate (the coordinator only): what was certified under it is not released until certified again.',
    request: RevokeCertificateV1,
    response: RevokeCertificateResultV1,
  }),
  registerDeviceModel: defineCommand({
    service: 'inventory',
    aggregate: 'device-model',
    verb: 'register',
    description:
      'The coordinator registers a medical aid model with its lifetime and refurbishment checklist, or records a new version of it.',
    request: RegisterDeviceModelV1,
    response: RegisterDeviceModelResultV1,
  }),
  recordIntake: defineCommand({
    service: 'inventory',
    aggregate: 'intake',
    verb: 'record',
    description: 'Records a weighed intake at a site and puts the goods it brought into stock.',
    request: RecordIntakeV1,
    response: RecordIntakeResultV1,
  }),
  moveGood: defineCommand({
    service: 'inventory',
    aggregate: 'good',
    verb: 'move',
    description: 'Moves some of a good on to its next state or to another location.',
    request: MoveGoodV1,
    response: MoveGoodResultV1,
  }),
  getGood: defineQuery({
    service: 'inventory',
    aggregate: 'good',
    verb: 'get',
    description: 'Shows a good, where its stock is and who holds some of it.',
    request: GetGoodV1,
    response: GetGoodResultV1,
  }),
  listGoods: defineQuery({
    service: 'inventory',
    aggregate: 'good',
    verb: 'list',
    description:
      "Lists a member's goods, newest first, a page at a time, with their stock by state.",
    request: ListGoodsV1,
    response: ListGoodsResultV1,
  }),
  passport: defineQuery({
    service: 'inventory',
    aggregate: 'good',
    verb: 'passport',
    description:
      "Shows a good's traceable history: every movement and refurbishment gate, and who did it.",
    request: GetGoodV1,
    response: PassportResultV1,
  }),
  triage: defineCommand({
    service: 'inventory',
    aggregate: 'refurbishment',
    verb: 'triage',
    description: 'Triages a received medical aid as repairable, a parts donor or scrap.',
    request: TriageV1,
    response: TriageResultV1,
  }),
  startRefurbishment: defineCommand({
    service: 'inventory',
    aggregate: 'refurbishment',
    verb: 'start',
    description: 'Starts refurbishing a medical aid triaged as repairable.',
    request: StartRefurbishmentV1,
    response: StartRefurbishmentResultV1,
  }),
  recordChecklist: defineCommand({
    service: 'inventory',
    aggregate: 'refurbishment',
    verb: 'checklist',
    description: "Records every step of the model's refurbishment checklist as done.",
    request: RecordChecklistV1,
    response: RecordChecklistResultV1,
  }),
  recordQualityCheck: defineCommand({
    service: 'inventory',
    aggregate: 'refurbishment',
    verb: 'quality-check',
    description:
      'Records the quality check of a refurbished medical aid: passed, or failed with its reason (back to refurbishing).',
    request: RecordQualityCheckV1,
    response: RecordQualityCheckResultV1,
  }),
  recordDisinfection: defineCommand({
    service: 'inventory',
    aggregate: 'refurbishment',
    verb: 'disinfection',
    description: 'Records when, how and by whom a medical aid was disinfected.',
    request: RecordDisinfectionV1,
    response: RecordDisinfectionResultV1,
  }),
  certify: defineCommand({
    service: 'inventory',
    aggregate: 'refurbishment',
    verb: 'certify',
    description:
      "Certifies a refurbished medical aid for a new period of use under the centre's certificate.",
    request: CertifyV1,
    response: CertifyResultV1,
  }),
  releaseForUse: defineCommand({
    service: 'inventory',
    aggregate: 'refurbishment',
    verb: 'release',
    description: 'Makes a medical aid available again once every refurbishment gate is recorded.',
    request: ReleaseForUseV1,
    response: ReleaseForUseResultV1,
  }),
  returnItem: defineCommand({
    service: 'inventory',
    aggregate: 'item',
    verb: 'return',
    description: 'Takes back a handed-over medical aid for a new refurbishment cycle.',
    request: ReturnItemV1,
    response: ReturnItemResultV1,
  }),
  placeHold: defineCommand({
    service: 'inventory',
    aggregate: 'hold',
    verb: 'place',
    description: 'Holds a quantity of a good for a taker until the hold expires.',
    request: PlaceHoldV1,
    response: PlaceHoldResultV1,
  }),
  releaseHold: defineCommand({
    service: 'inventory',
    aggregate: 'hold',
    verb: 'release',
    description: 'Ends a hold and puts its quantity back where it was held from.',
    request: ReleaseHoldV1,
    response: ReleaseHoldResultV1,
  }),
  handOverHold: defineCommand({
    service: 'inventory',
    aggregate: 'hold',
    verb: 'hand-over',
    description: 'Hands what a hold kept over to its beneficiary.',
    request: HandOverHoldV1,
    response: HandOverHoldResultV1,
  }),
  quarantineItem: defineCommand({
    service: 'inventory',
    aggregate: 'item',
    verb: 'quarantine',
    description:
      'Takes a defective or recalled medical aid out of circulation, from any live state, ending its holds.',
    request: QuarantineItemV1,
    response: QuarantineItemResultV1,
  }),
  refurbishQuarantined: defineCommand({
    service: 'inventory',
    aggregate: 'quarantine',
    verb: 'refurbish',
    description: 'Sends a quarantined medical aid back to refurbishing in a new cycle.',
    request: RefurbishQuarantinedV1,
    response: RefurbishQuarantinedResultV1,
  }),
  scrapQuarantined: defineCommand({
    service: 'inventory',
    aggregate: 'quarantine',
    verb: 'scrap',
    description:
      'Scraps a quarantined medical aid to recycling, energy recovery or landfill, recording the facility.',
    request: ScrapQuarantinedV1,
    response: ScrapQuarantinedResultV1,
  }),
  issueRecall: defineCommand({
    service: 'inventory',
    aggregate: 'recall',
    verb: 'issue',
    description:
      'Flags a medical aid model, optionally a serial range, as recalled: its units are neither held nor handed over.',
    request: IssueRecallV1,
    response: IssueRecallResultV1,
  }),
  liftRecall: defineCommand({
    service: 'inventory',
    aggregate: 'recall',
    verb: 'lift',
    description: 'Lifts a recall: its units may be held and handed over again.',
    request: LiftRecallV1,
    response: LiftRecallResultV1,
  }),
  recall: defineQuery({
    service: 'inventory',
    aggregate: 'recall',
    verb: 'find',
    description:
      'Finds every unit of a medical aid model, optionally within a serial range, with its state, place and holder.',
    request: RecallV1,
    response: RecallResultV1,
  }),
  offerLot: defineCommand({
    service: 'inventory',
    aggregate: 'lot',
    verb: 'offer',
    description: 'Offers a lot still on a construction site for a window tied to the works.',
    request: OfferLotV1,
    response: OfferLotResultV1,
  }),
  divertLot: defineCommand({
    service: 'inventory',
    aggregate: 'lot',
    verb: 'divert',
    description: 'Sends what is still offered of a lot to recycling, energy recovery or landfill.',
    request: DivertLotV1,
    response: DivertLotResultV1,
  }),
  amendLotWindow: defineCommand({
    service: 'inventory',
    aggregate: 'lot',
    verb: 'amend-window',
    description:
      "Moves an offered lot's availability window; holds that would outlive the new one are cut to it.",
    request: AmendLotWindowV1,
    response: AmendLotWindowResultV1,
  }),
  withdrawLot: defineCommand({
    service: 'inventory',
    aggregate: 'lot',
    verb: 'withdraw',
    description:
      'Withdraws an offered lot: the firm keeps what was offered or held, its holds end and nothing is diverted.',
    request: WithdrawLotV1,
    response: WithdrawLotResultV1,
  }),
  recordTransformation: defineCommand({
    service: 'inventory',
    aggregate: 'transformation',
    verb: 'record',
    description:
      'Records a transformation (cardboard into litter, dismantling, washing) with its mass balance.',
    request: RecordTransformationV1,
    response: RecordTransformationResultV1,
  }),
  tonnageReport: defineQuery({
    service: 'inventory',
    aggregate: 'report',
    verb: 'tonnage',
    description: 'Reports the tonnes taken in and sent out over a period, by flow and destination.',
    request: TonnageReportV1,
    response: TonnageReportResultV1,
  }),
  correctGood: defineCommand({
    service: 'inventory',
    aggregate: 'good',
    verb: 'correct',
    description:
      'Corrects a mistake with a new record and a reason code: stock added or removed at a place, lost or found, or the weighed mass.',
    request: CorrectGoodV1,
    response: CorrectGoodResultV1,
  }),
  relocateGood: defineCommand({
    service: 'inventory',
    aggregate: 'good',
    verb: 'relocate',
    description:
      'Moves some of a good to another location of its member (another site included), in the same state.',
    request: RelocateGoodV1,
    response: RelocateGoodResultV1,
  }),
  transferGood: defineCommand({
    service: 'inventory',
    aggregate: 'good',
    verb: 'transfer',
    description:
      'Passes custody of a good to another member, at one of its locations; the good keeps its identity and passport.',
    request: TransferGoodV1,
    response: TransferGoodResultV1,
  }),
} as const;
