/**
 * Matching's two hot queries on a catalogue and a waiting list of realistic size: drawing
 * the line of open needs for a good that has just become available (the service's
 * `drawLines`, in a transaction, as the catalogue consumer runs it), and searching the
 * catalogue by text, ISO class and distance (the service's `search`). Each is warmed up,
 * then timed one call at a time. Prints a table, then one JSON line.
 *
 * The data is loaded by SQL straight into a database of its own (dropped at the end):
 * BENCH_GOODS catalogue goods (1,000,000) and BENCH_NEEDS open needs (100,000) around
 * the towns of Hauts-de-France. BENCH_RANKINGS and BENCH_SEARCHES say how many are timed.
 * BENCH_KEEP_DATABASE=1 keeps the database; BENCH_DATABASE=<name> times again on a kept one
 * (migrated and loaded already), without loading, and keeps it. BENCH_VERBOSE=1 lists the
 * slowest searches.
 */
import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { SearchCatalogueV1, type Actor } from '@boucle/contracts';
import { withDatabase } from '@boucle/database';
import {
  createTestDatabase,
  openTestOrm,
  percentile,
  report,
  round,
  testEnvironment,
} from '@boucle/testing';
import { CatalogueRepository } from '../src/catalogue/catalogue.repository.js';
import { CatalogueSearchRepository } from '../src/catalogue/catalogue-search.repository.js';
import { CatalogueService } from '../src/catalogue/catalogue.service.js';
import { isoClassName } from '../src/catalogue/iso-classes.js';
import { matchingMigrations } from '../src/database/migrations.js';
import { db } from '../src/database/schema.js';
import { ProposalsRepository, type CandidateRow } from '../src/proposals/proposals.repository.js';
import { rank } from '../src/proposals/ranking.js';
import { ReservationsRepository } from '../src/reservations/reservations.repository.js';
import { LINE_LENGTH, ProposalsService } from '../src/proposals/proposals.service.js';

const GOODS = Number(process.env['BENCH_GOODS'] ?? 1_000_000);
const NEEDS = Number(process.env['BENCH_NEEDS'] ?? 100_000);
const RANKINGS = Number(process.env['BENCH_RANKINGS'] ?? 300);
const SEARCHES = Number(process.env['BENCH_SEARCHES'] ?? 300);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const WARM_UP = 30;
const SITES = 400;
const TARGETS = { rankingP99Ms: 10, searchP99Ms: 30 };

