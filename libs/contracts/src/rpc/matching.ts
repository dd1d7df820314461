import { z } from 'zod';
import { ActorSchema } from '../envelope.js';
import {
  IsoClassV1,
  NEED_CLOSE_REASONS,
  NEED_KINDS,
  UrgencyV1,
} from '../events/matching-common.v1.js';
import { RESERVATION_STATES } from '../events/matching-reservation-status-changed.v1.js';
import {
  Day,
  GeoPoint,
  Id,
  Instant,
  InstantWithOffset,
  OpaqueRef,
  Quantity,
  Unit,
} from '../primitives.js';
import { defineCommand, defineQuery } from '../rpc-definition.js';
import { PageCursor } from './inventory.js';

/**
 * Request/reply commands and queries of the matching service: the catalogue of what is
 * available, beneficiaries' needs and members' wanted lists. Every command carries its
 * actor; ownership is checked by matching. Names, contact details and health details are
 * accepted here and answered to those who may see them, but are kept encrypted in
 * matching's database and never leave it otherwise: no event carries them.
 */

/** Query strings carry numbers and booleans as text. */
const Num = z.coerce.number();
const Bool = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);

/** A bound on an aid's dimension: at least `min`, at most `max`, both optional. */
const Range = (max: number) =>
  z
    .strictObject({ min: Num.min(0).max(max).optional(), max: Num.min(0).max(max).optional() })
    .refine((r) => r.min === undefined || r.max === undefined || r.min <= r.max, {
      path: ['max'],
      message: 'must be at least min',
    });

/**
 * What an aid must measure or allow, in the terms inventory records (`ItemAttributes`): a
 * seat at least 42 cm wide, a chair that folds. Sizes of equipment, not of a person.
 */
export const AidAttributeFilter = z.strictObject({
  seatWidthCm: Range(1_000).optional(),
  seatDepthCm: Range(1_000).optional(),
  seatHeightCm: Range(1_000).optional(),
  widthCm: Range(1_000).optional(),
  lengthCm: Range(1_000).optional(),
  heightCm: Range(1_000).optional(),
  /** The aid must carry at least this weight, in kilograms. */
  userWeightKg: Num.int().min(1).max(500).optional(),
  foldable: Bool.optional(),
  electric: Bool.optional(),
});
export type AidAttributeFilter = z.output<typeof AidAttributeFilter>;

export const CATALOGUE_KINDS = ['item', 'lot'] as const;
export const CATALOGUE_SORTS = ['relevance', 'distance', 'newest'] as const;
export const CONDITION_GRADES = ['A', 'B', 'C', 'D'] as const;

/** An ISO 9999 class or the first levels of one: `12` every aid for personal mobility. */
const IsoClassPrefix = z
  .string()
  .regex(/^\d{2}( \d{2}){0,2}$/, 'must be an ISO 9999 class or its start, such as "12" or "12 22"');

/**
 * What is available now, searched. Text is read as French (stemmed, accents ignored:
 * "fauteuil roulant" finds "Fauteuils roulants manuels"). `sort` defaults to relevance
 * with text, to distance with a point, to the newest otherwise.
 */
