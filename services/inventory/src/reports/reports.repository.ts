import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { EntityManager } from '@boucle/database';
import { db } from '../database/schema.js';

export interface ReportPeriod {
  from: string;
  to: string;
  /** One organisation's goods; the whole cluster's when null. */
  organisationId: string | null;
}

/** Kilograms as a decimal string, to the gram. */
export interface TonnageRow {
  kind: string;
  kg: string;
}

/** The tonnage figures, read from intakes and the ledger. */
@Injectable()
export class ReportsRepository {
  /** Weighed in during the period, by collection mode and kind of good. */
  async intakeTonnage(
    em: EntityManager,
    period: ReportPeriod,
  ): Promise<(TonnageRow & { collectionMode: string })[]> {
    const rows = await db(em)
      .selectFrom('intake as i')
      .innerJoin('good as g', 'g.intake_id', 'i.id')
      .select((eb) => [
        'i.collection_mode',
        'g.kind',
        eb.cast<string>(eb.fn.sum(eb.fn.coalesce('g.weight_kg', sql.lit('0'))), 'text').as('kg'),
      ])
      .where('i.received_at', '>=', period.from)
      .where('i.received_at', '<', period.to)
      .$if(period.organisationId !== null, (q) =>
        q.where((eb) => eb.cast('g.organisation_id', 'text'), '=', period.organisationId!),
      )
      .groupBy(['i.collection_mode', 'g.kind'])
      .orderBy('i.collection_mode')
      .orderBy('g.kind')
      .execute();
    return rows.map((r) => ({ collectionMode: r.collection_mode, kind: r.kind, kg: r.kg }));
  }

  /**
   * Gone out during the period, by destination and kind of good. A movement's weight is its share
   * of the good's weighed weight: its quantity over the quantity the good entered stock with.
   */
  async outTonnage(
    em: EntityManager,
    period: ReportPeriod,
  ): Promise<(TonnageRow & { destination: string })[]> {
    return db(em)
      .with('first', (q) =>
        q
          .selectFrom('stock_movement')
          .distinctOn('good_id')
          .select(['good_id', 'quantity as initial'])
          .where('from_state', 'is', null)
          .orderBy('good_id')
          .orderBy('id'),
      )
      .selectFrom('stock_movement as m')
      .innerJoin('good as g', 'g.id', 'm.good_id')
      .innerJoin('first as f', 'f.good_id', 'm.good_id')
      .select((eb) => [
        eb
          .case()
          .when('m.to_state', 'in', ['handed-over', 'delivered'])
          .then(sql.lit('reuse'))
          .when('m.to_state', '=', 'transformed')
          .then(sql.lit('recycling'))
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
          .else(sql.lit('disposal'))
          .end()
          .$castTo<string>()
          .as('destination'),
        'g.kind',
        sql<string>`sum(coalesce(${eb.ref('g.weight_kg')}, 0) * ${eb.ref('m.quantity')} / ${eb.ref('f.initial')})::numeric(14, 3)::text`.as(
          'kg',
        ),
      ])
      .where('m.to_state', 'in', [
        'handed-over',
        'delivered',
        'transformed',
        'diverted',
        'scrapped',
        'broken',
      ])
      .where('m.occurred_at', '>=', period.from)
      .where('m.occurred_at', '<', period.to)
      // A tonne is counted once, when it leaves as what came in: bales and parts made by a
      // transformation were already counted when their inputs were transformed or scrapped.
      .where((eb) => eb.or([eb('g.intake_id', 'is not', null), eb('g.available_from', 'is not', null)]))
      .$if(period.organisationId !== null, (q) =>
        q.where((eb) => eb.cast('g.organisation_id', 'text'), '=', period.organisationId!),
      )
      .groupBy([sql`1`, sql`2`])
      .orderBy(sql`1`)
      .orderBy(sql`2`)
      .execute();
  }
}
