import { Injectable } from '@nestjs/common';
import { sql, type Kysely } from 'kysely';
import type { EntityManager } from '@boucle/database';
import { db, type InventoryDatabase } from '../database/schema.js';
import { movementMassKg } from '../ledger/ledger.repository.js';

export interface ReportPeriod {
  from: string;
  to: string;
  /** One organisation's goods; the whole cluster's when null. */
  organisationId: string | null;
}

/** What the report counts, as the service decides it. */
export interface AccountingRules {
  /** States in which a good is no longer held by its member: it went out. */
  leftStock: readonly string[];
  /** Transformations whose inputs become their outputs (and loss) inside the member's stock. */
  massBalanced: readonly ('cardboard-to-litter' | 'dismantle')[];
}

/** Kilograms as a decimal string, to the gram. */
export interface TonnageRow {
  kind: string;
  kg: string;
}

export interface Tonnage {
  in: (TonnageRow & { collectionMode: string })[];
  out: (TonnageRow & { destination: string })[];
  /** Kilograms held at the period's start and end. */
  stockStartKg: string;
  stockEndKg: string;
}

type Flow = 'in' | 'out' | 'none';

/**
 * The tonnage figures, read from intakes and the ledger as one list of accounting entries. Each
 * entry is a mass at a moment that comes in, goes out or neither, with what it adds to the
 * stock held: an intake adds its whole net (its goods' weighed shares and its unsorted mass)
 * at its `received_at`; a movement between a held state and a left one adds or removes its
 * mass at its `occurred_at`. Every entry's stock change is its in less its out, so summed over
 * any period, in = stock at the end - stock at the start + out.
 */
@Injectable()
export class ReportsRepository {
  async tonnage(em: EntityManager, period: ReportPeriod, rules: AccountingRules): Promise<Tonnage> {
    const flows = await withEntries(db(em), rules)
      .selectFrom('entry as e')
      .select((eb) => [
        'e.flow',
        'e.label',
        'e.kind',
        sql<string>`sum(${eb.ref('e.kg')})::numeric(14, 3)::text`.as('kg'),
      ])
      .where('e.flow', '<>', 'none')
      // Within the cluster a transfer between members neither comes in nor goes out.
      .$if(period.organisationId === null, (q) => q.where('e.transfer', '=', false))
      .where('e.at', '>=', period.from)
      .where('e.at', '<', period.to)
      .$if(period.organisationId !== null, (q) =>
        q.where((eb) => eb.cast('e.organisation_id', 'text'), '=', period.organisationId!),
      )
      .groupBy(['e.flow', 'e.label', 'e.kind'])
      .orderBy('e.label')
      .orderBy('e.kind')
      .execute();
    const stock = await withEntries(db(em), rules)
      .selectFrom('entry as e')
      .select((eb) => [
        sql<string>`coalesce(sum(${eb.ref('e.stock_kg')}) FILTER (WHERE ${eb.ref('e.at')} < ${period.from}), 0)::numeric(14, 3)::text`.as(
          'start',
        ),
        sql<string>`coalesce(sum(${eb.ref('e.stock_kg')}) FILTER (WHERE ${eb.ref('e.at')} < ${period.to}), 0)::numeric(14, 3)::text`.as(
          'end',
        ),
      ])
      .$if(period.organisationId !== null, (q) =>
        q.where((eb) => eb.cast('e.organisation_id', 'text'), '=', period.organisationId!),
      )
      .executeTakeFirstOrThrow();
    return {
      in: flows
        .filter((r) => r.flow === 'in')
        .map((r) => ({ collectionMode: r.label, kind: r.kind, kg: r.kg })),
      out: flows
        .filter((r) => r.flow === 'out')
        .map((r) => ({ destination: r.label, kind: r.kind, kg: r.kg })),
      stockStartKg: stock.start,
      stockEndKg: stock.end,
    };
  }
}

/**
 * The accounting entries, as the CTE `entry`. A movement's label is where its mass came from or
 * went: `construction-site` for a lot offered on its site (counted in when offered, as the firm
 * holds it from then on), `return` for an aid back from its beneficiary; `reuse` on hand-over
 * or delivery (`recycling` for litter bales, which are recycled cardboard), the recorded route
 * of a diversion or of a scrapping (`disposal` when none was recorded, as for a washing batch's
 * breakage), and `loss` for what a mass-balanced transformation consumed less what it produced;
 * `correction` for stock added, removed, lost or found by a correction, and for what a new
 * weighed mass added to or took from the mass still held (at the correction, never restated
 * in earlier periods); `transfer` for custody passing between members, out of the giver and
 * into the receiver (each movement counts for the member owning its place at the time, and
 * a transfer is flagged so that the cluster's figures leave it out).
 */