const TOWNS: [string, number, number][] = [
  ['Amiens', 49.894, 2.2957],
  ['Lille', 50.6292, 3.0573],
  ['Calais', 50.9513, 1.8587],
  ['Dunkerque', 51.0343, 2.3768],
  ['Boulogne-sur-Mer', 50.7264, 1.6147],
  ['Arras', 50.291, 2.7775],
  ['Lens', 50.4329, 2.8333],
  ['Douai', 50.3714, 3.08],
  ['Valenciennes', 50.357, 3.5235],
  ['Roubaix', 50.6942, 3.1746],
  ['Beauvais', 49.4295, 2.0807],
  ['Compiègne', 49.4179, 2.8261],
  ['Saint-Quentin', 49.8465, 3.2876],
  ['Abbeville', 50.1054, 1.8332],
  ['Laon', 49.5641, 3.6199],
];
const ISO_CLASSES = [
  '04 33 06',
  '09 12 03',
  '09 33 03',
  '12 03 06',
  '12 06 06',
  '12 06 03',
  '12 22 03',
  '12 22 06',
  '12 22 18',
  '12 23 06',
  '12 31 03',
  '12 36 04',
  '12 36 12',
  '18 09 15',
  '18 12 07',
  '18 12 10',
  '18 18 06',
  '18 30 15',
];
const MAKES = [
  'Invacare',
  'Sunrise Medical',
  'Ottobock',
  'Vermeiren',
  'Drive DeVilbiss',
  'Herdegen',
  'Permobil',
  'Quickie',
  'Handicare',
  'Sofamed',
  'Küschall',
  'Identités',
];
const MODELS = [
  'Action 3',
  'Action 4 NG',
  'Eclips X4',
  'Start M6',
  'Liberty',
  'Rea Azalea',
  'F5 Corpus',
  'Nemo',
  'Birdie',
  'Alu Lite',
  'Dolomite Jazz',
  'Médicalis 90',
  'Coussin Viscoflex',
];
const MATERIALS = [
  'bois massif',
  'panneaux de particules',
  'acier',
  'aluminium',
  'verre',
  'carrelage',
  'tuiles en terre cuite',
  'plâtre',
  'laine de verre',
  'textile',
  'moquette',
  'PVC',
  'cuivre',
  'briques',
  'parquet chêne',
  'mobilier de bureau',
  'portes intérieures',
  'radiateurs fonte',
];
const LOT_UNITS = ['kg', 'm2', 'm3', 'unit', 'm'];
const SEARCHED: { text: string; isoClass: string }[] = [
  { text: 'fauteuil roulant', isoClass: '12 22' },
  { text: 'fauteuil electrique', isoClass: '12 23' },
  { text: 'fauteuil', isoClass: '12' },
  { text: 'déambulateur', isoClass: '12 06' },
  { text: 'rollator', isoClass: '12 06' },
  { text: 'lit médicalisé', isoClass: '18 12' },
  { text: 'lève-personne', isoClass: '12 36' },
  { text: 'verticalisateur', isoClass: '12 36' },
  { text: 'coussin anti-escarres', isoClass: '04 33' },
  { text: 'matelas', isoClass: '04' },
  { text: 'chaise de douche', isoClass: '09 33' },
  { text: 'canne', isoClass: '12 03' },
  { text: 'Invacare', isoClass: '12' },
  { text: 'Vermeiren fauteuil', isoClass: '12 22 03' },
  { text: 'barre appui', isoClass: '18 18' },
  { text: 'rampe', isoClass: '18 30' },
  { text: 'releveur', isoClass: '18' },
  { text: 'transfert', isoClass: '12 31' },
];
const WITHIN_KM = [5, 10, 20, 30, 50];

const sqlArray = (values: readonly string[]) =>
  `ARRAY[${values.map((v) => `'${v.replaceAll("'", "''")}'`).join(',')}]::text[]`;
/** The i-th element of an SQL array, 1-based, for a 0-based index expression. */
const pick = (array: string, index: string) => `(${array})[1 + (${index}) % cardinality(${array})]`;

/** A deterministic pseudo-random figure in [0, 1) from a row number and a salt. */
const rnd = (i: string, salt: number) =>
  `((hashint4((${i})::int # ${salt}) & 2147483647)::float8 / 2147483648.0)`;

