import { z } from 'zod';
import { ActorSchema } from '../envelope.js';
import {
  CollectedGoodV1,
  CollectionLoadV1,
  CollectionModeV1,
  CollectionSkillV1,
  DeliverToV1,
} from '../events/collection-common.v1.js';
import { MISSED_REASONS } from '../events/collection-pickup-missed.v1.js';
import { PICKUP_KINDS, PICKUP_ORIGINS } from '../events/collection-pickup-requested.v1.js';
import { UNPLANNED_REASONS } from '../events/collection-pickup-unplanned.v1.js';
import {
  Day,
  GeoPoint,
  Id,
  Instant,
  InstantWithOffset,
  Kilograms,
  OpaqueRef,
  Quantity,
  Unit,
} from '../primitives.js';
import { defineCommand, defineQuery } from '../rpc-definition.js';

/**
 * Request/reply commands and queries of the collection service: pickup requests,
 * collection points and their schedules, vehicles, rounds and the driver's records.
 * Every command carries its actor; ownership is checked by collection. Street addresses
 * stay in collection's database: no event carries one.
 */

/** A time of day in Europe/Paris, `08:30`. */
export const LocalTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day such as "08:30"');

/** A window as a person's client sends it (an offset or Z). */
export const PickupWindowInput = z
  .strictObject({ from: InstantWithOffset, until: InstantWithOffset })
  .refine((w) => new Date(w.until) > new Date(w.from), {
    path: ['until'],
    message: 'must be after from',
  });

const Address = z.string().trim().min(1).max(300);
const Locality = z.string().trim().min(1).max(200);

/**
 * What is expected at a pickup, as the requester knows it: the driver records what was
 * really there (an aid's serial read off its plate, cardboard weighed) when collecting.
 */
export const ExpectedGood = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('item'),
    make: z.string().trim().min(1).max(100),
    model: z.string().trim().min(1).max(100),
    serialNumber: z.string().trim().min(1).max(100).optional(),
    weightKg: Kilograms.optional(),
  }),
  z.strictObject({
    kind: z.literal('lot'),
    materialFamily: z.string().trim().min(1).max(100),
    quantity: Quantity,
    unit: Unit,
    conditionGrade: z.enum(['A', 'B', 'C', 'D']),
    wasteCode: z
      .string()
      .regex(
        /^\d{2} \d{2} \d{2}$/,
        'must be an EU waste code such as "17 02 01"; a starred (hazardous) code is never collected for reuse',
      ),
    weightKg: Kilograms.optional(),
  }),
  z.strictObject({
    kind: z.literal('pool'),
    containerType: z.string().trim().min(1).max(100),
    count: z.number().int().positive().max(1_000_000),
    depositCents: z.number().int().min(0).max(1_000),
    weightKg: Kilograms.optional(),
  }),
  z.strictObject({
    kind: z.literal('bulk'),
    material: z.literal('cardboard'),
    weightKg: Kilograms.optional(),
  }),
]);

export const RequestPickupV1 = z.strictObject({
  actor: ActorSchema,
  /** The coordinator's choice of member; a member's people request for their own. */
  organisationId: Id.optional(),
  kind: z.enum(PICKUP_KINDS),
  address: Address,
  position: GeoPoint,
  locality: Locality,
  /** The donor's pseudonymous reference (issued by whoever knows the person), for a home pickup. */
  donorRef: OpaqueRef.optional(),
  windows: z.array(PickupWindowInput).min(1).max(10),
  expectedLoad: CollectionLoadV1,
  skills: z.array(CollectionSkillV1).max(10).default([]),
  goods: z.array(ExpectedGood).min(1).max(100),
  deliverTo: DeliverToV1,
  /**
   * For a construction site's lot: the lot (inventory's good) and when it must be gone,
   * as inventory gave them when it was offered. Every window must end by then.
   */
  lot: z.strictObject({ goodId: Id, mustBeGoneBy: InstantWithOffset }).optional(),
});

export const GetPickupV1 = z.strictObject({ actor: ActorSchema, pickupId: Id });
export const CancelPickupV1 = z.strictObject({ actor: ActorSchema, pickupId: Id });

export const PICKUP_STATUSES = [
  'requested',
  'scheduled',
  'collected',
  'missed',
  'cancelled',
] as const;

