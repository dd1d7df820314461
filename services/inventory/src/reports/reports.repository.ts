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
 * breakage), and `loss` for what a mass-balanced transformation consumed less what it produced.
 */
function withEntries(k: Kysely<InventoryDatabase>, rules: AccountingRules) {
  return k
    .with('first', (q) =>
      q
        .selectFrom('stock_movement')
        .distinctOn('good_id')
        .select(['good_id', 'quantity as initial'])
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
        .select((eb) => [
          'm.occurred_at as at',
          'g.organisation_id',
          'g.kind',
          'm.from_state',
          'm.to_state',
          movementMassKg(eb.ref('g.weighed_kg'), eb.ref('m.quantity'), eb.ref('f.initial')).as(
            'mass',
          ),
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
        .where((eb) => eb.or([eb('m.from_state', 'is not', null), eb('g.intake_id', 'is', null)])),
    )
    .with('entry', (q) =>
      q
        .selectFrom('good as g')
        .innerJoin('intake as i', 'i.id', 'g.intake_id')
        .select((eb) => [
          'i.received_at as at',
          'g.organisation_id',
          sql.lit('in').$castTo<Flow>().as('flow'),
          'i.collection_mode as label',
          eb.cast<string>('g.kind', 'text').as('kind'),
          eb.fn.coalesce('g.weighed_kg', sql.lit('0')).$castTo<string>().as('kg'),
          eb.fn.coalesce('g.weighed_kg', sql.lit('0')).$castTo<string>().as('stock_kg'),
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
            ])
            // Between two held states, or two left ones, nothing comes in or goes out.
            .whereRef('mv.from_held', '<>', 'mv.to_held'),
        ),
    );
}