export const SearchCatalogueV1 = z
  .strictObject({
    actor: ActorSchema,
    text: z.string().trim().min(1).max(200).optional(),
    kind: z.enum(CATALOGUE_KINDS).optional(),
    isoClass: IsoClassPrefix.optional(),
    materialFamily: z.string().trim().min(1).max(100).optional(),
    conditionGrades: z.array(z.enum(CONDITION_GRADES)).min(1).max(4).optional(),
    attributes: AidAttributeFilter.optional(),
    /** At least this much available, in `unit`. */
    minQuantity: Quantity.optional(),
    unit: Unit.optional(),
    near: z
      .strictObject({
        latitude: Num.min(-90).max(90),
        longitude: Num.min(-180).max(180),
        /** Only what lies within this many kilometres (great circle). */
        withinKm: Num.positive().max(1_000).optional(),
      })
      .optional(),
    sort: z.enum(CATALOGUE_SORTS).optional(),
    limit: Num.int().min(1).max(100).default(20),
    cursor: PageCursor.optional(),
  })
  .refine((q) => q.sort !== 'relevance' || q.text !== undefined, {
    path: ['sort'],
    message: 'relevance needs a text to search for',
  })
  .refine((q) => q.sort !== 'distance' || q.near !== undefined, {
    path: ['sort'],
    message: 'distance needs a point to measure from (near)',
  })
  .refine((q) => q.minQuantity === undefined || q.unit !== undefined, {
    path: ['unit'],
    message: 'a minimum quantity needs its unit',
  });

export const GetCatalogueGoodV1 = z.strictObject({ actor: ActorSchema, goodId: Id });

/** One good as the catalogue shows it: what it is, how much is available, where. */
export const CatalogueGoodV1 = z.object({
  goodId: Id,
  kind: z.enum(CATALOGUE_KINDS),
  /** What a person reads first: the ISO class's name and the make and model, or the material. */
  title: z.string(),
  isoClass: z.string().nullable(),
  /** The ISO 9999 class's French name. */
  category: z.string().nullable(),
  make: z.string().nullable(),
  model: z.string().nullable(),
  materialFamily: z.string().nullable(),
  conditionGrade: z.enum(CONDITION_GRADES).nullable(),
  /** A lot's quantity may still be an estimate until it is dismantled. */
  estimated: z.boolean(),
  attributes: z.record(z.string(), z.unknown()),
  /** What can be reserved now, in `unit`; "0" once it is all held or gone. */
  availableQuantity: z.string().regex(/^\d{1,11}(\.\d{1,3})?$/),
  unit: Unit,
  organisationId: Id.nullable(),
  siteId: Id.nullable(),
  locality: z.string().nullable(),
  position: GeoPoint.nullable(),
  /** From the point searched near; null without one, or for a site without a position. */
  distanceKm: z.number().nullable(),
  availableFrom: Instant.nullable(),
  mustBeGoneBy: Instant.nullable(),
  /** When it was last made available. */
  listedAt: Instant,
});

export const SearchCatalogueResultV1 = z.object({
  goods: z.array(CatalogueGoodV1),
  /** Null on the last page. */
  nextCursor: z.string().nullable(),
  /**
   * True when, sorted by relevance within a distance, only the matches nearest the point
   * were ranked (the 1,000 nearest, with any as near as the last): others lie farther
   * within the distance, and a narrower search, or one by distance, reaches them.
   */
  nearestOnly: z.boolean(),
});

const PersonName = z.string().trim().min(1).max(200);
const Locality = z.string().trim().min(1).max(200);

/** How to reach the beneficiary; kept encrypted. */
const Contact = z
  .strictObject({
    phone: z
      .string()
      .trim()
      .regex(/^\+?[0-9 .()-]{6,24}$/, 'must be a phone number')
      .optional(),
    email: z.email('must be an e-mail address').max(200).optional(),
  })
  .refine((c) => c.phone !== undefined || c.email !== undefined, {
    message: 'give a phone number or an e-mail address',
  });

/** The person a need is for, when the one acting registers them: kept encrypted. */
export const BeneficiaryInputV1 = z.strictObject({
  name: PersonName,
  contact: Contact.optional(),
  address: z.string().trim().min(1).max(300).optional(),
});

export const AID_NEED_REASONS = [
  'hospital-discharge',
  'home-care',
  'replacement',
  'other',
] as const;

/**
 * A beneficiary's need for a medical aid. The beneficiary states it, or the social worker
 * or prescriber acting for them, naming the person (`beneficiary`) the first time and by
 * their reference (`beneficiaryRef`) after that. Health details (`health`) and the exact
 * place are kept encrypted; the search uses the place rounded to about a kilometre.
 */
