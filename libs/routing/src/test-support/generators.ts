import fc from 'fast-check';
import {
  type FixedStop,
  type Load,
  type Pickup,
  type PlanningProblem,
  type Vehicle,
} from '../planner/model.js';

export const SKILLS = ['tail-lift', 'two-person', 'refrigerated'] as const;
const HOUR = 3600;
const CENTRE = { lat: 45.76, lon: 4.84 };

const pickupArb = fc.record({
  // Integers, not doubles: fast-check's doubles crowd around 0, which would put half the pickups on the depot.
  dLat: fc.integer({ min: -1200, max: 1200 }).map((v) => v / 10_000),
  dLon: fc.integer({ min: -1600, max: 1600 }).map((v) => v / 10_000),
  service: fc.integer({ min: 60, max: 1800 }),
  // Mostly loads a van takes, now and then one no vehicle can.
  kg: fc.oneof(
    { arbitrary: fc.integer({ min: 0, max: 150 }), weight: 6 },
    { arbitrary: fc.integer({ min: 0, max: 900 }), weight: 1 },
  ),
  m3: fc.integer({ min: 0, max: 200 }).map((v) => v / 100),
  crates: fc.oneof(
    { arbitrary: fc.constant(0), weight: 3 },
    { arbitrary: fc.integer({ min: 1, max: 30 }), weight: 1 },
  ),
  tailLiftPlaces: fc.oneof(
    { arbitrary: fc.constant(0), weight: 4 },
    { arbitrary: fc.constant(1), weight: 1 },
  ),
  skills: fc.oneof(
    { arbitrary: fc.constant([] as string[]), weight: 3 },
    { arbitrary: fc.subarray([...SKILLS], { maxLength: 2 }), weight: 1 },
  ),
  windows: fc.array(
    fc.record({
      start: fc.integer({ min: 6 * HOUR, max: 17 * HOUR }),
      length: fc.integer({ min: 600, max: 5 * HOUR }),
    }),
    {
      minLength: 1,
      maxLength: 2,
    },
  ),
});

const vehicleArb = fc.record({
  depot: fc.nat(1),
  kg: fc.integer({ min: 100, max: 2500 }),
  m3: fc.integer({ min: 2, max: 20 }),
  crates: fc.integer({ min: 0, max: 60 }),
  tailLiftPlaces: fc.integer({ min: 0, max: 3 }),
  skills: fc.subarray([...SKILLS]),
  start: fc.integer({ min: 6 * HOUR, max: 9 * HOUR }),
  length: fc.integer({ min: 4 * HOUR, max: 10 * HOUR }),
  break: fc.option(
    fc.record({
      offset: fc.integer({ min: 2 * HOUR, max: 4 * HOUR }),
      length: fc.integer({ min: HOUR, max: 2 * HOUR }),
      duration: fc.integer({ min: 900, max: 2700 }),
    }),
    { nil: undefined },
  ),
  fixed: fc.array(fc.boolean(), { maxLength: 2 }),
});

export interface DayShape {
  readonly minPickups?: number;
  readonly maxVehicles?: number;
  /** Whether some stops are already done or locked (default true). */
  readonly fixedStops?: boolean;
}

/**
 * A day of 1..maxPickups pickups around Lyon, 1–5 vehicles of various sizes, skills,
 * hours and breaks, some stops already done or locked.
 */
export function dayArb(maxPickups = 80, shape: DayShape = {}): fc.Arbitrary<PlanningProblem> {
  return fc
    .record({
      depots: fc.integer({ min: 1, max: 2 }),
      vehicles: fc.array(vehicleArb, { minLength: 1, maxLength: shape.maxVehicles ?? 5 }),
      pickups: fc.array(pickupArb, {
        minLength: shape.minPickups ?? 1,
        maxLength: maxPickups,
        size: 'max',
      }),
    })
    .map(({ depots, vehicles, pickups }) =>
      buildDay(
        depots,
        shape.fixedStops === false ? vehicles.map((v) => ({ ...v, fixed: [] })) : vehicles,
        pickups,
      ),
    );
}

type PickupDraft = typeof pickupArb extends fc.Arbitrary<infer T> ? T : never;
type VehicleDraft = typeof vehicleArb extends fc.Arbitrary<infer T> ? T : never;

function buildDay(
  depotCount: number,
  vehicleDrafts: VehicleDraft[],
  pickupDrafts: PickupDraft[],
): PlanningProblem {
  const depots = Array.from({ length: depotCount }, (_, i) => ({
    id: `depot-${i}`,
    location: { lat: CENTRE.lat + 0.05 * i, lon: CENTRE.lon - 0.04 * i },
  }));
  const pickups: Pickup[] = pickupDrafts.map((p, j) => ({
    id: `pickup-${j}`,
    location: { lat: CENTRE.lat + p.dLat, lon: CENTRE.lon + p.dLon },
    serviceDuration: p.service,
    demand: { kg: p.kg, m3: p.m3, crates: p.crates, tailLiftPlaces: p.tailLiftPlaces },
    requiredSkills: p.skills,
    timeWindows: p.windows.map((w) => ({ start: w.start, end: w.start + w.length })),
  }));
  // The first pickups may serve as stops already done or locked, one vehicle after another.
  let next = 0;
  const vehicles: Vehicle[] = vehicleDrafts.map((v, k) => {
    const start = v.start;
    const end = v.start + v.length;
    let brk: Vehicle['break'];
    if (v.break) {
      const bStart = start + v.break.offset;
      const bEnd = Math.min(bStart + v.break.length, end - HOUR);
      if (bEnd - bStart >= 600)
        brk = {
          window: { start: bStart, end: bEnd },
          duration: Math.min(v.break.duration, bEnd - bStart),
        };
    }
    const fixedStops: FixedStop[] = [];
    let doneSoFar = true;
    v.fixed.forEach((done, i) => {
      if (next >= pickups.length - 1) return;
      const j = next++;
      const isDone = done && doneSoFar;
      if (!isDone) doneSoFar = false;
      const small: Load = { kg: 10 };
      // A locked stop keeps the whole day as its window and a small load, so that the
      // fixed part alone never breaks a rule (that case is an input error, tested apart).
      pickups[j] = {
        ...pickups[j]!,
        demand: small,
        requiredSkills: [],
        timeWindows: [{ start: 0, end: 24 * HOUR }],
        serviceDuration: 300,
      };
      fixedStops.push(
        isDone
          ? { pickupId: pickups[j].id, departedAt: start + 1200 * (i + 1), collected: small }
          : { pickupId: pickups[j].id },
      );
    });
    return {
      id: `vehicle-${k}`,
      depotId: depots[Math.min(v.depot, depotCount - 1)]!.id,
      capacity: { kg: v.kg, m3: v.m3, crates: v.crates, tailLiftPlaces: v.tailLiftPlaces },
      skills: v.skills,
      workingHours: { start, end },
      ...(brk ? { break: brk } : {}),
      ...(fixedStops.length > 0 ? { fixedStops } : {}),
    };
  });
  return { depots, vehicles, pickups };
}
