import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { sql, type CompiledQuery, type RawBuilder } from 'kysely';
import type { EntityManager } from '@boucle/database';
import { goodLineLock, lockFor, lockName } from '../common/locks.js';
import { db } from '../database/schema.js';
import {
  MAX_DAYS_COUNTED,
  POINTS_PER_DAY_WAITED,
  POINTS_PER_PRIORITY,
  URGENCY_ORDER,
  URGENCY_POINTS,
  type Score,
} from './ranking.js';

export interface CandidateRow {
  need_id: string;
  seq: string;
  kind: 'medical-aid' | 'material';
  urgency: 'routine' | 'soon' | 'urgent';
  social_priority: number;
  registered_at: string;
  registered_ms: string;
  beneficiary_ref: string | null;
  organisation_id: string | null;
  km: number;
}

export interface ProposalRow {
  need_id: string;
  rank: number;
  distance_km: number | null;
  score: Score;
  proposed_at: string;
  kind: 'medical-aid' | 'material';
  beneficiary_ref: string | null;
  organisation_id: string | null;
  registered_at: string;
}

const SIZES = ['seatWidthCm', 'seatDepthCm', 'seatHeightCm', 'widthCm', 'lengthCm', 'heightCm'];

/**
 * The need's search point and the good's site, apart by great circle, in kilometres:
 * `geo_km` written out. PostgreSQL never inlines that function (it is strict and `least`
 * is not), and calling it as an SQL function, twice for every need a good may fit, cost
 * a good part of drawing a line.
 */
const KM = sql`(2 * 6371.0088 * asin(least(cube_distance(geo_point(n.search_latitude, n.search_longitude), g.earth) / (2 * 6371.0088), 1)))`;

/**
 * The hard constraints, between a good `g` and a need `n`: a need fits a good or it does
 * not, whatever its score. An aid must be of the need's ISO class (or a subclass of it),
 * have every size and feature asked (an attribute the good does not state is not met),
 * and lie within the distance the beneficiary can go. A lot must be of the material, in
 * the unit, at least in the condition asked, within the area, before the deadline. A good
 * whose site has no position fits nobody: its distance cannot be checked.
 */
