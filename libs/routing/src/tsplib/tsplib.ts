import { type VrpInstance } from '../core/instance.js';

/** A CVRP instance as read from a TSPLIB / CVRPLIB file. */
export interface CvrpInstance {
  readonly name: string;
  readonly comment: string;
  /** Nodes including the depot; node 0 here is the file's first node. */
  readonly dimension: number;
  readonly capacity: number;
  /** Index (0-based) of the depot among the nodes. */
  readonly depot: number;
  readonly demands: readonly number[];
  /** Arc costs as the format defines them (rounded for EUC_2D), row-major. */
  readonly distance: Float64Array;
  readonly x?: Float64Array;
  readonly y?: Float64Array;
  /** Route length limit (DISTANCE), if any. */
  readonly distanceLimit?: number;
  readonly serviceTime: number;
  /** Fleet size (VEHICLES), if the file fixes it. */
  readonly vehicles?: number;
  /** Best known cost found in the COMMENT line, if any. */
  readonly bestKnown?: number;
}

export class TsplibError extends Error {
  constructor(
    readonly field: string,
    readonly rule: string,
  ) {
    super(`${field}: ${rule}`);
    this.name = 'TsplibError';
  }
}

const SUPPORTED_WEIGHTS = [
  'EUC_2D',
  'CEIL_2D',
  'ATT',
  'GEO',
  'EXPLICIT',
  'MAN_2D',
  'MAX_2D',
  'FLOOR_2D',
] as const;

/** Parses the text of a CVRP file in TSPLIB format (the format of CVRPLIB). */
export function parseTsplib(text: string): CvrpInstance {
  const spec = new Map<string, string>();
  const tokens: Record<string, string[]> = {};
  let section: string | null = null;
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line === 'EOF') continue;
    const header = /^([A-Z_]+)\s*:\s*(.*)$/.exec(line);
    if (header && !/_SECTION$/.test(header[1]!)) {
      spec.set(header[1]!, header[2]!.trim());
      section = null;
      continue;
    }
    const sectionMatch = /^([A-Z_]+_SECTION)\s*:?\s*(.*)$/.exec(line);
    if (sectionMatch) {
      section = sectionMatch[1]!;
      tokens[section] = [];
      if (sectionMatch[2]!) tokens[section]!.push(...sectionMatch[2].split(/\s+/));
      continue;
    }
    if (section === null)
      throw new TsplibError('file', `unexpected line outside any section: "${line.slice(0, 40)}"`);
    tokens[section]!.push(...line.split(/\s+/));
  }

  const type = spec.get('TYPE') ?? 'CVRP';
  if (!/^CVRP\b/.test(type)) throw new TsplibError('TYPE', `must be CVRP, got "${type}"`);
  const dimension = integer('DIMENSION', spec.get('DIMENSION'), 2);
  const capacity = number('CAPACITY', spec.get('CAPACITY'));
  if (!(capacity > 0)) throw new TsplibError('CAPACITY', 'must be > 0');
  const weightType = spec.get('EDGE_WEIGHT_TYPE') ?? 'EUC_2D';
  if (!(SUPPORTED_WEIGHTS as readonly string[]).includes(weightType))
    throw new TsplibError(
      'EDGE_WEIGHT_TYPE',
      `must be one of ${SUPPORTED_WEIGHTS.join(', ')}, got "${weightType}"`,
    );

  let x: Float64Array | undefined;
  let y: Float64Array | undefined;
  const coords = tokens.NODE_COORD_SECTION;
  if (coords) {
    const width = coords.length === dimension * 4 ? 4 : 3;
    if (coords.length !== dimension * width)
      throw new TsplibError('NODE_COORD_SECTION', `must list ${dimension} nodes as "id x y"`);
    x = new Float64Array(dimension);
    y = new Float64Array(dimension);
    for (let k = 0; k < dimension; k++) {
      const id = integer('NODE_COORD_SECTION', coords[k * width], 1);
      if (id < 1 || id > dimension)
        throw new TsplibError('NODE_COORD_SECTION', `node id ${id} is outside 1..${dimension}`);
      x[id - 1] = number('NODE_COORD_SECTION', coords[k * width + 1]);
      y[id - 1] = number('NODE_COORD_SECTION', coords[k * width + 2]);
    }
  }

  const demandTokens = tokens.DEMAND_SECTION;
  if (!demandTokens || demandTokens.length !== dimension * 2)
    throw new TsplibError('DEMAND_SECTION', `must list ${dimension} nodes as "id demand"`);
  const demands = new Array<number>(dimension).fill(0);
  for (let k = 0; k < dimension; k++) {
    const id = integer('DEMAND_SECTION', demandTokens[k * 2], 1);
    if (id < 1 || id > dimension)
      throw new TsplibError('DEMAND_SECTION', `node id ${id} is outside 1..${dimension}`);
    const q = number('DEMAND_SECTION', demandTokens[k * 2 + 1]);
    if (q < 0) throw new TsplibError('DEMAND_SECTION', `demand of node ${id} must be ≥ 0`);
    demands[id - 1] = q;
  }

  const depots = (tokens.DEPOT_SECTION ?? ['1', '-1']).map((t) => integer('DEPOT_SECTION', t, -1));
  const depotId = depots[0]!;
  if (depotId === undefined || depotId < 1 || depotId > dimension)
    throw new TsplibError('DEPOT_SECTION', `must name a depot in 1..${dimension}`);
  const depot = depotId - 1;

  let distance: Float64Array;
  if (weightType === 'EXPLICIT') {
    distance = explicitMatrix(
      dimension,
      spec.get('EDGE_WEIGHT_FORMAT') ?? 'FULL_MATRIX',
      tokens.EDGE_WEIGHT_SECTION,
    );
  } else {
    if (!x || !y)
      throw new TsplibError('NODE_COORD_SECTION', `is required for EDGE_WEIGHT_TYPE ${weightType}`);
    distance = coordinateMatrix(dimension, weightType, x, y);
  }

  const comment = spec.get('COMMENT') ?? '';
  const limit = spec.get('DISTANCE');
  const service = spec.get('SERVICE_TIME');
  const vehicles = spec.get('VEHICLES');
  return {
    name: spec.get('NAME') ?? '',
    comment,
    dimension,
    capacity,
    depot,
    demands,
    distance,
    ...(x && y ? { x, y } : {}),
    ...(limit !== undefined ? { distanceLimit: number('DISTANCE', limit) } : {}),
    serviceTime: service !== undefined ? number('SERVICE_TIME', service) : 0,
    ...(vehicles !== undefined ? { vehicles: integer('VEHICLES', vehicles, 1) } : {}),
    ...bestKnownFrom(comment),
  };
}