export const RegisterAidNeedV1 = z.strictObject({
  actor: ActorSchema,
  kind: z.literal('medical-aid'),
  isoClass: IsoClassV1,
  beneficiary: BeneficiaryInputV1.optional(),
  beneficiaryRef: OpaqueRef.optional(),
  /** Sizes and features the aid must have. */
  constraints: AidAttributeFilter.default({}),
  health: z
    .strictObject({
      notes: z.string().trim().min(1).max(2_000).optional(),
      prescriptionRef: z.string().trim().min(1).max(200).optional(),
    })
    .optional(),
  urgency: z.strictObject({
    level: UrgencyV1,
    /** The day it is needed by, a Paris day: a hospital discharge, the end of a loan. */
    neededBy: Day.optional(),
    reason: z.enum(AID_NEED_REASONS).optional(),
  }),
  location: z.strictObject({ position: GeoPoint, locality: Locality }),
  /** How far the beneficiary can fetch it from, or have it brought. */
  maxDistanceKm: Num.positive().max(500).default(30),
});

/**
 * An entry of a member's wanted list: a firm or a reuse village wants so much of a
 * material, by a deadline, within an area.
 */
export const RegisterMaterialNeedV1 = z.strictObject({
  actor: ActorSchema,
  kind: z.literal('material'),
  /** The coordinator's choice of member; a member's people register for their own. */
  organisationId: Id.optional(),
  materialFamily: z.string().trim().min(1).max(100),
  quantity: Quantity,
  unit: Unit,
  /** The worst condition still taken: `B` takes A and B. */
  minConditionGrade: z.enum(CONDITION_GRADES).default('D'),
  deadline: InstantWithOffset,
  area: z.strictObject({
    position: GeoPoint,
    locality: Locality,
    radiusKm: Num.positive().max(500),
  }),
});

export const RegisterNeedV1 = z.discriminatedUnion('kind', [
  RegisterAidNeedV1,
  RegisterMaterialNeedV1,
]);

export const RegisterNeedResultV1 = z.object({
  needId: Id,
  /** Pseudonymous: the reference to give for the same person's next need. Null for a material. */
  beneficiaryRef: OpaqueRef.nullable(),
});

export const GetNeedV1 = z.strictObject({ actor: ActorSchema, needId: Id });
export const WithdrawNeedV1 = z.strictObject({ actor: ActorSchema, needId: Id });

export const NEED_STATUSES = ['open', ...NEED_CLOSE_REASONS] as const;

export const ListNeedsV1 = z.strictObject({
  actor: ActorSchema,
  kind: z.enum(NEED_KINDS).optional(),
  status: z.enum(NEED_STATUSES).optional(),
  beneficiaryRef: OpaqueRef.optional(),
  limit: Num.int().min(1).max(200).default(50),
  cursor: PageCursor.optional(),
});

/** A need as those who may see it read it, personal details included while they exist. */
export const NeedViewV1 = z.object({
  needId: Id,
  kind: z.enum(NEED_KINDS),
  status: z.enum(NEED_STATUSES),
  beneficiaryRef: OpaqueRef.nullable(),
  /** The member acting or wanting. */
  organisationId: Id.nullable(),
  /** Null once erased. */
  beneficiary: z
    .object({
      name: z.string(),
      contact: z.object({ phone: z.string().optional(), email: z.string().optional() }).nullable(),
      address: z.string().nullable(),
    })
    .nullable(),
  health: z
    .object({ notes: z.string().nullable(), prescriptionRef: z.string().nullable() })
    .nullable(),
  isoClass: z.string().nullable(),
  constraints: z.record(z.string(), z.unknown()),
  materialFamily: z.string().nullable(),
  quantity: Quantity.nullable(),
  unit: Unit.nullable(),
  minConditionGrade: z.enum(CONDITION_GRADES).nullable(),
  urgency: UrgencyV1,
  neededBy: Day.nullable(),
  deadline: Instant.nullable(),
  /** The place the search measures from: about a kilometre off the real one for a beneficiary. */
  searchPoint: GeoPoint,
  locality: z.string(),
  maxDistanceKm: z.number(),
  /** Set by the coordinator; higher goes first among needs equally urgent. */
  socialPriority: z.number().int(),
  registeredAt: Instant,
  closedAt: Instant.nullable(),
});

