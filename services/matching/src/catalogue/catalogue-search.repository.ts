import { Injectable } from '@nestjs/common';
import { sql, type RawBuilder } from 'kysely';
import type { z } from 'zod';
import type { CatalogueGoodV1, SearchCatalogueV1 } from '@boucle/contracts';
import type { EntityManager } from '@boucle/database';
import { validation } from '../common/errors.js';
import { db } from '../database/schema.js';

type Query = z.output<typeof SearchCatalogueV1>;
type Sort = NonNullable<Query['sort']>;
type Good = z.input<typeof CatalogueGoodV1>;

interface Row {
  good_id: string;
  kind: 'item' | 'lot';
  unit: Good['unit'];
  iso_class: string | null;
  category: string | null;
  make: string | null;
  model: string | null;
  material_family: string | null;
  condition_grade: Good['conditionGrade'];
  estimated: boolean;
  attributes: Record<string, unknown>;
  available: string;
  organisation_id: string | null;
  site_id: string | null;
  locality: string | null;
  latitude: number | null;
  longitude: number | null;
  available_from: string | null;
  must_be_gone_by: string | null;
  described_at: string;
  rank: number;
  chord: number | null;
  km: number | null;
  nearest_only: boolean;
}

/** Numbers on a size: the attribute, read as a number, within the bounds. */
const SIZES = [
  'seatWidthCm',
  'seatDepthCm',
  'seatHeightCm',
  'widthCm',
  'lengthCm',
  'heightCm',
] as const;

const FRENCH = sql`'matching_french'::regconfig`;

/**
 * How many of the matches nearest the point a search by relevance within a distance
 * ranks (more when goods lie as near as the last: see `nearestFirst`): fifty pages of
 * twenty. A broad search (a whole class within 50 km of a town) matches tens of thousands
 * of goods, and ranking them all by relevance means reading every one; the nearest
 * thousand are read nearest first and ranked in a few milliseconds, and who searches
 * within a distance wants what is near first anyway. Pages end after these. The read is
 * what such a search costs: a make in a whole class ("Invacare" in class 12, one good in
 * twelve there) finds its thousand nearest among some twelve thousand goods of the class
 * in the index, about 17 ms on this machine's bench, 25 ms for two thousand.
 */
export const RELEVANCE_CANDIDATES = 1_000;

/**
 * The catalogue's searches. Only listed goods (described, with some quantity that can be
 * held) whose window has not closed are found. Text is matched by the French stemmer, the
 * class by its prefix, distance by the GiST index on the earth cubes; a page ends where
 * the next starts (a keyset, never an offset), so that a page never repeats a good or
 * skips one however the catalogue changes in between.
 */
