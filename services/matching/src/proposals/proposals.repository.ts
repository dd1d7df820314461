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
 * The open needs that may reach the good, found by the indexes on open needs alone (see
 * search-nearest.migration.ts): for an aid, the needs of its own class, then those of the
 * class above it (unless that is its own), for a lot those in its unit; of all these,
 * only those whose reach holds the good's point. The branches never find the same need
 * twice. Only what ranks a need is read here; whether it fits is for FITS, whole, to say.
 */
const REACHING = sql`
  SELECT n.id, n.seq, n.urgency, n.social_priority, n.registered_ms FROM need n
   WHERE g.kind = 'item' AND n.status = 'open' AND n.kind = 'medical-aid'
     AND n.iso_class = g.iso_class
     AND need_reach(n.search_latitude, n.search_longitude, n.max_distance_km) @> g.earth
  UNION ALL
  SELECT n.id, n.seq, n.urgency, n.social_priority, n.registered_ms FROM need n
   WHERE g.kind = 'item' AND n.status = 'open' AND n.kind = 'medical-aid'
     AND n.iso_class = left(g.iso_class, 5) AND n.iso_class <> g.iso_class
     AND need_reach(n.search_latitude, n.search_longitude, n.max_distance_km) @> g.earth
  UNION ALL
  SELECT n.id, n.seq, n.urgency, n.social_priority, n.registered_ms FROM need n
   WHERE g.kind = 'lot' AND n.status = 'open' AND n.kind = 'material'
     AND n.unit = g.unit
     AND need_reach(n.search_latitude, n.search_longitude, n.max_distance_km) @> g.earth`;

const CANDIDATE = sql`
  n.id AS need_id, n.seq::text AS seq, n.kind, n.urgency, n.social_priority,
  n.registered_at, n.beneficiary_ref, n.organisation_id, ${KM} AS km`;

/** Every open need the good fits. */
function fitting(goodId: string): RawBuilder<CandidateRow> {
  return sql<CandidateRow>`
    SELECT ${CANDIDATE}
      FROM catalogue_good g
      CROSS JOIN LATERAL (${REACHING}) r
      JOIN need n ON n.id = r.id
     WHERE g.good_id = ${goodId} AND ${FITS}`;
}

/**
 * The first `limit` open needs the good fits, by `score` (highest first, then the first
 * registered). The needs that may reach the good are put in that order first, from the
 * index alone, and only then read whole and checked against the constraints (a dozen
 * sizes and features read from JSON, the distance measured), in that order until `limit`
 * fit: a few dozen needs read and checked rather than every need in reach. The OFFSET 0
 * keeps PostgreSQL from checking them all before the sort; the order is asked again after
 * the check, which costs nothing when the needs are read one by one in it, and keeps the
 * line right whatever join PostgreSQL chooses.
 */