function withEntries(k: Kysely<InventoryDatabase>, rules: AccountingRules) {
  return k
    .with('first', (q) =>
      q
        .selectFrom('stock_movement')
        .distinctOn('good_id')
        .select(['good_id', 'quantity as initial', 'id as first_id'])
        .where('from_state', 'is', null)
        .orderBy('good_id')
        .orderBy('id'),
    )
    .with('mv', (q) =>
      q
        .selectFrom('stock_movement as m')
        .innerJoin('good as g', 'g.id', 'm.good_id')
        .innerJoin('first as f', 'f.good_id', 'm.good_id')
        .leftJoin('transformation as t', (join) =>
          join
            .on((eb) => eb(eb.cast('t.id', 'text'), '=', eb.ref('m.cause_id')))
            .on('t.kind', 'in', [...rules.massBalanced]),
        )
        .leftJoin('scrapping as s', (join) =>
          join.on((eb) => eb(eb.cast('s.movement_id', 'text'), '=', eb.cast('m.id', 'text'))),
        )
        .leftJoin('correction as c', 'c.movement_id', 'm.id')
        .leftJoin('transfer_movement as tm', 'tm.movement_id', 'm.id')
        .leftJoin('transfer as tr', 'tr.id', 'tm.transfer_id')
        // Whose stock a movement changed: the owner of its place then, as a good may change hands.
        .innerJoin('location as ml', (join) =>
          join.on(sql<boolean>`ml.id = coalesce(m.to_location_id, m.from_location_id)`),
        )
        .innerJoin('site as ms', 'ms.id', 'ml.site_id')
        .select((eb) => [
          // Both movements of a transfer at its one moment, so that no period splits them.
          eb.fn.coalesce('tr.transferred_at', 'm.occurred_at').as('at'),
          'ms.organisation_id',
          'g.kind',
          'm.from_state',
          'm.to_state',
          movementMassKg(weighedAtMovement, eb.ref('m.quantity'), eb.ref('f.initial')).as('mass'),
          eb('tm.movement_id', 'is not', null).$castTo<boolean>().as('transfer'),
          eb('t.id', 'is not', null).$castTo<boolean>().as('transformed'),
          eb
            .and([eb('m.from_state', 'is not', null), eb('m.from_state', 'not in', rules.leftStock)])
            .$castTo<boolean>()
            .as('from_held'),
          eb
            .and([eb('m.to_state', 'is not', null), eb('m.to_state', 'not in', rules.leftStock)])
            .$castTo<boolean>()
            .as('to_held'),
          eb
            .case()
            .when('c.movement_id', 'is not', null)
            .then(sql.lit('correction'))
            .when('tm.movement_id', 'is not', null)
            .then(sql.lit('transfer'))
            .when('m.from_state', 'is', null)
            .then(
              eb
                .case()
                .when('g.available_from', 'is not', null)
                .then(sql.lit('construction-site'))
                .else(sql.lit('other'))
                .end(),
            )
            .when('m.to_state', 'not in', rules.leftStock)
            .then(sql.lit('return'))
            .when('m.to_state', 'in', ['handed-over', 'delivered'])
            .then(
              eb
                .case()
                .when(sql`${eb.ref('g.description')}->>'material'`, '=', 'litter-bale')
                .then(sql.lit('recycling'))
                .else(sql.lit('reuse'))
                .end(),
            )
            .when('m.to_state', '=', 'diverted')
            .then(
              eb.fn.coalesce(
                eb
                  .selectFrom('diversion as d')
                  .select('d.route')
                  .whereRef('d.good_id', '=', 'm.good_id')
                  .orderBy('d.id', 'desc')
                  .limit(1),
                sql.lit('recycling'),
              ),
            )
            .when('m.to_state', '=', 'scrapped')
            .then(eb.fn.coalesce('s.route', sql.lit('disposal')))
            .else(sql.lit('disposal'))
            .end()
            .$castTo<string>()
            .as('destination'),
        ])
        // An intake's goods come in with the intake, below.
        .where((eb) =>
          eb.or([
            eb('m.from_state', 'is not', null),
            eb('g.intake_id', 'is', null),
            eb('m.id', '<>', eb.ref('f.first_id')),
          ]),
        ),
    )
    .with('entry', (q) =>
      q
        .selectFrom('good as g')
        .innerJoin('intake as i', 'i.id', 'g.intake_id')
        .innerJoin('site as gs', 'gs.id', 'i.site_id')
        .select((eb) => [
          'i.received_at as at',
          'gs.organisation_id',
          sql.lit('in').$castTo<Flow>().as('flow'),
          'i.collection_mode as label',
          eb.cast<string>('g.kind', 'text').as('kind'),
          weighedAtIntake.as('kg'),
          weighedAtIntake.as('stock_kg'),
          sql.lit(false).$castTo<boolean>().as('transfer'),
        ])
        .unionAll(
          q
            .selectFrom('intake as i')
            .innerJoin('site as st', 'st.id', 'i.site_id')
            .select((eb) => [
              'i.received_at as at',
              'st.organisation_id',
              sql.lit('in').$castTo<Flow>().as('flow'),
              'i.collection_mode as label',
              sql.lit('unsorted').$castTo<string>().as('kind'),
              eb.ref('i.unsorted_kg').$castTo<string>().as('kg'),
              eb.ref('i.unsorted_kg').$castTo<string>().as('stock_kg'),
              sql.lit(false).$castTo<boolean>().as('transfer'),
            ])
            .where(sql<boolean>`${sql.ref('i.unsorted_kg')} <> 0`),
        )
        .unionAll(
          q
            .selectFrom('mv')
            .select((eb) => [
              'mv.at',
              'mv.organisation_id',
              eb
                .case()
                .when('mv.transformed', '=', true)
                .then(sql.lit('out'))
                .when('mv.to_held', '=', true)
                .then(sql.lit('in'))
                .else(sql.lit('out'))
                .end()
                .$castTo<Flow>()
                .as('flow'),
              eb
                .case()
                .when('mv.transformed', '=', true)
                .then(sql.lit('loss'))
                .else(eb.ref('mv.destination'))
                .end()
                .$castTo<string>()
                .as('label'),
              eb.cast<string>('mv.kind', 'text').as('kind'),
              // A transformation's output comes into stock from what its inputs took out of it.
              sql<string>`CASE WHEN ${eb.ref('mv.transformed')} AND ${eb.ref('mv.to_held')} THEN -${eb.ref('mv.mass')} ELSE ${eb.ref('mv.mass')} END`.as(
                'kg',
              ),
              sql<string>`CASE WHEN ${eb.ref('mv.to_held')} THEN ${eb.ref('mv.mass')} ELSE -${eb.ref('mv.mass')} END`.as(
                'stock_kg',
              ),
              'mv.transfer',
            ])
            // Between two held states, or two left ones, nothing comes in or goes out.
            .whereRef('mv.from_held', '<>', 'mv.to_held'),
        )
        .unionAll(
          q
            .selectFrom('correction as w')
            .innerJoin('good as wg', 'wg.id', 'w.good_id')
            .select((eb) => [
              'w.recorded_at as at',
              'w.organisation_id',
              sql<Flow>`CASE WHEN ${eb.ref('w.held_kg_delta')} > 0 THEN 'in' ELSE 'out' END`.as(
                'flow',
              ),
              sql.lit('correction').$castTo<string>().as('label'),
              eb.cast<string>('wg.kind', 'text').as('kind'),
              sql<string>`abs(${eb.ref('w.held_kg_delta')})`.as('kg'),
              eb.ref('w.held_kg_delta').$castTo<string>().as('stock_kg'),
              sql.lit(false).$castTo<boolean>().as('transfer'),
            ])
            .where('w.kind', '=', 'weight')
            .where(sql<boolean>`${sql.ref('w.held_kg_delta')} <> 0`),
        ),
    );
}

/**
 * The good's weighed mass when a movement was written: a weight correction changes it for the
 * movements after it only (those before keep the mass they were counted at).
 */
const weighedAtMovement = sql<string | null>`coalesce(
  (SELECT w.weighed_kg_after FROM correction w
    WHERE w.good_id = m.good_id AND w.kind = 'weight' AND w.last_movement_id < m.id
    ORDER BY w.last_movement_id DESC, w.recorded_at DESC LIMIT 1),
  (SELECT w.weighed_kg_before FROM correction w WHERE w.good_id = m.good_id AND w.kind = 'weight'
    ORDER BY w.last_movement_id, w.recorded_at LIMIT 1),
  g.weighed_kg)`;

/** The mass an intake weighed for the good, before any weight correction. */
const weighedAtIntake = sql<string>`coalesce(
  (SELECT w.weighed_kg_before FROM correction w WHERE w.good_id = g.id AND w.kind = 'weight'
    ORDER BY w.last_movement_id, w.recorded_at LIMIT 1),
  g.weighed_kg, 0)`;