export const ListPickupsV1 = z.strictObject({
  actor: ActorSchema,
  organisationId: Id.optional(),
  status: z.enum(PICKUP_STATUSES).optional(),
  /** Pickups with a window on this Paris day. */
  day: Day.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/**
 * A recurring schedule: on these ISO weekdays (1 = Monday), every `everyWeeks` weeks
 * counted from the week of `startingOn`, within a window of Paris local times.
 */
export const PointSchedule = z
  .strictObject({
    weekdays: z
      .array(z.number().int().min(1).max(7))
      .min(1)
      .max(7)
      .refine((days) => new Set(days).size === days.length, 'each weekday once'),
    everyWeeks: z.number().int().min(1).max(8).default(1),
    startingOn: Day,
    windowFrom: LocalTime,
    windowUntil: LocalTime,
  })
  .refine((s) => s.windowUntil > s.windowFrom, {
    path: ['windowUntil'],
    message: 'must be after windowFrom',
  });

/** A shop's full crates, or a container's fill level, that calls for a pickup. */
export const PointThreshold = z
  .strictObject({
    fullCrates: z.number().int().min(1).max(10_000).optional(),
    fillPercent: z.number().int().min(1).max(100).optional(),
  })
  .refine((t) => t.fullCrates !== undefined || t.fillPercent !== undefined, {
    message: 'needs fullCrates or fillPercent',
  });

export const RegisterPointV1 = z.strictObject({
  actor: ActorSchema,
  organisationId: Id.optional(),
  name: z.string().trim().min(1).max(200),
  kind: z.enum(['shop', 'business']),
  address: Address,
  position: GeoPoint,
  locality: Locality,
  /** What each pickup here is expected to bring and need. */
  expectedLoad: CollectionLoadV1,
  skills: z.array(CollectionSkillV1).max(10).default([]),
  goods: z.array(ExpectedGood).min(1).max(100),
  deliverTo: DeliverToV1,
  threshold: PointThreshold.optional(),
  /** When a threshold is reached: the pickup's window opens then, for this many hours. */
  thresholdWindowHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 14)
    .default(72),
});

export const SetPointScheduleV1 = z.strictObject({
  actor: ActorSchema,
  pointId: Id,
  /** null removes the schedule (and its job scheduler). */
  schedule: PointSchedule.nullable(),
});

export const ReportFillV1 = z
  .strictObject({
    actor: ActorSchema,
    pointId: Id,
    fullCrates: z.number().int().min(0).max(10_000).optional(),
    fillPercent: z.number().int().min(0).max(100).optional(),
  })
  .refine((r) => r.fullCrates !== undefined || r.fillPercent !== undefined, {
    path: ['fullCrates'],
    message: 'give fullCrates or fillPercent',
  });

export const GetPointV1 = z.strictObject({ actor: ActorSchema, pointId: Id });

export const RegisterVehicleV1 = z
  .strictObject({
    actor: ActorSchema,
    organisationId: Id.optional(),
    name: z.string().trim().min(1).max(100),
    capacity: CollectionLoadV1,
    skills: z.array(CollectionSkillV1).max(10).default([]),
    depot: GeoPoint,
    /** Paris local times of the crew's day. */
    workFrom: LocalTime,
    workUntil: LocalTime,
    /** A break taken somewhere between its earliest and latest start. */
    break: z
      .strictObject({
        earliestStart: LocalTime,
        latestStart: LocalTime,
        minutes: z.number().int().min(5).max(120),
      })
      .refine((b) => b.latestStart >= b.earliestStart, {
        path: ['latestStart'],
        message: 'must not be before earliestStart',
      })
      .optional(),
    /** Minutes a stop takes on site, loading included. */
    serviceMinutes: z.number().int().min(1).max(240).default(15),
  })
  .refine((v) => v.workUntil > v.workFrom, {
    path: ['workUntil'],
    message: 'must be after workFrom',
  });

export const ListVehiclesV1 = z.strictObject({
  actor: ActorSchema,
  organisationId: Id.optional(),
});

export const PlanDayV1 = z.strictObject({ actor: ActorSchema, day: Day });
export const ListRoundsV1 = z.strictObject({ actor: ActorSchema, day: Day });
export const GetRoundV1 = z.strictObject({ actor: ActorSchema, roundId: Id });
export const AssignDriverV1 = z.strictObject({
  actor: ActorSchema,
  roundId: Id,
  /** The driver's user id, as their identity names them. */
  driverId: z.string().min(1).max(128),
});
export const StartRoundV1 = z.strictObject({ actor: ActorSchema, roundId: Id });
export const MoveStopV1 = z.strictObject({
  actor: ActorSchema,
  /** The planned round the stop goes to: its own, another of the same day. */
  roundId: Id,
  /** The pickup: a pending stop of a planned round of that day, or left unplanned on it. */
  pickupId: Id,
  /** Where it goes in that round, 1 first; at most one past its last stop. */
  sequence: z.number().int().positive().max(1_000),
});

export const RecordCollectedV1 = z.strictObject({
  actor: ActorSchema,
  roundId: Id,
  pickupId: Id,
  /** When it was loaded, as the phone saw it; now when absent (a record sent late says when). */
  collectedAt: InstantWithOffset.optional(),
  actual: CollectionLoadV1.refine((l) => l.kg > 0, {
    path: ['kg'],
    message: 'the load is weighed: more than 0 kg',
  }),
  goods: z.array(CollectedGoodV1).min(1).max(500),
  photoRefs: z.array(OpaqueRef).max(20).default([]),
  signatureRef: OpaqueRef.optional(),
});

export const RecordMissedV1 = z.strictObject({
  actor: ActorSchema,
  roundId: Id,
  pickupId: Id,
  reason: z.enum(MISSED_REASONS),
});

// ---- answers ----

const WindowOut = z.object({ from: Instant, until: Instant });

export const PickupViewV1 = z.object({
  pickupId: Id,
  organisationId: Id,
  kind: z.enum(PICKUP_KINDS),
  mode: CollectionModeV1,
  origin: z.enum(PICKUP_ORIGINS),
  status: z.enum(PICKUP_STATUSES),
  pointId: Id.nullable(),
  address: z.string(),
  position: GeoPoint,
  locality: z.string(),
  donorRef: z.string().nullable(),
  windows: z.array(WindowOut),
  expectedLoad: CollectionLoadV1,
  skills: z.array(CollectionSkillV1),
  goods: z.array(ExpectedGood),
  deliverTo: DeliverToV1,
  lot: z.object({ goodId: Id, mustBeGoneBy: Instant }).nullable(),
  /** Where the pickup stands in the current plan. */
  plan: z.object({ roundId: Id, day: Day, sequence: z.number().int(), eta: Instant }).nullable(),
  unplannedReason: z.enum(UNPLANNED_REASONS).nullable(),
  misses: z.number().int().min(0),
  createdAt: Instant,
});

export const RequestPickupResultV1 = z.object({ pickupId: Id, status: z.enum(PICKUP_STATUSES) });
export const CancelPickupResultV1 = z.object({ pickupId: Id, status: z.literal('cancelled') });
export const ListPickupsResultV1 = z.object({ pickups: z.array(PickupViewV1) });

export const PointViewV1 = z.object({
  pointId: Id,
  organisationId: Id,
  name: z.string(),
  kind: z.enum(['shop', 'business']),
  address: z.string(),
  position: GeoPoint,
  locality: z.string(),
  expectedLoad: CollectionLoadV1,
  skills: z.array(CollectionSkillV1),
  deliverTo: DeliverToV1,
  threshold: z
    .object({ fullCrates: z.number().int().nullable(), fillPercent: z.number().int().nullable() })
    .nullable(),
  schedule: z
    .object({
      weekdays: z.array(z.number().int()),
      everyWeeks: z.number().int(),
      startingOn: Day,
      windowFrom: z.string(),
      windowUntil: z.string(),
    })
    .nullable(),
  scheduleRevision: z.number().int().min(0),
  lastFill: z
    .object({
      fullCrates: z.number().int().nullable(),
      fillPercent: z.number().int().nullable(),
      reportedAt: Instant,
    })
    .nullable(),
});

export const RegisterPointResultV1 = z.object({ pointId: Id });
export const SetPointScheduleResultV1 = z.object({
  pointId: Id,
  scheduleRevision: z.number().int().min(1),
});
export const ReportFillResultV1 = z.object({
  pointId: Id,
  thresholdReached: z.boolean(),
  /** The pickup the threshold called for: made by this report or an earlier one still open. */
  pickupId: Id.nullable(),
});

export const VehicleViewV1 = z.object({
  vehicleId: Id,
  organisationId: Id,
  name: z.string(),
  capacity: CollectionLoadV1,
  skills: z.array(CollectionSkillV1),
  depot: GeoPoint,
  workFrom: z.string(),
  workUntil: z.string(),
  break: z
    .object({ earliestStart: z.string(), latestStart: z.string(), minutes: z.number().int() })
    .nullable(),
  serviceMinutes: z.number().int(),
});
export const RegisterVehicleResultV1 = z.object({ vehicleId: Id });
export const ListVehiclesResultV1 = z.object({ vehicles: z.array(VehicleViewV1) });

export const PlanDayResultV1 = z.object({
  day: Day,
  /** The plan this request asked for; the round list says which revision is planned. */
  requestedRevision: z.number().int().positive(),
});

export const STOP_STATUSES = ['pending', 'collected', 'missed'] as const;
export const ROUND_STATUSES = ['planned', 'started', 'completed'] as const;

export const RoundViewV1 = z.object({
  roundId: Id,
  day: Day,
  vehicleId: Id,
  organisationId: Id,
  driverId: z.string().nullable(),
  status: z.enum(ROUND_STATUSES),
  planRevision: z.number().int().positive(),
  distanceKm: z.number().min(0),
  stops: z.array(
    z.object({
      pickupId: Id,
      sequence: z.number().int().positive(),
      eta: Instant,
      status: z.enum(STOP_STATUSES),
      address: z.string(),
      position: GeoPoint,
      windows: z.array(WindowOut),
      expectedLoad: CollectionLoadV1,
      skills: z.array(CollectionSkillV1),
      goods: z.array(ExpectedGood),
    }),
  ),
});

export const ListRoundsResultV1 = z.object({
  day: Day,
  requestedRevision: z.number().int().min(0),
  plannedRevision: z.number().int().min(0),
  rounds: z.array(RoundViewV1),
  unplanned: z.array(z.object({ pickupId: Id, reason: z.enum(UNPLANNED_REASONS) })),
});

export const AssignDriverResultV1 = z.object({ roundId: Id, driverId: z.string() });
export const StartRoundResultV1 = z.object({ roundId: Id, status: z.literal('started') });
export const MoveStopResultV1 = z.object({
  day: Day,
  /** The day's plan revision the move made (the rounds' `planRevision`). */
  planRevision: z.number().int().positive(),
  /** The rounds the move changed (one, or the two it left and joined), renumbered and re-timed. */
  rounds: z.array(
    z.object({
      roundId: Id,
      vehicleId: Id,
      distanceKm: z.number().min(0),
      stops: z.array(
        z.object({ pickupId: Id, sequence: z.number().int().positive(), eta: Instant }),
      ),
    }),
  ),
});
export const RecordStopResultV1 = z.object({
  roundId: Id,
  pickupId: Id,
  status: z.enum(['collected', 'missed']),
  roundStatus: z.enum(ROUND_STATUSES),
});

export const CollectionRpc = {
  requestPickup: defineCommand({
    service: 'collection',
    aggregate: 'pickup',
    verb: 'request',
    description:
      'Requests a pickup at a donor’s home, a construction site, a shop or a business: where, when (one or more windows), what load and which handling needs.',
    request: RequestPickupV1,
    response: RequestPickupResultV1,
  }),
  getPickup: defineQuery({
    service: 'collection',
    aggregate: 'pickup',
    verb: 'get',
    description: 'Shows a pickup request, where it stands and where it is in the plan.',
    request: GetPickupV1,
    response: PickupViewV1,
  }),
  listPickups: defineQuery({
    service: 'collection',
    aggregate: 'pickup',
    verb: 'list',
    description: "Lists a member's pickups (the cluster's, for the coordinator), newest first.",
    request: ListPickupsV1,
    response: ListPickupsResultV1,
  }),
  cancelPickup: defineCommand({
    service: 'collection',
    aggregate: 'pickup',
    verb: 'cancel',
    description: 'Cancels a pickup not yet collected; its day is planned again.',
    request: CancelPickupV1,
    response: CancelPickupResultV1,
  }),
  registerPoint: defineCommand({
    service: 'collection',
    aggregate: 'point',
    verb: 'register',
    description:
      "Registers a shop's or business's collection point: where, what a pickup there brings, and the fill threshold that calls for one.",
    request: RegisterPointV1,
    response: RegisterPointResultV1,
  }),
  setPointSchedule: defineCommand({
    service: 'collection',
    aggregate: 'point',
    verb: 'set-schedule',
    description:
      'Sets, changes or removes the recurring schedule of a collection point (every Tuesday, fortnightly…).',
    request: SetPointScheduleV1,
    response: SetPointScheduleResultV1,
  }),
  reportFill: defineCommand({
    service: 'collection',
    aggregate: 'point',
    verb: 'report-fill',
    description:
      'Reports the full crates or fill level at a collection point; reaching its threshold requests one pickup.',
    request: ReportFillV1,
    response: ReportFillResultV1,
  }),
  getPoint: defineQuery({
    service: 'collection',
    aggregate: 'point',
    verb: 'get',
    description: 'Shows a collection point, its schedule, threshold and last reported fill.',
    request: GetPointV1,
    response: PointViewV1,
  }),
  registerVehicle: defineCommand({
    service: 'collection',
    aggregate: 'vehicle',
    verb: 'register',
    description:
      "Registers a member's vehicle and crew: capacity per dimension, skills, depot, working hours and break.",
    request: RegisterVehicleV1,
    response: RegisterVehicleResultV1,
  }),
  listVehicles: defineQuery({
    service: 'collection',
    aggregate: 'vehicle',
    verb: 'list',
    description: "Lists a member's vehicles (the cluster's, for the coordinator).",
    request: ListVehiclesV1,
    response: ListVehiclesResultV1,
  }),
  planDay: defineCommand({
    service: 'collection',
    aggregate: 'round',
    verb: 'plan-day',
    description:
      "Plans (or plans again) a day's rounds in the background; rounds already started are left as they are.",
    request: PlanDayV1,
    response: PlanDayResultV1,
  }),
  listRounds: defineQuery({
    service: 'collection',
    aggregate: 'round',
    verb: 'list',
    description:
      "A day's rounds with their ordered stops, and the pickups that could not be planned with the reason.",
    request: ListRoundsV1,
    response: ListRoundsResultV1,
  }),
  getRound: defineQuery({
    service: 'collection',
    aggregate: 'round',
    verb: 'get',
    description: 'Shows a round and its stops in order: what a driver follows.',
    request: GetRoundV1,
    response: RoundViewV1,
  }),
  assignDriver: defineCommand({
    service: 'collection',
    aggregate: 'round',
    verb: 'assign-driver',
    description: 'Gives a round to a driver, who then sees it and records its stops.',
    request: AssignDriverV1,
    response: AssignDriverResultV1,
  }),
  startRound: defineCommand({
    service: 'collection',
    aggregate: 'round',
    verb: 'start',
    description: 'The driver starts the round; replans of the day no longer move it.',
    request: StartRoundV1,
    response: StartRoundResultV1,
  }),
  moveStop: defineCommand({
    service: 'collection',
    aggregate: 'round',
    verb: 'move-stop',
    description:
      "Moves a pending stop by hand to a position in its round or in another planned round of the same day (or puts a pickup the plan left out into one). The changed rounds are checked with the planner's rules (capacity in every dimension, windows, skills, working hours, break) and re-timed; a move that breaks one is refused naming it, and a move while a new plan of the day is being computed is refused. The move is not pinned: a later plan of the day starts from it but may reorder it.",
    request: MoveStopV1,
    response: MoveStopResultV1,
  }),
  recordCollected: defineCommand({
    service: 'collection',
    aggregate: 'stop',
    verb: 'collect',
    description:
      'Records a stop as collected: the weights and counts per dimension, the goods, photo and signature references.',
    request: RecordCollectedV1,
    response: RecordStopResultV1,
  }),
  recordMissed: defineCommand({
    service: 'collection',
    aggregate: 'stop',
    verb: 'miss',
    description: 'Records a stop as missed, with the reason; the pickup is offered again later.',
    request: RecordMissedV1,
    response: RecordStopResultV1,
  }),
} as const;