export const ListNeedsResultV1 = z.object({
  needs: z.array(NeedViewV1),
  nextCursor: z.string().nullable(),
});

export const WithdrawNeedResultV1 = z.object({ needId: Id, status: z.enum(NEED_STATUSES) });

/**
 * The right to erasure: the beneficiary's name, contact, address and health details are
 * removed for good, from them and every one of their needs. What is left (ISO class,
 * urgency, dates, outcome) counts in the cluster's figures and names nobody.
 */
export const EraseBeneficiaryV1 = z.strictObject({
  actor: ActorSchema,
  beneficiaryRef: OpaqueRef,
});
export const EraseBeneficiaryResultV1 = z.object({
  beneficiaryRef: OpaqueRef,
  erasedAt: Instant,
  /** Needs whose personal details were removed; those still open are closed as `erased`. */
  needs: z.number().int().min(0),
});

/** The highest social priority the coordinator may give a need. */
export const MAX_SOCIAL_PRIORITY = 10;

/** The coordinator's social priority of a need: higher goes first among needs equally urgent. */
export const SetSocialPriorityV1 = z.strictObject({
  actor: ActorSchema,
  needId: Id,
  socialPriority: Num.int().min(0).max(MAX_SOCIAL_PRIORITY),
});
export const SetSocialPriorityResultV1 = z.object({
  needId: Id,
  socialPriority: z.number().int(),
});

/** The needs a good was proposed to, best first: what staff explain to the people waiting. */
export const ListProposalsV1 = z.strictObject({ actor: ActorSchema, goodId: Id });

/**
 * Why a need stands where it does: each part of its score, as it was when the good was
 * proposed. Hard constraints (class, sizes, distance) are met by every proposed need;
 * the score orders them, and equal scores go to the need registered first.
 */
export const ProposalScoreV1 = z.object({
  total: z.number(),
  urgency: z.object({ level: UrgencyV1, points: z.number() }),
  socialPriority: z.object({ value: z.number().int(), points: z.number() }),
  waiting: z.object({ days: z.number().int(), points: z.number() }),
});

export const ListProposalsResultV1 = z.object({
  goodId: Id,
  proposals: z.array(
    z.object({
      needId: Id,
      /** 1 for the first in line. */
      rank: z.number().int().min(1),
      kind: z.enum(NEED_KINDS),
      beneficiaryRef: OpaqueRef.nullable(),
      organisationId: Id.nullable(),
      distanceKm: z.number().nullable(),
      registeredAt: Instant,
      score: ProposalScoreV1,
      proposedAt: Instant,
    }),
  ),
});

/**
 * A reservation of a good for a need, the saga with inventory: matching asks
 * (`requested`), inventory holds the stock (`held`) or says why not (`rejected`); a medical
 * aid then waits for the approval of the good's member (`confirmed`, or `refused`), and
 * its hand-over ends it. A hold that runs out (`expired`) or is let go offers the good to
 * the next need in line.
 */
export const RESERVATION_STATUSES = RESERVATION_STATES;

export const RequestReservationV1 = z.strictObject({
  actor: ActorSchema,
  goodId: Id,
  /** The need it is for: the beneficiary's, or the member's wanted material. */
  needId: Id,
  /** For a lot, how much of it (part of a lot may be taken); an aid is taken whole. */
  quantity: Quantity.optional(),
  /**
   * Taken by someone else (held, or not enough left): wait on the good's waiting list
   * rather than be refused, and be asked for again when it comes back.
   */
  waitIfTaken: Bool.optional(),
});
export const GetReservationV1 = z.strictObject({ actor: ActorSchema, reservationId: Id });

