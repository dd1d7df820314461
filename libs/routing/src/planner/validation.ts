import { MAX_SKILLS } from '../core/instance.js';
import {
  DIMENSIONS,
  type Load,
  type PlanningProblem,
  type TimeWindow,
  type TravelMatrix,
} from './model.js';

export interface InputIssue {
  /** Where, e.g. `pickups[3].timeWindows[0].end`. */
  readonly path: string;
  readonly rule: string;
}

/** The problem cannot be planned as given; every issue names the field and the rule it breaks. */
export class PlanningInputError extends Error {
  constructor(readonly issues: readonly InputIssue[]) {
    super(issues.map((i) => `${i.path}: ${i.rule}`).join('; '));
    this.name = 'PlanningInputError';
  }
}

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Checks the shape and the rules of a problem (and of its matrix when given); throws `PlanningInputError`. */
export function validateProblem(problem: PlanningProblem, matrix?: TravelMatrix): void {
  const issues: InputIssue[] = [];
  const issue = (path: string, rule: string): void => {
    issues.push({ path, rule });
  };
  const array = (path: string, value: unknown): value is unknown[] => {
    if (!Array.isArray(value)) {
      issue(path, 'must be an array');
      return false;
    }
    return true;
  };
  const id = (path: string, value: unknown, seen: Set<string>): void => {
    if (typeof value !== 'string' || value === '') issue(path, 'must be a non-empty string');
    else if (seen.has(value)) issue(path, `"${value}" is used twice`);
    else seen.add(value);
  };
  const point = (path: string, value: unknown): void => {
    const p = value as { lat?: unknown; lon?: unknown } | null;
    if (typeof p !== 'object' || p === null) return issue(path, 'must be { lat, lon }');
    if (!isFiniteNumber(p.lat) || p.lat < -90 || p.lat > 90)
      issue(`${path}.lat`, 'must be a number in [-90, 90]');
    if (!isFiniteNumber(p.lon) || p.lon < -180 || p.lon > 180)
      issue(`${path}.lon`, 'must be a number in [-180, 180]');
  };
  const window = (path: string, value: unknown): value is TimeWindow => {
    const w = value as { start?: unknown; end?: unknown } | null;
    if (typeof w !== 'object' || w === null) {
      issue(path, 'must be { start, end }');
      return false;
    }
    if (!isFiniteNumber(w.start)) issue(`${path}.start`, 'must be a finite number of seconds');
    if (!isFiniteNumber(w.end)) issue(`${path}.end`, 'must be a finite number of seconds');
    if (isFiniteNumber(w.start) && isFiniteNumber(w.end) && w.end <= w.start) {
      issue(`${path}.end`, 'must be after start');
      return false;
    }
    return isFiniteNumber(w.start) && isFiniteNumber(w.end);
  };
  const load = (path: string, value: unknown): void => {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      return issue(path, 'must be an object of dimensions');
    for (const [key, q] of Object.entries(value as Load)) {
      if (!(DIMENSIONS as readonly string[]).includes(key))
        issue(`${path}.${key}`, `is not a dimension (${DIMENSIONS.join(', ')})`);
      else if (q !== undefined && (!isFiniteNumber(q) || q < 0))
        issue(`${path}.${key}`, 'must be a finite number ≥ 0');
    }
  };
  const skills = (path: string, value: unknown): void => {
    if (!array(path, value)) return;
    value.forEach((s, i) => {
      if (typeof s !== 'string' || s === '') issue(`${path}[${i}]`, 'must be a non-empty string');
    });
  };

  if (
    !array('depots', problem.depots) ||
    !array('vehicles', problem.vehicles) ||
    !array('pickups', problem.pickups)
  )
    throw new PlanningInputError(issues);
  if (problem.depots.length === 0) issue('depots', 'at least one depot');

  const depotIds = new Set<string>();
  problem.depots.forEach((d, i) => {
    id(`depots[${i}].id`, d.id, depotIds);
    point(`depots[${i}].location`, d.location);
  });

  const pickupIds = new Set<string>();
  const required = new Set<string>();
  problem.pickups.forEach((p, i) => {
    const path = `pickups[${i}]`;
    id(`${path}.id`, p.id, pickupIds);
    point(`${path}.location`, p.location);
    if (!isFiniteNumber(p.serviceDuration) || p.serviceDuration < 0)
      issue(`${path}.serviceDuration`, 'must be a finite number of seconds ≥ 0');
    load(`${path}.demand`, p.demand);
    skills(`${path}.requiredSkills`, p.requiredSkills);
    if (Array.isArray(p.requiredSkills))
      for (const s of p.requiredSkills as unknown[]) if (typeof s === 'string') required.add(s);
    if (array(`${path}.timeWindows`, p.timeWindows)) {
      if (p.timeWindows.length === 0) issue(`${path}.timeWindows`, 'at least one window');
      p.timeWindows.forEach((w, k) => window(`${path}.timeWindows[${k}]`, w));
    }
  });
  if (required.size > MAX_SKILLS)
    issue('pickups', `at most ${MAX_SKILLS} distinct required skills, got ${required.size}`);

  const vehicleIds = new Set<string>();
  const fixedOwner = new Map<string, string>();
  problem.vehicles.forEach((v, i) => {
    const path = `vehicles[${i}]`;
    id(`${path}.id`, v.id, vehicleIds);
    if (typeof v.depotId !== 'string' || !depotIds.has(v.depotId))
      issue(`${path}.depotId`, 'must name one of the depots');
    load(`${path}.capacity`, v.capacity);
    skills(`${path}.skills`, v.skills);
    const hours = window(`${path}.workingHours`, v.workingHours);
    if (v.break !== undefined) {
      const ok = window(`${path}.break.window`, v.break.window);
      if (!isFiniteNumber(v.break.duration) || v.break.duration <= 0)
        issue(`${path}.break.duration`, 'must be a finite number of seconds > 0');
      else if (ok && v.break.duration > v.break.window.end - v.break.window.start)
        issue(`${path}.break.duration`, 'must fit inside the break window');
      if (
        ok &&
        hours &&
        (v.break.window.end <= v.workingHours.start || v.break.window.start >= v.workingHours.end)
      )
        issue(`${path}.break.window`, 'must overlap the working hours');
    }
    if (v.fixedStops !== undefined && array(`${path}.fixedStops`, v.fixedStops)) {
      let locked = false;
      let lastDeparture = -Infinity;
      v.fixedStops.forEach((s, k) => {
        const sp = `${path}.fixedStops[${k}]`;
        if (typeof s.pickupId !== 'string' || !pickupIds.has(s.pickupId))
          issue(`${sp}.pickupId`, 'must name one of the pickups');
        else if (fixedOwner.has(s.pickupId))
          issue(
            `${sp}.pickupId`,
            `"${s.pickupId}" is already a fixed stop of vehicle "${fixedOwner.get(s.pickupId)}"`,
          );
        else fixedOwner.set(s.pickupId, String(v.id));
        if (s.departedAt !== undefined) {
          if (!isFiniteNumber(s.departedAt))
            issue(`${sp}.departedAt`, 'must be a finite number of seconds');
          else if (locked)
            issue(`${sp}.departedAt`, 'a stop already done cannot follow a locked stop not done');
          else if (s.departedAt < lastDeparture)
            issue(`${sp}.departedAt`, 'must not be before the previous stop’s');
          else lastDeparture = s.departedAt;
          if (s.collected !== undefined) load(`${sp}.collected`, s.collected);
        } else {
          locked = true;
          if (s.collected !== undefined)
            issue(
              `${sp}.collected`,
              'only a stop already done (with departedAt) has a collected load',
            );
        }
      });
    }
  });

  if (matrix !== undefined) {
    const size = problem.depots.length + problem.pickups.length;
    if (matrix.size !== size) issue('matrix.size', `must be depots + pickups = ${size}`);
    for (const key of ['distance', 'duration'] as const) {
      const m = matrix[key];
      if (!(m instanceof Float64Array) || m.length !== size * size)
        issue(`matrix.${key}`, `must be a Float64Array of ${size * size} values`);
      else if (m.some((x) => !Number.isFinite(x) || x < 0))
        issue(`matrix.${key}`, 'must hold finite values ≥ 0');
    }
  }
  if (issues.length > 0) throw new PlanningInputError(issues);
}