const FITS = sql`
  n.status = 'open' AND g.listed AND g.earth IS NOT NULL
  AND (g.must_be_gone_by IS NULL OR g.must_be_gone_by > now())
  AND ${KM} <= n.max_distance_km
  AND (
    (g.kind = 'item' AND n.kind = 'medical-aid'
      AND n.iso_class = ANY (ARRAY[g.iso_class, left(g.iso_class, 5)])
      ${sql.join(
        SIZES.flatMap((size) => [
          sql`AND (n.constraints #>> ${`{${size},min}`} IS NULL
                   OR (g.attributes ->> ${size})::numeric >= (n.constraints #>> ${`{${size},min}`})::numeric)`,
          sql`AND (n.constraints #>> ${`{${size},max}`} IS NULL
                   OR (g.attributes ->> ${size})::numeric <= (n.constraints #>> ${`{${size},max}`})::numeric)`,
        ]),
        sql` `,
      )}
      AND (n.constraints ->> 'userWeightKg' IS NULL
           OR (g.attributes ->> 'maxUserWeightKg')::numeric >= (n.constraints ->> 'userWeightKg')::numeric)
      AND (n.constraints ->> 'foldable' IS NULL
           OR (g.attributes ->> 'foldable')::boolean = (n.constraints ->> 'foldable')::boolean)
      AND (n.constraints ->> 'electric' IS NULL
           OR (g.attributes ->> 'electric')::boolean = (n.constraints ->> 'electric')::boolean))
    OR
    (g.kind = 'lot' AND n.kind = 'material'
      AND n.unit = g.unit AND n.deadline > now()
      AND g.condition_grade <= n.min_condition_grade
      AND to_tsvector('matching_french'::regconfig, coalesce(g.material_family, ''))
          @@ plainto_tsquery('matching_french'::regconfig, n.material_family))
  )`;

/**
 * The open needs of one urgency (`urgency`, an SQL text) that may reach the good, found
 * by the indexes on open needs alone (see reach-by-class.migration.ts and
 * line-by-urgency.migration.ts): for an aid, the needs of its own class, then those of
 * the class above it (unless that is its own), for a lot those in its unit; of all these,
 * only those whose reach holds the good's point. The branches never find the same need
 * twice. Only what ranks a need is read here; whether it fits is for FITS, whole, to say.
 *
 * A lot's needs are also sifted here by condition, deadline and material, from what the
 * index holds: few of the needs in a unit want a lot's material, and none a lot worse
 * than they asked, so that FITS would otherwise read hundreds of needs to find none.
 * These are FITS's own conditions, asked early: leaving them out here would change the
 * time a line takes, not the line. Needs `gf`, the good's material as words (GOOD_FAMILY).
 */
function reaching(urgency: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`
  SELECT n.id, n.seq, n.urgency, n.social_priority, n.registered_ms FROM need n
   WHERE g.kind = 'item' AND n.status = 'open' AND n.kind = 'medical-aid'
     AND n.iso_class = g.iso_class AND n.urgency = ${urgency}
     AND need_reach_in(n.iso_class || ' ' || n.urgency, n.search_latitude, n.search_longitude,
                       n.max_distance_km)
         @> point_in(g.iso_class || ' ' || ${urgency}, g.earth)
  UNION ALL
  SELECT n.id, n.seq, n.urgency, n.social_priority, n.registered_ms FROM need n
   WHERE g.kind = 'item' AND n.status = 'open' AND n.kind = 'medical-aid'
     AND n.iso_class = left(g.iso_class, 5) AND n.iso_class <> g.iso_class
     AND n.urgency = ${urgency}
     AND need_reach_in(n.iso_class || ' ' || n.urgency, n.search_latitude, n.search_longitude,
                       n.max_distance_km)
         @> point_in(left(g.iso_class, 5) || ' ' || ${urgency}, g.earth)
  UNION ALL
  SELECT n.id, n.seq, n.urgency, n.social_priority, n.registered_ms FROM need n
   WHERE g.kind = 'lot' AND n.status = 'open' AND n.kind = 'material'
     AND n.unit = g.unit AND n.urgency = ${urgency}
     AND need_reach_in(n.unit || ' ' || n.urgency, n.search_latitude, n.search_longitude,
                       n.max_distance_km)
         @> point_in(g.unit || ' ' || ${urgency}, g.earth)
     AND g.condition_grade <= n.min_condition_grade AND n.deadline > now()
     AND gf.family @@ n.material_query`;
}

/**
 * The good's material as the words FITS compares, computed once per good: OFFSET 0 keeps
 * PostgreSQL from writing it into `reaching`, where it would be computed again for every
 * need in reach.
 */
const GOOD_FAMILY = sql`
  CROSS JOIN LATERAL (
    SELECT to_tsvector('matching_french'::regconfig, coalesce(g.material_family, '')) AS family
    OFFSET 0) gf`;

const CANDIDATE = sql`
  n.id AS need_id, n.seq::text AS seq, n.kind, n.urgency, n.social_priority,
  n.registered_at, n.registered_ms, n.beneficiary_ref, n.organisation_id, ${KM} AS km`;

/** Every open need the good fits. */
function fitting(goodId: string): RawBuilder<CandidateRow> {
  return sql<CandidateRow>`
    SELECT ${CANDIDATE}
      FROM catalogue_good g
      ${GOOD_FAMILY}
      CROSS JOIN unnest(${[...URGENCY_ORDER]}::text[]) AS u(urgency)
      CROSS JOIN LATERAL (${reaching(sql.ref('u.urgency'))}) r
      JOIN need n ON n.id = r.id
     WHERE g.good_id = ${goodId} AND ${FITS}`;
}

/**
 * The first `limit` open needs of one urgency the good fits, by `score` (highest first,
 * then the first registered). The needs that may reach the good are put in that order first, from the
 * index alone, and only then read whole and checked against the constraints (a dozen
 * sizes and features read from JSON, the distance measured), in that order until `limit`
 * fit: a few dozen needs read and checked rather than every need in reach. The OFFSET 0
 * keeps PostgreSQL from checking them all before the sort; the order is asked again after
 * the check, which costs nothing when the needs are read one by one in it, and keeps the
 * line right whatever join PostgreSQL chooses.
 */
function bestFitting(
  goodId: RawBuilder<unknown>,
  urgency: RawBuilder<unknown>,
  score: RawBuilder<unknown>,
  limit: RawBuilder<unknown>,
): RawBuilder<CandidateRow> {
  return sql<CandidateRow>`
    SELECT ${CANDIDATE}
      FROM catalogue_good g
      ${GOOD_FAMILY}
      CROSS JOIN LATERAL (
        SELECT n.*, r.score FROM (
          SELECT n.id, n.seq, ${score} AS score FROM (${reaching(urgency)}) n
           ORDER BY score DESC, n.seq
          OFFSET 0) r
          JOIN need n ON n.id = r.id
         WHERE ${FITS}
         ORDER BY r.score DESC, r.seq
         LIMIT ${limit}) n
     WHERE g.good_id = ${goodId}
     ORDER BY n.score DESC, n.seq`;
}

/**
 * The parts of the score `rank` (ranking.ts) gives a need `n` at `nowMs`: waiting counted
 * in whole days from the millisecond of registration as JavaScript reads it, in double
 * precision, as JavaScript computes it, operation for operation, so that the same numbers
 * come out (registered_ms: need-score.migration.ts).
 */
function scoreParts(nowMs: RawBuilder<unknown>) {
  const waitedMs = sql`(${nowMs} - n.registered_ms)`;
  const days = sql`least(${MAX_DAYS_COUNTED}::float8, greatest(0::float8, floor(${waitedMs} / 86400000)))`;
  const urgency = sql`CASE n.urgency ${sql.join(
    Object.entries(URGENCY_POINTS).map(
      ([level, points]) => sql`WHEN ${level} THEN ${points}::float8`,
    ),
    sql` `,
  )} END`;
  const priority = sql`n.social_priority * ${POINTS_PER_PRIORITY}::float8`;
  const waiting = sql`${days} * ${POINTS_PER_DAY_WAITED}::float8`;
  return { urgency, priority, days, waiting, total: sql`(${urgency} + ${priority} + ${waiting})` };
}

/**
 * Drawing a good's line as a function of the database: its lock taken, the old line
 * deleted, and the new one written, each place with the parts of its score (`Score`) and
 * the distance to the metre, in one call. Sent as statements, the head's query was
 * planned anew at every call (1.6 ms of the 4 it took), and each round trip had its own
 * tail through the ORM. A PL/pgSQL function keeps its plans for the session: each
 * connection of the pool plans them a few times, then keeps one for all goods.
 *
 * The line is written one urgency after the other, the most urgent first (URGENCY_ORDER),
 * each with the head `bestFitting` chooses among the needs of that urgency, until the
 * line is full: every need of one urgency comes before every need of the next, so that
 * the urgent needs in reach, a sixth of them, are most often all that is read and scored.
 * The places go on from those already written.
 *
 * It is made from the queries' very text and named by its hash: the text changes with the
 * code (a constant of the score, a constraint), and so does the name, so that replicas of
 * two versions each call their own. It is VOLATILE so that its queries, run after the
 * lock, see what committed before it was granted: a STABLE one would read with the
 * snapshot taken when the call began.
 *
 * The old line is deleted before the first place is written, so that a need staying in
 * line is written again over its own deleted row, never beside it.
 */
function drawLineFunction(em: EntityManager): { name: string; create: string } {
  const parts = scoreParts(sql.raw('now_ms'));
  const writing = sql`
    INSERT INTO proposal (good_id, need_id, rank, distance_km, score)
    SELECT good, n.need_id, placed + row_number() OVER (ORDER BY n.total DESC, n.seq::bigint),
           floor(n.km * 1000 + 0.5) / 1000,
           jsonb_build_object(
             'total', n.total,
             'urgency', jsonb_build_object('level', n.urgency, 'points', n.urgency_points),
             'socialPriority', jsonb_build_object('value', n.social_priority, 'points', n.priority_points),
             'waiting', jsonb_build_object('days', n.days, 'points', n.waiting_points))
      FROM (SELECT n.*, ${parts.urgency} AS urgency_points, ${parts.priority} AS priority_points,
                   ${parts.days} AS days, ${parts.waiting} AS waiting_points, ${parts.total} AS total
              FROM (${bestFitting(sql.raw('good'), sql.raw('band_urgency'), parts.total, sql.raw('lim - placed'))}) n) n`;
  const body = inlined(writing.compile(db(em)));
  const urgencies = `ARRAY[${URGENCY_ORDER.map((u) => `'${u}'`).join(', ')}]::text[]`;
  const text = `
        #variable_conflict use_column
        DECLARE
          placed bigint := 0;
          added bigint;
          band_urgency text;
        BEGIN
          PERFORM pg_advisory_xact_lock(hashtext(line_lock));
          DELETE FROM proposal WHERE good_id = good;
          FOREACH band_urgency IN ARRAY ${urgencies} LOOP
            ${body};
            GET DIAGNOSTICS added = ROW_COUNT;
            placed := placed + added;
            EXIT WHEN placed >= lim;
          END LOOP;
          RETURN placed;
        END`;
  const name = `matching_draw_line_${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
  return {
    name,
    create: `
      CREATE OR REPLACE FUNCTION ${name}(good uuid, now_ms float8, lim bigint, line_lock text)
        RETURNS bigint LANGUAGE plpgsql VOLATILE AS $fn$${text}$fn$`,
  };
}