/** The staff of the good's member approve a held medical aid for the person waiting. */
export const ApproveReservationV1 = z.strictObject({ actor: ActorSchema, reservationId: Id });

/** …or refuse it, saying why to the person acting for the beneficiary. */
export const RefuseReservationV1 = z.strictObject({
  actor: ActorSchema,
  reservationId: Id,
  /** Kept in matching and shown to those who reach the need; never sent in an event. */
  note: z.string().trim().min(1).max(500),
});

/** The beneficiary, or whoever acts for them, lets a reservation go before its hand-over. */
export const CancelReservationV1 = z.strictObject({ actor: ActorSchema, reservationId: Id });

/**
 * Reservations a person may see, newest first: a need's, a good's (for its member's
 * staff), or those held for an approval the caller may give (`awaitingApproval`): of
 * goods of the caller's member, never the caller's own requests; all of them for the
 * coordinator.
 */
export const ListReservationsV1 = z
  .strictObject({
    actor: ActorSchema,
    needId: Id.optional(),
    goodId: Id.optional(),
    status: z.enum(RESERVATION_STATES).optional(),
    awaitingApproval: Bool.optional(),
    limit: Num.int().min(1).max(100).default(20),
    cursor: PageCursor.optional(),
  })
  .refine((q) => !(q.awaitingApproval === true && q.status !== undefined), {
    path: ['status'],
    message: 'awaiting approval already means held: give one or the other',
  });

export const ReservationViewV1 = z.object({
  reservationId: Id,
  goodId: Id,
  needId: Id,
  status: z.enum(RESERVATION_STATES),
  /** Who the stock is held for, as inventory knows them: a pseudonymous reference. */
  holderRef: OpaqueRef,
  organisationId: Id.nullable(),
  quantity: Quantity,
  unit: Unit,
  holdId: Id.nullable(),
  /** Until when inventory holds it. */
  expiresAt: Instant.nullable(),
  /** Medical aids wait for the approval of the good's member once held. */
  approvalRequired: z.boolean(),
  approval: z
    .object({
      decision: z.enum(['approved', 'refused']),
      by: z.string(),
      at: Instant,
      note: z.string().nullable(),
    })
    .nullable(),
  /**
   * On the good's waiting list: 1 is next. It only moves forward, unless the priority of
   * this need is raised (it then goes before those of a lower priority).
   */
  waitingPosition: z.number().int().positive().nullable(),
  /** Made by matching for the next need in line when the good came back; not asked. */
  offered: z.boolean(),
  rejection: z.object({ reason: z.string(), message: z.string() }).nullable(),
  /** Why it ended, as a code (`expired`, `recalled`, `cancelled`…); null while live. */
  endReason: z.string().nullable(),
  requestedAt: Instant,
  updatedAt: Instant,
});

export const ListReservationsResultV1 = z.object({
  reservations: z.array(ReservationViewV1),
  /** Null on the last page. */
  nextCursor: z.string().nullable(),
});

/**
 * Every matching request/reply endpoint, in one place: its subject, what it takes and
 * what it answers.
 */