/** The best known cost in a CVRPLIB COMMENT line ("Best known solution cost: 784", "Optimal value: 784", ...). */
export function bestKnownFrom(comment: string): { bestKnown?: number } {
  const match =
    /(?:best\s+known(?:\s+solution)?(?:\s+cost)?|optimal\s+(?:value|cost)|best\s+value|optimum)\s*[:=]?\s*(\d+(?:\.\d+)?)/i.exec(
      comment,
    );
  return match ? { bestKnown: Number(match[1]!) } : {};
}

/**
 * The CVRP as a solver instance: one depot, one dimension, identical vehicles. The
 * fleet is the file's VEHICLES when given, otherwise unlimited in effect (enough
 * vehicles that the split never runs short, as in HGS: 30 % above the bin-packing
 * bound, plus three). A DISTANCE limit becomes working hours on a clock where time
 * is distance, with SERVICE_TIME at each client.
 */
export function cvrpToVrp(cvrp: CvrpInstance): VrpInstance {
  const n = cvrp.dimension;
  const clients = [];
  let total = 0;
  const hasTime = cvrp.distanceLimit !== undefined;
  const limit = cvrp.distanceLimit ?? Infinity;
  for (let i = 0; i < n; i++) {
    if (i === cvrp.depot) continue;
    total += cvrp.demands[i]!;
    clients.push({
      location: i,
      service: cvrp.serviceTime,
      demand: [cvrp.demands[i]!],
      skills: 0,
      windows: [{ open: 0, latestStart: Math.max(0, limit - cvrp.serviceTime) }],
    });
  }
  const fleet = cvrp.vehicles ?? Math.ceil((1.3 * total) / cvrp.capacity) + 3;
  const vehicle = {
    startLocation: cvrp.depot,
    endLocation: cvrp.depot,
    capacity: [cvrp.capacity],
    skills: 0,
    shiftStart: 0,
    shiftEnd: limit,
  };
  return {
    dimensions: 1,
    locations: n,
    distance: cvrp.distance,
    ...(hasTime ? { duration: cvrp.distance } : {}),
    ...(cvrp.x && cvrp.y ? { x: cvrp.x, y: cvrp.y } : {}),
    clients,
    vehicles: Array.from({ length: fleet }, () => vehicle),
    hasTime,
  };
}

function coordinateMatrix(n: number, type: string, x: Float64Array, y: Float64Array): Float64Array {
  const m = new Float64Array(n * n);
  const geo = type === 'GEO' ? geoRadians(x, y) : null;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const dx = x[i]! - x[j]!;
      const dy = y[i]! - y[j]!;
      let d: number;
      switch (type) {
        case 'EUC_2D':
          d = nint(Math.sqrt(dx * dx + dy * dy));
          break;
        case 'CEIL_2D':
          d = Math.ceil(Math.sqrt(dx * dx + dy * dy));
          break;
        case 'FLOOR_2D':
          d = Math.floor(Math.sqrt(dx * dx + dy * dy));
          break;
        case 'MAN_2D':
          d = nint(Math.abs(dx) + Math.abs(dy));
          break;
        case 'MAX_2D':
          d = Math.max(nint(Math.abs(dx)), nint(Math.abs(dy)));
          break;
        case 'ATT': {
          const r = Math.sqrt((dx * dx + dy * dy) / 10);
          const t = nint(r);
          d = t < r ? t + 1 : t;
          break;
        }
        default: {
          // GEO, as TSPLIB defines it (degrees.minutes, idealised Earth radius).
          const [lat, lon] = geo!;
          const q1 = Math.cos(lon[i]! - lon[j]!);
          const q2 = Math.cos(lat[i]! - lat[j]!);
          const q3 = Math.cos(lat[i]! + lat[j]!);
          d = Math.floor(6378.388 * Math.acos(0.5 * ((1 + q1) * q2 - (1 - q1) * q3)) + 1);
        }
      }
      m[i * n + j] = d;
    }
  return m;
}