@Injectable()
export class CatalogueSearchRepository {
  async search(
    em: EntityManager,
    q: Query,
  ): Promise<{ goods: Good[]; nextCursor: string | null; nearestOnly: boolean }> {
    const sort: Sort = q.sort ?? (q.text ? 'relevance' : q.near ? 'distance' : 'newest');
    const after = q.cursor === undefined ? undefined : cursorOf(q.cursor, sort);
    const text = q.text === undefined ? null : sql`websearch_to_tsquery(${FRENCH}, ${q.text})`;
    const point = q.near
      ? sql`geo_point(${q.near.latitude}::float8, ${q.near.longitude}::float8)`
      : null;
    const where: RawBuilder<unknown>[] = [
      sql`g.listed`,
      sql`(g.must_be_gone_by IS NULL OR g.must_be_gone_by > now())`,
    ];
    if (text) where.push(sql`g.search @@ ${text}`);
    if (q.kind) where.push(sql`g.kind = ${q.kind}`);
    if (q.isoClass) where.push(sql`g.iso_class LIKE ${`${q.isoClass}%`}`);
    if (q.materialFamily)
      where.push(
        sql`to_tsvector(${FRENCH}, coalesce(g.material_family, '')) @@ plainto_tsquery(${FRENCH}, ${q.materialFamily})`,
      );
    if (q.conditionGrades) where.push(sql`g.condition_grade = ANY(${q.conditionGrades}::text[])`);
    if (q.unit) where.push(sql`g.unit = ${q.unit}`);
    if (q.minQuantity) where.push(sql`g.available_quantity >= ${q.minQuantity}::numeric`);
    const a = q.attributes;
    if (a) {
      for (const size of SIZES) {
        const range = a[size];
        const value = sql`(g.attributes ->> ${size})::numeric`;
        if (range?.min !== undefined) where.push(sql`${value} >= ${range.min}`);
        if (range?.max !== undefined) where.push(sql`${value} <= ${range.max}`);
      }
      if (a.userWeightKg !== undefined)
        where.push(sql`(g.attributes ->> 'maxUserWeightKg')::numeric >= ${a.userWeightKg}`);
      if (a.foldable !== undefined)
        where.push(sql`(g.attributes ->> 'foldable')::boolean = ${a.foldable}`);
      if (a.electric !== undefined)
        where.push(sql`(g.attributes ->> 'electric')::boolean = ${a.electric}`);
    }
    if (point && (sort === 'distance' || q.near?.withinKm !== undefined))
      where.push(sql`g.earth IS NOT NULL`);
    // What the indexes on class and place search by, beside the exact conditions above:
    // the class as a range of codes, the disc as a cube and as a box of degrees.
    const classRange = q.isoClass ? prefixRange(q.isoClass) : undefined;
    const inClass = classRange
      ? sql`(g.iso_class COLLATE "C") >= ${classRange[0]} AND (g.iso_class COLLATE "C") < ${classRange[1]}`
      : undefined;
    const nearFirst = point !== null && sort !== 'newest' && q.near?.withinKm !== undefined;
    const inDisc: RawBuilder<unknown>[] = [];
    let inCube: RawBuilder<unknown> | undefined;
    if (point && q.near?.withinKm !== undefined) {
      const chord = sql`geo_chord_km(${q.near.withinKm}::float8)`;
      where.push(sql`(g.earth <-> ${point}) <= ${chord}`);
      inCube = sql`g.earth <@ cube_enlarge(${point}, ${chord}, 3)`;
      inDisc.push(inCube);
      // The same disc as a box of degrees, and the class as a range of codes: what the
      // index on class and place searches by. Without a distance, the class alone is
      // better found in the other indexes (the newest first, read in that order).
      const box = degreeBox(q.near.latitude, q.near.longitude, q.near.withinKm);
      if (box) {
        inDisc.push(
          sql`point(g.longitude, g.latitude) <@ box(point(${box.west}::float8, ${box.south}::float8), point(${box.east}::float8, ${box.north}::float8))`,
        );
        if (inClass) inDisc.push(inClass);
      }
    }
    // Over the table, or over the nearest candidates below, both named g.
    const rank = text ? sql`ts_rank_cd(g.search, ${text})::float8` : sql`0::float8`;
    const chord = point ? sql`(g.earth <-> ${point})` : sql`NULL::float8`;
    let order: RawBuilder<unknown>;
    let seek: RawBuilder<unknown> | undefined;
    switch (sort) {
      case 'relevance':
        // By the output column, not the expression again: the query's text is a parameter
        // each time it is written, so PostgreSQL would take two writings of the rank for
        // two expressions and compute both, for each of up to 1,000 candidates.
        order = sql`rank DESC, g.good_id`;
        if (after)
          seek = sql`(${rank} < ${after.key}::float8 OR (${rank} = ${after.key}::float8 AND g.good_id > ${after.id}::uuid))`;
        break;
      case 'distance':
        order = sql`${chord}, g.good_id`;
        if (after)
          seek = sql`(${chord} > ${after.key}::float8 OR (${chord} = ${after.key}::float8 AND g.good_id > ${after.id}::uuid))`;
        break;
      case 'newest':
        order = sql`g.described_at DESC, g.good_id`;
        if (after)
          seek = sql`(g.described_at < ${after.key}::timestamptz OR (g.described_at = ${after.key}::timestamptz AND g.good_id > ${after.id}::uuid))`;
        break;
    }
    // Within a distance, by relevance: only the nearest matches ranked (pages cut from
    // them after); by distance: the nearest after the cursor, just enough for the page.
    const chosen = nearFirst
      ? sort === 'relevance'
        ? nearestFirst([...where, inCube!], inClass, point, RELEVANCE_CANDIDATES, seek, {
            rank,
            order,
            limit: q.limit + 1,
          })
        : nearestFirst([...where, inCube!, ...(seek ? [seek] : [])], inClass, point, q.limit + 1)
      : sql`
        SELECT g.good_id, ${rank} AS rank, ${chord} AS chord, g.described_at, false AS nearest_only
          FROM catalogue_good g
         WHERE ${sql.join([...where, ...inDisc, ...(seek ? [seek] : [])], sql` AND `)}
         ORDER BY ${order}
         LIMIT ${q.limit + 1}`;
    // The page is chosen first from what the indexes hold (often without reading the
    // table), then only its goods are read whole, and put in the same order again.
    const { rows } = await sql<Row>`
      SELECT ${columns}, p.rank, p.chord, geo_km(p.chord) AS km, p.nearest_only
        FROM (${chosen}) p
        JOIN catalogue_good g ON g.good_id = p.good_id
       ORDER BY ${pageOrder[sort]}`.execute(db(em));
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return {
      goods: page.map(toGood),
      nearestOnly: rows.some((r) => r.nearest_only),
      nextCursor:
        rows.length > q.limit && last
          ? encodeCursor(
              sort,
              sort === 'relevance'
                ? last.rank
                : sort === 'distance'
                  ? last.chord!
                  : new Date(last.described_at).toISOString(),
              last.good_id,
            )
          : null,
    };
  }