function bestFitting(
  goodId: RawBuilder<unknown>,
  score: RawBuilder<unknown>,
  limit: RawBuilder<unknown>,
): RawBuilder<CandidateRow> {
  return sql<CandidateRow>`
    SELECT ${CANDIDATE}
      FROM catalogue_good g
      CROSS JOIN LATERAL (
        SELECT n.*, r.score FROM (
          SELECT n.id, n.seq, ${score} AS score FROM (${REACHING}) n
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
 * The score `rank` (ranking.ts) gives a need at `nowMs`: waiting counted in whole days
 * from the millisecond of registration as JavaScript reads it, in double precision, as
 * JavaScript computes it, operation for operation, so that the same numbers come out
 * (registered_ms: need-score.migration.ts).
 */
function scoreAt(nowMs: RawBuilder<unknown>): RawBuilder<unknown> {
  const waitedMs = sql`(${nowMs} - n.registered_ms)`;
  const days = sql`least(${MAX_DAYS_COUNTED}::float8, greatest(0::float8, floor(${waitedMs} / 86400000)))`;
  return sql`(CASE n.urgency ${sql.join(
    Object.entries(URGENCY_POINTS).map(
      ([level, points]) => sql`WHEN ${level} THEN ${points}::float8`,
    ),
    sql` `,
  )} END + n.social_priority * ${POINTS_PER_PRIORITY}::float8 + ${days} * ${POINTS_PER_DAY_WAITED}::float8)`;
}

/**
 * The head of a good's line as a function of the database, made from `bestFitting`'s
 * very text and named by its hash. Sent as a statement, that query was planned anew at
 * every call: 1.6 ms of the 4 it took. A PL/pgSQL function keeps its plan for the
 * session; each connection of the pool plans it a few times, then keeps one for all
 * goods. The text changes with the code (a constant of the score, a constraint), and so
 * does the name: replicas of two versions each call their own.
 *
 * It takes the good's line lock first, in the same call (one round trip fewer, and each
 * costs its own tail through the ORM). The function is VOLATILE so that its query, run
 * after the lock, sees what committed before it was granted: a STABLE one would read
 * with the snapshot taken when the call began.
 */
function bestFittingFunction(em: EntityManager): { name: string; create: string } {
  const body = inlined(
    bestFitting(sql.raw('good'), scoreAt(sql.raw('now_ms')), sql.raw('lim')).compile(db(em)),
  );
  const name = `matching_best_fitting_${createHash('sha256').update(body).digest('hex').slice(0, 16)}`;
  return {
    name,
    create: `
      CREATE OR REPLACE FUNCTION ${name}(good uuid, now_ms float8, lim bigint, line_lock text)
        RETURNS TABLE (need_id uuid, seq text, kind text, urgency text, social_priority integer,
                       registered_at timestamptz, beneficiary_ref text, organisation_id uuid,
                       km float8)
        LANGUAGE plpgsql VOLATILE AS $fn$
        #variable_conflict use_column
        BEGIN
          PERFORM pg_advisory_xact_lock(hashtext(line_lock));
          RETURN QUERY ${body};
        END $fn$`,
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
   * Makes the function `lockAndChooseHead` calls, once the migrations have run; again
   * whenever a replica starts, under a lock, so that replicas starting together do not
   * replace it at once.
   */
  async prepare(em: EntityManager): Promise<void> {
    const best = bestFittingFunction(em);
    await em.transactional(async (tx) => {
      await lockFor(tx, 'functions');
      await sql.raw(best.create).execute(db(tx));
    });
    this.best = best.name;
  }

  private best: string | undefined;

  /**
   * The `limit` open needs the good fits that `rank` (ranking.ts) puts first at `now`:
   * the same score, ties to the first registered. Only the head of the line leaves the
   * database, however many needs fit. The good's line lock (`lockGoodLine`'s) is taken
   * first and held for the rest of the transaction, since the catalogue, a new need and
   * a priority may all redraw one good's line.
   */
  async lockAndChooseHead(
    em: EntityManager,
    goodId: string,
    now: Date,
    limit: number,
  ): Promise<CandidateRow[]> {
    if (this.best === undefined) throw new Error('ProposalsRepository.prepare() was not called');
    const { rows } = await sql<CandidateRow>`
      SELECT * FROM ${sql.id(this.best)}(${goodId}::uuid, ${now.getTime()}::float8,
                                        ${limit}::bigint, ${lockName(goodLineLock(goodId))})`.execute(
      db(em),
    );
    return rows;
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

  /**
   * The good's line, whole: the old one deleted and the new one written in one statement
   * (one round trip fewer inside the line's transaction). The count of what was deleted
   * is asked before the first row is written, so the deletion always runs first, and a
   * need staying in line is written again over its own deleted row, never beside it.
   */
  async replace(
    em: EntityManager,
    goodId: string,
    line: readonly { needId: string; rank: number; distanceKm: number | null; score: Score }[],
  ): Promise<void> {
    if (line.length === 0) {
      await db(em).deleteFrom('proposal').where('good_id', '=', goodId).execute();
      return;
    }
    const rows = line.map((p) => ({
      need_id: p.needId,
      rank: p.rank,
      distance_km: p.distanceKm,
      score: p.score,
    }));
    await sql`
      WITH gone AS (DELETE FROM proposal WHERE good_id = ${goodId} RETURNING 1)
      INSERT INTO proposal (good_id, need_id, rank, distance_km, score)
      SELECT ${goodId}::uuid, l.need_id, l.rank, l.distance_km, l.score
        FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
             AS l(need_id uuid, rank integer, distance_km double precision, score jsonb)
       WHERE (SELECT count(*) FROM gone) >= 0
       ORDER BY l.rank`.execute(db(em));
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