/** A compiled query with its parameters written in as literals (strings and numbers only). */
function inlined(query: CompiledQuery): string {
  return query.sql.replace(/\$(\d+)\b/g, (_, n: string) => {
    const value = query.parameters[Number(n) - 1];
    if (typeof value === 'number' && Number.isFinite(value)) return `(${value})`;
    if (typeof value === 'string') return `'${value.replaceAll("'", "''")}'`;
    throw new Error(`parameter $${n} of the line's query cannot be written in: ${String(value)}`);
  });
}

/** The lines of goods: which open needs fit a good, and in what order they were proposed. */
@Injectable()
export class ProposalsRepository {
  /** Every open need the good fits. */
  async candidates(em: EntityManager, goodId: string): Promise<CandidateRow[]> {
    const { rows } = await fitting(goodId).execute(db(em));
    return rows;
  }

  /**
   * Makes the function `drawLine` calls, once the migrations have run; again whenever a
   * replica starts, under a lock, so that replicas starting together do not replace it at
   * once.
   */
  async prepare(em: EntityManager): Promise<void> {
    const draw = drawLineFunction(em);
    await em.transactional(async (tx) => {
      await lockFor(tx, 'functions');
      await sql.raw(draw.create).execute(db(tx));
    });
    this.draw = draw.name;
  }