  /** One good, listed or not; undefined when inventory never described it. */
  async get(em: EntityManager, goodId: string): Promise<Good | undefined> {
    const { rows } = await sql<Row>`
      SELECT ${columns}, 0::float8 AS rank, NULL::float8 AS chord, NULL::float8 AS km,
             false AS nearest_only
        FROM catalogue_good g
       WHERE g.good_id = ${goodId} AND g.described_at IS NOT NULL`.execute(db(em));
    return rows[0] && toGood(rows[0]);
  }
}

/** The order of the page's goods, by the keys their choice sorted them by. */
const pageOrder: Record<Sort, RawBuilder<unknown>> = {
  relevance: sql`p.rank DESC, p.good_id`,
  distance: sql`p.chord, p.good_id`,
  newest: sql`p.described_at DESC, p.good_id`,
};

/**
 * The `count` matches nearest the point, read nearest first from the index on class and
 * earth (search-ties.migration.ts), which stops once it has them; then, by relevance,
 * the page cut from them (`ranked`), or else all of them by distance. Only the class's
 * range of codes and the disc's cube bound that scan, never the box of degrees, whose
 * guessed selectivity would make the planner read every match instead.
 *
 * The index orders by distance alone, and hands out goods at one distance in no order of
 * its own, so the goods at the very place of the last one taken (the other goods of its
 * site) are all taken too: the candidates are the same every time, and each page, cut
 * from them by the same keyset, neither repeats nor skips one. (Goods at another place
 * exactly as far would escape this; distances are not that round.) That place is given
 * to the index as a value (`= (SELECT …)`): joined to it instead, PostgreSQL read every
 * match within the distance and compared each one's place after (70 ms for one search).
 */
function nearestFirst(
  where: readonly RawBuilder<unknown>[],
  inClass: RawBuilder<unknown> | undefined,
  point: RawBuilder<unknown>,
  count: number,
  seek?: RawBuilder<unknown>,
  ranked?: { rank: RawBuilder<unknown>; order: RawBuilder<unknown>; limit: number },
): RawBuilder<unknown> {
  const matching = sql.join(inClass ? [...where, inClass] : [...where], sql` AND `);
  return sql`
    WITH nearest AS MATERIALIZED (
      SELECT g.good_id, g.search, g.described_at, g.earth, (g.earth <-> ${point}) AS chord
        FROM catalogue_good g
       WHERE ${matching}
       ORDER BY g.earth <-> ${point}
       LIMIT ${count}),
    farthest AS (
      SELECT n.earth FROM nearest n
       WHERE (SELECT count(*) FROM nearest) = ${count}
       ORDER BY n.chord DESC LIMIT 1),
    candidates AS (
      SELECT n.good_id, n.search, n.described_at, n.chord FROM nearest n
       WHERE NOT EXISTS (SELECT FROM farthest f WHERE f.earth = n.earth)
      UNION ALL
      SELECT g.good_id, g.search, g.described_at, (g.earth <-> ${point})
        FROM catalogue_good g
       WHERE g.earth = (SELECT f.earth FROM farthest f) AND ${matching})
    ${
      ranked
        ? sql`
    SELECT g.good_id, ${ranked.rank} AS rank, g.chord, g.described_at,
           EXISTS (SELECT FROM farthest) AS nearest_only
      FROM candidates g
     ${seek ? sql`WHERE ${seek}` : sql``}
     ORDER BY ${ranked.order}
     LIMIT ${ranked.limit}`
        : sql`
    SELECT g.good_id, 0::float8 AS rank, g.chord, g.described_at, false AS nearest_only
      FROM candidates g
     ORDER BY g.chord, g.good_id
     LIMIT ${count}`
    }`;
}