function geoRadians(x: Float64Array, y: Float64Array): [Float64Array, Float64Array] {
  const toRad = (v: number): number => {
    const deg = Math.trunc(v);
    return (Math.PI * (deg + (5 * (v - deg)) / 3)) / 180;
  };
  return [x.map(toRad), y.map(toRad)];
}

function explicitMatrix(n: number, format: string, values: string[] | undefined): Float64Array {
  if (!values)
    throw new TsplibError('EDGE_WEIGHT_SECTION', 'is required for EDGE_WEIGHT_TYPE EXPLICIT');
  const w = values.map((t) => number('EDGE_WEIGHT_SECTION', t));
  const m = new Float64Array(n * n);
  let k = 0;
  const expect = (count: number): void => {
    if (w.length !== count)
      throw new TsplibError(
        'EDGE_WEIGHT_SECTION',
        `${format} for ${n} nodes needs ${count} values, got ${w.length}`,
      );
  };
  const set = (i: number, j: number): void => {
    m[i * n + j] = w[k]!;
    m[j * n + i] = w[k]!;
    k++;
  };
  switch (format) {
    case 'FULL_MATRIX':
      expect(n * n);
      for (let i = 0; i < n * n; i++) m[i] = w[i]!;
      break;
    case 'UPPER_ROW':
      expect((n * (n - 1)) / 2);
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) set(i, j);
      break;
    case 'LOWER_ROW':
      expect((n * (n - 1)) / 2);
      for (let i = 1; i < n; i++) for (let j = 0; j < i; j++) set(i, j);
      break;
    case 'UPPER_DIAG_ROW':
      expect((n * (n + 1)) / 2);
      for (let i = 0; i < n; i++) for (let j = i; j < n; j++) set(i, j);
      break;
    case 'LOWER_DIAG_ROW':
      expect((n * (n + 1)) / 2);
      for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) set(i, j);
      break;
    default:
      throw new TsplibError(
        'EDGE_WEIGHT_FORMAT',
        `must be FULL_MATRIX, UPPER_ROW, LOWER_ROW, UPPER_DIAG_ROW or LOWER_DIAG_ROW, got "${format}"`,
      );
  }
  return m;
}

/** TSPLIB's nint: the nearest integer, halves rounded up. */
function nint(v: number): number {
  return Math.floor(v + 0.5);
}

function number(field: string, token: string | undefined): number {
  const v = token === undefined ? NaN : Number(token);
  if (!Number.isFinite(v)) throw new TsplibError(field, `must be a number, got "${token ?? ''}"`);
  return v;
}

function integer(field: string, token: string | undefined, min: number): number {
  const v = number(field, token);
  if (!Number.isInteger(v) || v < min)
    throw new TsplibError(field, `must be an integer ≥ ${min}, got "${token ?? ''}"`);
  return v;
}

/**
 * Checks a CVRP solution against the file's own data (every client once, capacity,
 * route length limit) and returns its cost; throws on any violation. Written apart
 * from the solver so that a reported cost cannot come from the solver's bookkeeping.
 */
export function verifyCvrpSolution(
  cvrp: CvrpInstance,
  routes: readonly (readonly number[])[],
  unserved: readonly number[],
): number {
  if (unserved.length > 0) throw new Error(`${unserved.length} clients left unserved`);
  const n = cvrp.dimension;
  const seen = new Array<boolean>(n).fill(false);
  let cost = 0;
  for (const route of routes) {
    if (route.length === 0) continue;
    let load = 0;
    let length = 0;
    let prev = cvrp.depot;
    for (const clientIndex of route) {
      const node = clientIndex >= cvrp.depot ? clientIndex + 1 : clientIndex;
      if (node === cvrp.depot || node < 0 || node >= n || seen[node]!)
        throw new Error(`node ${node + 1} visited twice or invalid`);
      seen[node] = true;
      load += cvrp.demands[node]!;
      length += cvrp.distance[prev * n + node]! + cvrp.serviceTime;
      prev = node;
    }
    length += cvrp.distance[prev * n + cvrp.depot]!;
    if (load > cvrp.capacity + 1e-9)
      throw new Error(`a route carries ${load} > capacity ${cvrp.capacity}`);
    if (cvrp.distanceLimit !== undefined && length > cvrp.distanceLimit + 1e-6)
      throw new Error(`a route lasts ${length} > limit ${cvrp.distanceLimit}`);
    cost += length - cvrp.serviceTime * route.length;
  }
  for (let i = 0; i < n; i++)
    if (i !== cvrp.depot && !seen[i]!) throw new Error(`node ${i + 1} not visited`);
  return cost;
}