export const MatchingRpc = {
  searchCatalogue: defineQuery({
    service: 'matching',
    aggregate: 'catalogue',
    verb: 'search',
    description:
      'Searches what is available: French text, ISO class or material, attributes, quantity and distance, a page at a time.',
    request: SearchCatalogueV1,
    response: SearchCatalogueResultV1,
  }),
  getCatalogueGood: defineQuery({
    service: 'matching',
    aggregate: 'catalogue',
    verb: 'get',
    description: 'Shows one good of the catalogue as it stands, available or no longer.',
    request: GetCatalogueGoodV1,
    response: CatalogueGoodV1,
  }),
  registerNeed: defineCommand({
    service: 'matching',
    aggregate: 'need',
    verb: 'register',
    description:
      "Registers a beneficiary's need for a medical aid, or an entry of a member's wanted list.",
    request: RegisterNeedV1,
    response: RegisterNeedResultV1,
  }),
  getNeed: defineQuery({
    service: 'matching',
    aggregate: 'need',
    verb: 'get',
    description:
      'Shows a need to the beneficiary, to whoever acts for them, or to the member wanting it.',
    request: GetNeedV1,
    response: NeedViewV1,
  }),
  listNeeds: defineQuery({
    service: 'matching',
    aggregate: 'need',
    verb: 'list',
    description: 'Lists the needs a person may see, oldest first, a page at a time.',
    request: ListNeedsV1,
    response: ListNeedsResultV1,
  }),
  withdrawNeed: defineCommand({
    service: 'matching',
    aggregate: 'need',
    verb: 'withdraw',
    description: 'Withdraws an open need: it is no longer matched.',
    request: WithdrawNeedV1,
    response: WithdrawNeedResultV1,
  }),
  setSocialPriority: defineCommand({
    service: 'matching',
    aggregate: 'need',
    verb: 'set-priority',
    description:
      "Sets a need's social priority (the coordinator only): it goes before needs equally urgent.",
    request: SetSocialPriorityV1,
    response: SetSocialPriorityResultV1,
  }),
  listProposals: defineQuery({
    service: 'matching',
    aggregate: 'proposal',
    verb: 'list',
    description:
      "The needs a good was proposed to, in line, each with its score's parts: for the staff of the good's member.",
    request: ListProposalsV1,
    response: ListProposalsResultV1,
  }),
  requestReservation: defineCommand({
    service: 'matching',
    aggregate: 'reservation',
    verb: 'request',
    description:
      'Asks for a good to be held for a need; inventory holds it or says why not, and the reservation follows.',
    request: RequestReservationV1,
    response: ReservationViewV1,
  }),
  getReservation: defineQuery({
    service: 'matching',
    aggregate: 'reservation',
    verb: 'get',
    description: 'Shows a reservation as it stands, to those who may see its need.',
    request: GetReservationV1,
    response: ReservationViewV1,
  }),
  approveReservation: defineCommand({
    service: 'matching',
    aggregate: 'reservation',
    verb: 'approve',
    description:
      "Approves a held medical aid for the person waiting (the staff of the good's member, or the coordinator).",
    request: ApproveReservationV1,
    response: ReservationViewV1,
  }),
  refuseReservation: defineCommand({
    service: 'matching',
    aggregate: 'reservation',
    verb: 'refuse',
    description:
      'Refuses a held medical aid, saying why; inventory releases the hold and the good goes to the next need in line.',
    request: RefuseReservationV1,
    response: ReservationViewV1,
  }),
  cancelReservation: defineCommand({
    service: 'matching',
    aggregate: 'reservation',
    verb: 'cancel',
    description:
      'Lets a reservation go before its hand-over; inventory releases the hold and the good goes to the next need in line.',
    request: CancelReservationV1,
    response: ReservationViewV1,
  }),
  listReservations: defineQuery({
    service: 'matching',
    aggregate: 'reservation',
    verb: 'list',
    description:
      "Lists the reservations a person may see, newest first: a need's, a good's, or those awaiting the caller's approval.",
    request: ListReservationsV1,
    response: ListReservationsResultV1,
  }),
  eraseBeneficiary: defineCommand({
    service: 'matching',
    aggregate: 'beneficiary',
    verb: 'erase',
    description:
      "Erases a beneficiary's personal data for good, keeping only the anonymous figures of their needs.",
    request: EraseBeneficiaryV1,
    response: EraseBeneficiaryResultV1,
  }),
} as const;