async function load(client: pg.Client): Promise<void> {
  await client.query(`SET maintenance_work_mem = '512MB'`);
  await client.query(`SET synchronous_commit = off`);
  // The indexes are built once, after the rows, as a restore would: faster than row by row.
  const { rows: indexes } = await client.query<{ name: string; def: string }>(`
    SELECT i.indexname AS name, i.indexdef AS def
      FROM pg_indexes i
      JOIN pg_class c ON c.relname = i.indexname
      LEFT JOIN pg_constraint k ON k.conindid = c.oid
     WHERE i.schemaname = 'public' AND i.tablename IN ('catalogue_good', 'need') AND k.oid IS NULL`);
  for (const index of indexes)
    await client.query(`DROP INDEX ${client.escapeIdentifier(index.name)}`);

  const towns = TOWNS.map(([name, lat, lon]) => `('${name}', ${lat}, ${lon})`).join(',');
  await client.query(`
    CREATE TEMP TABLE town (n serial, name text, latitude float8, longitude float8);
    INSERT INTO town (name, latitude, longitude) VALUES ${towns};
    CREATE TEMP TABLE site AS
      SELECT s AS n, gen_random_uuid() AS site_id, gen_random_uuid() AS organisation_id,
             t.name AS locality,
             -- a few sites were never given a position: their goods fit nobody
             CASE WHEN s % 50 = 0 THEN NULL ELSE t.latitude + (${rnd('s', 1)} - 0.5) * 0.25 END AS latitude,
             CASE WHEN s % 50 = 0 THEN NULL ELSE t.longitude + (${rnd('s', 2)} - 0.5) * 0.35 END AS longitude
        FROM generate_series(0, ${SITES - 1}) s
        JOIN town t ON t.n = 1 + s % ${TOWNS.length};
    INSERT INTO catalogue_site (site_id, organisation_id, kind, locality, latitude, longitude)
      SELECT site_id, organisation_id, 'depot', locality, latitude, longitude FROM site;`);

  const isoClasses = sqlArray(ISO_CLASSES);
  const categories = sqlArray(ISO_CLASSES.map((c) => isoClassName(c) ?? ''));
  const classIndex = `floor(${rnd('i', 3)} * ${ISO_CLASSES.length})::int`;
  await client.query(`
    INSERT INTO catalogue_good (
      good_id, kind, unit, described_version, described_at, described_site_id,
      offered_organisation_id, iso_class, category, make, model, material_family,
      condition_grade, estimated, attributes, available_from, must_be_gone_by,
      available_quantity, site_id, organisation_id, locality, latitude, longitude, listed)
    SELECT gen_random_uuid(), g.kind,
           CASE WHEN g.kind = 'item' THEN 'unit' ELSE ${pick(sqlArray(LOT_UNITS), 'i')} END,
           1, now() - ${rnd('i', 4)} * interval '365 days', s.site_id,
           CASE WHEN g.kind = 'lot' THEN s.organisation_id END,
           CASE WHEN g.kind = 'item' THEN (${isoClasses})[1 + g.c] END,
           CASE WHEN g.kind = 'item' THEN (${categories})[1 + g.c] END,
           CASE WHEN g.kind = 'item' THEN ${pick(sqlArray(MAKES), `(i / 7)`)} END,
           CASE WHEN g.kind = 'item' THEN ${pick(sqlArray(MODELS), `(i / 3)`)} END,
           CASE WHEN g.kind = 'lot' THEN ${pick(sqlArray(MATERIALS), `(i / 11)`)} END,
           (ARRAY['A','B','C','D'])[1 + floor(${rnd('i', 5)} * 4)::int],
           g.kind = 'lot' AND i % 3 = 0,
           CASE WHEN g.kind = 'item' THEN jsonb_build_object(
             'seatWidthCm', 36 + floor(${rnd('i', 6)} * 17)::int,
             'seatDepthCm', 38 + floor(${rnd('i', 7)} * 13)::int,
             'maxUserWeightKg', 100 + 10 * floor(${rnd('i', 8)} * 7)::int,
             'foldable', ${rnd('i', 9)} < 0.6,
             'electric', (${isoClasses})[1 + g.c] LIKE '12 23%')
           ELSE '{}'::jsonb END,
           CASE WHEN g.kind = 'lot' THEN now() - interval '3 days' END,
           CASE WHEN g.kind = 'lot' THEN
             CASE WHEN i % 10 = 0 THEN now() - interval '1 day'
                  WHEN i % 10 < 3 THEN NULL
                  ELSE now() + ${rnd('i', 10)} * interval '60 days' END END,
           CASE WHEN g.kind = 'item' THEN 1 ELSE round((1 + ${rnd('i', 11)} * 500)::numeric, 3) END,
           s.site_id, s.organisation_id, s.locality, s.latitude, s.longitude,
           -- some were held or handed over since: no longer listed
           i % 12 <> 0
      FROM (SELECT i, CASE WHEN i % 10 < 7 THEN 'item' ELSE 'lot' END AS kind, ${classIndex} AS c
              FROM generate_series(1, ${GOODS}) i) g
      JOIN site s ON s.n = floor(${rnd('i', 12)} * ${SITES})::int`);

  // Open needs, and a tenth as many closed ones as history.
  const total = Math.round(NEEDS * 1.1);
  await client.query(`
    INSERT INTO beneficiary (ref, registered_by)
      SELECT 'ben-' || i, 'bench' FROM generate_series(1, ${total}) i WHERE i % 4 <> 0`);
  const needClass = `(${isoClasses})[1 + floor(${rnd('i', 13)} * ${ISO_CLASSES.length})::int]`;
  await client.query(`
    INSERT INTO need (
      id, kind, status, beneficiary_ref, organisation_id, registered_by, iso_class, constraints,
      material_family, quantity, unit, min_condition_grade, urgency, deadline,
      search_latitude, search_longitude, locality, max_distance_km, social_priority,
      registered_at, closed_at)
    SELECT gen_random_uuid(), n.kind, n.status,
           CASE WHEN n.kind = 'medical-aid' THEN 'ben-' || i END,
           gen_random_uuid(), 'bench',
           -- most ask for a class, some for a subclass
           CASE WHEN n.kind = 'medical-aid' THEN
             CASE WHEN i % 3 = 0 THEN ${needClass} ELSE left(${needClass}, 5) END END,
           CASE WHEN n.kind = 'medical-aid' THEN
             jsonb_strip_nulls(jsonb_build_object(
               'seatWidthCm', CASE WHEN i % 2 = 0 THEN jsonb_build_object('min', 38 + i % 6) END,
               'userWeightKg', CASE WHEN i % 3 = 1 THEN 70 + i % 50 END,
               'foldable', CASE WHEN i % 5 = 0 THEN true END))
           ELSE '{}'::jsonb END,
           CASE WHEN n.kind = 'material' THEN ${pick(sqlArray(MATERIALS), 'i / 5')} END,
           CASE WHEN n.kind = 'material' THEN 1 + i % 200 END,
           CASE WHEN n.kind = 'material' THEN ${pick(sqlArray(LOT_UNITS), 'i')} END,
           CASE WHEN n.kind = 'material' THEN (ARRAY['A','B','C','D'])[1 + i % 4] END,
           (ARRAY['routine','routine','routine','soon','soon','urgent'])[1 + i % 6],
           CASE WHEN n.kind = 'material' THEN now() + (${rnd('i', 14)} * 90 - 5) * interval '1 day' END,
           round((t.latitude + (${rnd('i', 15)} - 0.5) * 0.3)::numeric, 2)::float8,
           round((t.longitude + (${rnd('i', 16)} - 0.5) * 0.4)::numeric, 2)::float8,
           t.name, (ARRAY[10, 20, 30, 30, 30, 50])[1 + i % 6],
           CASE WHEN i % 17 = 0 THEN 1 + i % 3 ELSE 0 END,
           now() - ${rnd('i', 17)} * interval '500 days',
           CASE WHEN n.status <> 'open' THEN now() - interval '1 day' END
      FROM (SELECT i, CASE WHEN i % 4 = 0 THEN 'material' ELSE 'medical-aid' END AS kind,
                   CASE WHEN i % 11 = 5 THEN 'fulfilled' ELSE 'open' END AS status
              FROM generate_series(1, ${total}) i) n
      JOIN town t ON t.n = 1 + floor(${rnd('i', 18)} * ${TOWNS.length})::int`);
  for (const index of indexes) await client.query(index.def);
  await client.query(`VACUUM ANALYZE catalogue_good`);
  await client.query(`VACUUM ANALYZE need`);
  // A gigabyte just loaded is still being written out by the next checkpoints, and commits
  // timed meanwhile wait on those writes: the load is written out first.
  try {
    await client.query(`CHECKPOINT`);
  } catch (error) {
    console.error(
      `no checkpoint after the load (${String(error)}): the first timings may wait on its writes`,
    );
  }
  await client.query(`VACUUM ANALYZE beneficiary`);
}

