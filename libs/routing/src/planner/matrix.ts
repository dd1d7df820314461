import { type GeoPoint, type PlanningProblem, type TravelMatrix } from './model.js';

const EARTH_RADIUS_M = 6_371_008.8;

/** The problem's locations in matrix order: the depots, then the pickups. */
export function planningLocations(problem: PlanningProblem): GeoPoint[] {
  return [...problem.depots.map((d) => d.location), ...problem.pickups.map((p) => p.location)];
}

export interface GreatCircleOptions {
  /** Road distance over straight-line distance; 1.3 is a usual figure for French roads between towns. */
  readonly detourFactor?: number;
  /** Average speed, door to door. */
  readonly speedKmh?: number;
}

/** Haversine distance in metres. */
export function greatCircleDistance(a: GeoPoint, b: GeoPoint): number {
  const toRad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * toRad;
  const dLon = (b.lon - a.lon) * toRad;
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(a.lat * toRad) * Math.cos(b.lat * toRad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Great-circle distances times a detour factor, and travel times at an average speed. */
export function greatCircleMatrix(
  points: readonly GeoPoint[],
  options: GreatCircleOptions = {},
): TravelMatrix {
  const detour = options.detourFactor ?? 1.3;
  const speed = ((options.speedKmh ?? 30) * 1000) / 3600;
  if (!(detour >= 1)) throw new RangeError('detourFactor: must be ≥ 1');
  if (!(speed > 0)) throw new RangeError('speedKmh: must be > 0');
  const n = points.length;
  const distance = new Float64Array(n * n);
  const duration = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const d = greatCircleDistance(points[i]!, points[j]!) * detour;
      distance[i * n + j] = d;
      distance[j * n + i] = d;
      duration[i * n + j] = d / speed;
      duration[j * n + i] = d / speed;
    }
  return { size: n, distance, duration };
}

export class OsrmError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OsrmError';
  }
}

export interface OsrmOptions {
  /** The OSRM server, e.g. `http://osrm:5000`. */
  readonly baseUrl: string;
  readonly profile?: string;
  readonly timeoutMs?: number;
  /** Injected for tests; the global `fetch` otherwise. */
  readonly fetch?: typeof fetch;
  /** Used for the pairs OSRM cannot route (it answers null for them). */
  readonly fallback?: GreatCircleOptions;
}

interface OsrmTable {
  code?: string;
  message?: string;
  distances?: (number | null)[][];
  durations?: (number | null)[][];
}

/**
 * Road distances and durations from an OSRM server's `/table` service (one request;
 * OSRM's default `max-table-size` is 100 locations, so a larger day needs a server
 * started with a larger limit). Pairs OSRM cannot route fall back to the great circle.
 */
export async function fetchOsrmMatrix(
  points: readonly GeoPoint[],
  options: OsrmOptions,
): Promise<TravelMatrix> {
  const n = points.length;
  if (n === 0) return { size: 0, distance: new Float64Array(0), duration: new Float64Array(0) };
  const base = options.baseUrl.replace(/\/+$/, '');
  const coordinates = points.map((p) => `${p.lon.toFixed(6)},${p.lat.toFixed(6)}`).join(';');
  const url = `${base}/table/v1/${options.profile ?? 'driving'}/${coordinates}?annotations=distance,duration`;
  const doFetch = options.fetch ?? fetch;
  let body: OsrmTable;
  try {
    const response = await doFetch(url, {
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    body = (await response.json()) as OsrmTable;
    if (!response.ok || body.code !== 'Ok')
      throw new OsrmError(
        `OSRM table failed (HTTP ${response.status}, ${body.code ?? 'no code'}): ${body.message ?? ''}`.trim(),
      );
  } catch (error) {
    if (error instanceof OsrmError) throw error;
    throw new OsrmError(`OSRM table request to ${base} failed: ${(error as Error).message}`);
  }
  const { distances, durations } = body;
  if (
    !Array.isArray(distances) ||
    !Array.isArray(durations) ||
    distances.length !== n ||
    durations.length !== n
  )
    throw new OsrmError(`OSRM table answered without ${n}×${n} distances and durations`);
  const fallback = greatCircleMatrix(points, options.fallback);
  const distance = new Float64Array(n * n);
  const duration = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const dRow = distances[i]!;
    const tRow = durations[i]!;
    if (!Array.isArray(dRow) || !Array.isArray(tRow) || dRow.length !== n || tRow.length !== n)
      throw new OsrmError(`OSRM table row ${i} does not have ${n} values`);
    for (let j = 0; j < n; j++) {
      const d = dRow[j]!;
      const t = tRow[j]!;
      const routable =
        typeof d === 'number' && typeof t === 'number' && Number.isFinite(d) && Number.isFinite(t);
      distance[i * n + j] = routable ? Math.max(0, d) : fallback.distance[i * n + j]!;
      duration[i * n + j] = routable ? Math.max(0, t) : fallback.duration[i * n + j]!;
    }
  }
  return { size: n, distance, duration };
}

export interface TravelMatrixOptions extends GreatCircleOptions {
  /** When set, road data come from this OSRM server; otherwise great circles. */
  readonly osrmUrl?: string;
  readonly osrmProfile?: string;
  readonly fetch?: typeof fetch;
}

/** The matrix for a problem: OSRM when configured, great circle × detour otherwise. */
export async function travelMatrix(
  problem: PlanningProblem,
  options: TravelMatrixOptions = {},
): Promise<TravelMatrix> {
  const points = planningLocations(problem);
  const fallback = {
    ...(options.detourFactor !== undefined ? { detourFactor: options.detourFactor } : {}),
    ...(options.speedKmh !== undefined ? { speedKmh: options.speedKmh } : {}),
  };
  if (options.osrmUrl)
    return fetchOsrmMatrix(points, {
      baseUrl: options.osrmUrl,
      ...(options.osrmProfile !== undefined ? { profile: options.osrmProfile } : {}),
      ...(options.fetch !== undefined ? { fetch: options.fetch } : {}),
      fallback,
    });
  return greatCircleMatrix(points, fallback);
}
