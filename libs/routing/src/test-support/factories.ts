import { type Depot, type Pickup, type PlanningProblem, type Vehicle } from '../planner/model.js';

export const H = 3600;
export const LYON = { lat: 45.76, lon: 4.84 };

/** A point about `east` km east and `north` km north of the Lyon depot. */
export function near(east: number, north = 0): { lat: number; lon: number } {
  return {
    lat: LYON.lat + north / 111.2,
    lon: LYON.lon + east / (111.2 * Math.cos((LYON.lat * Math.PI) / 180)),
  };
}

export function depot(overrides: Partial<Depot> = {}): Depot {
  return { id: 'depot', location: LYON, ...overrides };
}

export function vehicle(overrides: Partial<Vehicle> = {}): Vehicle {
  return {
    id: 'van',
    depotId: 'depot',
    capacity: { kg: 1000, m3: 10, crates: 40, tailLiftPlaces: 2 },
    skills: [],
    workingHours: { start: 8 * H, end: 17 * H },
    ...overrides,
  };
}

export function pickup(id: string, overrides: Partial<Pickup> = {}): Pickup {
  return {
    id,
    location: near(5),
    serviceDuration: 600,
    demand: { kg: 50 },
    requiredSkills: [],
    timeWindows: [{ start: 8 * H, end: 17 * H }],
    ...overrides,
  };
}

export function day(
  vehicles: Vehicle[],
  pickups: Pickup[],
  depots: Depot[] = [depot()],
): PlanningProblem {
  return { depots, vehicles, pickups };
}