  private draw: string | undefined;

  /**
   * Draws the good's line at `now`, whole, in the caller's transaction: the `limit` open
   * needs it fits that `rank` (ranking.ts) puts first, with the same score, ties to the
   * first registered. Only the head of the line is read, however many needs fit. The
   * good's line lock (`lockGoodLine`'s) is taken first and held for the rest of the
   * transaction, since the catalogue, a new need and a priority may all redraw one good's
   * line. Answers how many needs are in line.
   */
  async drawLine(em: EntityManager, goodId: string, now: Date, limit: number): Promise<number> {
    if (this.draw === undefined) throw new Error('ProposalsRepository.prepare() was not called');
    const { rows } = await sql<{ placed: string }>`
      SELECT ${sql.id(this.draw)}(${goodId}::uuid, ${now.getTime()}::float8, ${limit}::bigint,
                                  ${lockName(goodLineLock(goodId))}) AS placed`.execute(db(em));
    return Number(rows[0]!.placed);
  }

  /** The listed goods a need fits, nearest first. */
  async goodsFitting(em: EntityManager, needId: string, limit: number): Promise<string[]> {
    const { rows } = await sql<{ good_id: string }>`
      SELECT g.good_id
        FROM need n
        JOIN catalogue_good g ON ${FITS}
       WHERE n.id = ${needId}
       ORDER BY ${KM}, g.good_id
       LIMIT ${limit}`.execute(db(em));
    return rows.map((r) => r.good_id);
  }

  async goodsProposedTo(em: EntityManager, needId: string): Promise<string[]> {
    const rows = await db(em)
      .selectFrom('proposal')
      .select('good_id')
      .where('need_id', '=', needId)
      .orderBy('good_id')
      .execute();
    return rows.map((r) => r.good_id);
  }

  async line(em: EntityManager, goodId: string): Promise<ProposalRow[]> {
    return db(em)
      .selectFrom('proposal as p')
      .innerJoin('need as n', 'n.id', 'p.need_id')
      .select([
        'p.need_id',
        'p.rank',
        'p.distance_km',
        'p.score',
        'p.proposed_at',
        'n.kind',
        'n.beneficiary_ref',
        'n.organisation_id',
        'n.registered_at',
      ])
      .where('p.good_id', '=', goodId)
      .orderBy('p.rank')
      .execute() as Promise<ProposalRow[]>;
  }

  async goodOwner(
    em: EntityManager,
    goodId: string,
  ): Promise<{ organisationId: string | null } | undefined> {
    const row = await db(em)
      .selectFrom('catalogue_good')
      .select('organisation_id')
      .where('good_id', '=', goodId)
      .where('described_at', 'is not', null)
      .executeTakeFirst();
    return row && { organisationId: row.organisation_id };
  }

  /** Answers the priority it had, or undefined for no such need. */
  async setSocialPriority(
    em: EntityManager,
    needId: string,
    priority: number,
  ): Promise<number | undefined> {
    const { rows } = await sql<{ before: number }>`
      UPDATE need n SET social_priority = ${priority}
        FROM (SELECT id, social_priority FROM need WHERE id = ${needId} FOR UPDATE) old
       WHERE n.id = old.id
      RETURNING old.social_priority AS before`.execute(db(em));
    return rows[0]?.before;
  }
}