/** The classes starting with `prefix`, as `[from, to)` in byte order: codes are digits and spaces. */
function prefixRange(prefix: string): [string, string] {
  const last = prefix.charCodeAt(prefix.length - 1);
  return [prefix, prefix.slice(0, -1) + String.fromCharCode(last + 1)];
}

const EARTH_KM = 6371.0088;

/**
 * Latitudes and longitudes holding every point within `km` of a point (great circle),
 * with a margin over rounding; undefined where that box would reach a pole or cross the
 * 180th meridian, which the exact measure then handles alone.
 */
function degreeBox(
  latitude: number,
  longitude: number,
  km: number,
): { south: number; north: number; west: number; east: number } | undefined {
  const r = (km / EARTH_KM) * 1.001 + 1e-7;
  const lat = (latitude * Math.PI) / 180;
  const south = lat - r;
  const north = lat + r;
  if (south <= -Math.PI / 2 || north >= Math.PI / 2) return undefined;
  const dLon = Math.asin(Math.min(1, Math.sin(r) / Math.cos(lat)));
  const west = (longitude * Math.PI) / 180 - dLon;
  const east = (longitude * Math.PI) / 180 + dLon;
  if (west <= -Math.PI || east >= Math.PI) return undefined;
  const deg = (rad: number) => (rad * 180) / Math.PI;
  return { south: deg(south), north: deg(north), west: deg(west), east: deg(east) };
}

const columns = sql`
  g.good_id, g.kind, g.unit, g.iso_class, g.category, g.make, g.model, g.material_family,
  g.condition_grade, g.estimated, g.attributes, trim_scale(g.available_quantity)::text AS available,
  g.organisation_id, g.site_id, g.locality, g.latitude, g.longitude, g.available_from,
  g.must_be_gone_by, g.described_at`;

const iso = (value: string | null) => (value === null ? null : new Date(value).toISOString());

function toGood(row: Row): Good {
  const title =
    row.kind === 'item'
      ? `${row.category ?? `ISO ${row.iso_class ?? '?'}`} · ${[row.make, row.model].filter(Boolean).join(' ')}`
      : (row.material_family ?? 'lot');
  return {
    goodId: row.good_id,
    kind: row.kind,
    title,
    isoClass: row.iso_class,
    category: row.category,
    make: row.make,
    model: row.model,
    materialFamily: row.material_family,
    conditionGrade: row.condition_grade,
    estimated: row.estimated,
    attributes: row.attributes,
    availableQuantity: row.available,
    unit: row.unit,
    organisationId: row.organisation_id,
    siteId: row.site_id,
    locality: row.locality,
    position:
      row.latitude === null || row.longitude === null
        ? null
        : { latitude: row.latitude, longitude: row.longitude },
    distanceKm: row.km === null ? null : Math.round(row.km * 1000) / 1000,
    availableFrom: iso(row.available_from),
    mustBeGoneBy: iso(row.must_be_gone_by),
    listedAt: iso(row.described_at)!,
  };
}

/**
 * A page's cursor is where its last good sorted: its rank, distance or listing time, and
 * its id for ties. Opaque to callers, and only valid for a search sorted the same way.
 */
function encodeCursor(sort: Sort, key: number | string, id: string): string {
  return Buffer.from(JSON.stringify([sort, key, id])).toString('base64url');
}

function cursorOf(cursor: string, sort: Sort): { key: number | string; id: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (
    Array.isArray(parsed) &&
    parsed.length === 3 &&
    parsed[0] === sort &&
    (sort === 'newest'
      ? typeof parsed[1] === 'string' && !Number.isNaN(Date.parse(parsed[1]))
      : typeof parsed[1] === 'number' && Number.isFinite(parsed[1])) &&
    typeof parsed[2] === 'string' &&
    /^[0-9a-f-]{36}$/.test(parsed[2])
  ) {
    return { key: parsed[1] as number | string, id: parsed[2] };
  }
  throw validation('cursor', `not a cursor of a search sorted by ${sort}`);
}