/** Deterministic choices, so that two runs time the same calls. */
function chooser(seed: number) {
  let state = seed;
  return {
    next(): number {
      state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
      return state / 2_147_483_648;
    },
    of<T>(values: readonly T[]): T {
      return values[Math.floor(this.next() * values.length)]!;
    },
  };
}

/** A measure's latencies, round by round. */
type Rounds = number[][];

/**
 * A measure warmed up, then timed one call at a time in ROUNDS rounds of its own. The
 * machine is shared with others: a moment when it stalls spoils the p99 of one round,
 * not the figure, which is the median round's. Measures run one after the other, not in
 * turns: each query's pages would otherwise push the other's out of PostgreSQL's shared
 * buffers (128 MB here, a tenth of the catalogue's indexes), and the figures would be
 * those of too small a buffer pool rather than of the queries.
 */
async function timedInRounds(calls: (() => Promise<unknown>)[]): Promise<Rounds> {
  for (const call of calls.slice(0, WARM_UP)) await call();
  const perRound = (calls.length - WARM_UP) / ROUNDS;
  const rounds: Rounds = [];
  for (let r = 0; r < ROUNDS; r++) {
    const latencies: number[] = [];
    for (const call of calls.slice(WARM_UP + r * perRound, WARM_UP + (r + 1) * perRound)) {
      const start = performance.now();
      await call();
      latencies.push(performance.now() - start);
    }
    rounds.push(latencies);
  }
  return rounds;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[(values.length - 1) >> 1]!;

const started = performance.now();
const reused = process.env['BENCH_DATABASE'];
const database = reused
  ? { name: reused, url: withDatabase(testEnvironment().postgresUrl, reused), drop: async () => {} }
  : await createTestDatabase(matchingMigrations);
const orm = await openTestOrm(database.url, { entities: [] });
try {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  let loadSeconds: number;
  let goodIds: string[];
  let counts: { goods: number; listed: number; openNeeds: number };
  try {
    const loading = performance.now();
    if (!reused) await load(client);
    loadSeconds = (performance.now() - loading) / 1000;
    // Goods that have just become available: listed, anywhere, of either kind. The same
    // ones every run: a scan of the whole table would otherwise start where the last one
    // stopped (synchronised scans), and the sample taken up to the limit would change.
    await client.query(`SET synchronize_seqscans = off`);
    ({ rows: goodIds } = await client
      .query<{ good_id: string }>(
        `SELECT good_id FROM catalogue_good TABLESAMPLE BERNOULLI (5) REPEATABLE (7)
          WHERE listed AND earth IS NOT NULL LIMIT ${RANKINGS * ROUNDS + WARM_UP}`,
      )
      .then((r) => ({ rows: r.rows.map((row) => row.good_id) })));
    const { rows } = await client.query<{ goods: string; listed: string; open: string }>(`
      SELECT (SELECT count(*) FROM catalogue_good) AS goods,
             (SELECT count(*) FROM catalogue_good WHERE listed) AS listed,
             (SELECT count(*) FROM need WHERE status = 'open') AS open`);
    counts = {
      goods: Number(rows[0]!.goods),
      listed: Number(rows[0]!.listed),
      openNeeds: Number(rows[0]!.open),
    };
  } finally {
    await client.end();
  }

  const repository = new ProposalsRepository();
  await repository.prepare(orm.em.fork());
  const proposals = new ProposalsService(orm, repository, new ReservationsRepository());
  const catalogue = new CatalogueService(
    orm,
    new CatalogueRepository(),
    new CatalogueSearchRepository(),
  );
  const actor: Actor = { userId: 'bench-1', role: 'beneficiary', organisationId: null };
  const choose = chooser(42);
  let found = 0;
  const queries = Array.from({ length: SEARCHES * ROUNDS + WARM_UP }, () => {
    const searched = choose.of(SEARCHED);
    const [, lat, lon] = choose.of(TOWNS);
    return SearchCatalogueV1.parse({
      actor,
      text: searched.text,
      isoClass: searched.isoClass,
      near: {
        latitude: round(lat + (choose.next() - 0.5) * 0.2, 4),
        longitude: round(lon + (choose.next() - 0.5) * 0.3, 4),
        withinKm: choose.of(WITHIN_KM),
      },
      // Most people take the best matches first; some the nearest.
      ...(choose.next() < 0.25 ? { sort: 'distance' as const } : {}),
    });
  });
  // The simplest query through the same pool, for what the machine's own round trips
  // cost meanwhile; the whole line drawn and committed; a search.
  const timings = {
    roundTrip: await timedInRounds(
      goodIds.map(() => async () => {
        await sql`SELECT 1`.execute(db(orm.em.fork()));
      }),
    ),
    line: await timedInRounds(
      goodIds.map((goodId) => async () => {
        await orm.em.fork().transactional((em) => proposals.drawLines(em, [goodId]));
      }),
    ),
    search: await timedInRounds(
      queries.map((query) => async () => {
        found += (await catalogue.search(query)).goods.length;
      }),
    ),
  };
  const summed = (rounds: Rounds) => {
    const p99s = rounds.map((r) => percentile(r, 99));
    return {
      p50: round(median(rounds.map((r) => percentile(r, 50))), 2),
      p99: round(median(p99s), 2),
      p99s: p99s.map((v) => round(v, 1)),
    };
  };
  const timed = {
    line: summed(timings.line),
    search: summed(timings.search),
    roundTrip: summed(timings.roundTrip),
  };

  // The line the database drew must be the one `rank` draws from every need that fits,
  // place for place and point for point: a bench of a wrong answer measures nothing.
  let lineLengths = 0;
  let fitting = 0;
  const asCandidate = (c: CandidateRow) => ({
    needId: c.need_id,
    seq: BigInt(c.seq),
    urgency: c.urgency,
    socialPriority: c.social_priority,
    registeredAt: new Date(c.registered_at),
  });
  const checked = goodIds.slice(WARM_UP);
  for (const goodId of checked) {
    const now = new Date();
    const all = await repository.candidates(orm.em.fork(), goodId);
    await orm.em.fork().transactional((em) => repository.drawLine(em, goodId, now, LINE_LENGTH));
    fitting += all.length;
    lineLengths += Math.min(all.length, LINE_LENGTH);
    const whole = rank(all.map(asCandidate), now)
      .slice(0, LINE_LENGTH)
      .map((r) => ({ needId: r.candidate.needId, rank: r.rank, score: r.score }));
    const drawn = (await repository.line(orm.em.fork(), goodId)).map((p) => ({
      needId: p.need_id,
      rank: p.rank,
      score: p.score,
    }));
    if (!isDeepStrictEqual(drawn, whole))
      throw new Error(`the line of good ${goodId} differs from rank over every need that fits`);
  }

  if (process.env['BENCH_VERBOSE']) {
    const slowestLines = timings.line
      .flat()
      .map((ms, i) => ({ ms, goodId: goodIds[WARM_UP + i]! }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 8);
    for (const { ms, goodId } of slowestLines)
      console.error(`${round(ms, 1)} ms line of ${goodId}`);
    const slowest = timings.search
      .flat()
      .map((ms, i) => ({ ms, query: queries[WARM_UP + i]! }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 8);
    for (const { ms, query } of slowest)
      console.error(`${round(ms, 1)} ms`, JSON.stringify({ ...query, actor: undefined }));
  }
  const meanFitting = round(fitting / checked.length, 1);
  const meanLineLength = round(lineLengths / checked.length, 1);
  const figures = (t: { p50: number; p99: number; p99s: number[] }) =>
    `${t.p50} / ${t.p99} ms (p99 by round: ${t.p99s.join(', ')})`;
  report(
    `matching benchmark (${counts.goods.toLocaleString('en-US')} goods, ${counts.openNeeds.toLocaleString('en-US')} open needs, loaded in ${round(loadSeconds, 0)} s; median of ${ROUNDS} rounds)`,
    [
      [
        `line of needs for a new good, p50 / p99 (${RANKINGS} goods a round, ${meanLineLength} in line of ${round(meanFitting, 0)} fitting)`,
        `${figures(timed.line)}; target p99 ≤ ${TARGETS.rankingP99Ms}`,
      ],
      [
        `search text + class + distance, p50 / p99 (${SEARCHES} queries a round)`,
        `${figures(timed.search)}; target p99 ≤ ${TARGETS.searchP99Ms}`,
      ],
      ['  goods found per page, mean', `${round(found / queries.length, 1)}`],
      ['the simplest query meanwhile (SELECT 1), p50 / p99', figures(timed.roundTrip)],
    ],
    {
      benchmark: 'matching',
      goods: counts.goods,
      listedGoods: counts.listed,
      openNeeds: counts.openNeeds,
      rounds: ROUNDS,
      rankingsPerRound: RANKINGS,
      searchesPerRound: SEARCHES,
      rankingP50Ms: timed.line.p50,
      rankingP99Ms: timed.line.p99,
      rankingP99MsByRound: timed.line.p99s,
      searchP50Ms: timed.search.p50,
      searchP99Ms: timed.search.p99,
      searchP99MsByRound: timed.search.p99s,
      roundTripP50Ms: timed.roundTrip.p50,
      roundTripP99Ms: timed.roundTrip.p99,
      meanFitting,
      meanLineLength,
      meanGoodsFound: round(found / queries.length, 1),
      loadSeconds: round(loadSeconds, 0),
      totalSeconds: round((performance.now() - started) / 1000, 0),
      targets: TARGETS,
    },
  );
} finally {
  await orm.close(true);
  if (reused || process.env['BENCH_KEEP_DATABASE']) console.error(`kept database ${database.name}`);
  else await database.drop();
}
