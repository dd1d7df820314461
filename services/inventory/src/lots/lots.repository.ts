import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { Actor } from '@boucle/contracts';
import type { EntityManager } from '@boucle/database';
import { db, type DiversionTable } from '../database/schema.js';

export interface NewDiversion {
  goodId: string;
  quantity: string;
  route: DiversionTable['route'];
  facility: string;
  automatic: boolean;
  actor: Actor;
}

/** Lots' windows, as the database's clock sees them, and where what nobody took went. */
@Injectable()
export class LotsRepository {
  /** Whether the lot's window has closed by the database's clock. */
  async isPastWindow(em: EntityManager, goodId: string): Promise<boolean> {
    const row = await db(em)
      .selectFrom('good')
      .select((eb) =>
        eb('must_be_gone_by', '<=', sql<string>`clock_timestamp()`)
          .$castTo<boolean | null>()
          .as('due'),
      )
      .where('id', '=', goodId)
      .executeTakeFirst();
    return row?.due === true;
  }

  /** Lots past their window with something still offered, the longest overdue first. */
  async overdue(em: EntityManager, limit: number): Promise<string[]> {
    const rows = await db(em)
      .selectFrom('good as g')
      .select('g.id')
      .where('g.kind', '=', 'lot')
      .where('g.must_be_gone_by', '<=', sql<string>`clock_timestamp()`)
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('stock_balance as b')
            .select(sql`1`.as('one'))
            .whereRef('b.good_id', '=', 'g.id')
            .where('b.state', '=', 'offered')
            .where('b.quantity', '>', '0'),
        ),
      )
      .orderBy('g.must_be_gone_by')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  /** The lot's new window, as the database's clock will judge it. */
  async amendWindow(
    em: EntityManager,
    goodId: string,
    window: { availableFrom: string; mustBeGoneBy: string },
  ): Promise<void> {
    await db(em)
      .updateTable('good')
      .set({ available_from: window.availableFrom, must_be_gone_by: window.mustBeGoneBy })
      .where('id', '=', goodId)
      .execute();
  }

  async insertDiversion(em: EntityManager, diversion: NewDiversion): Promise<void> {
    await db(em)
      .insertInto('diversion')
      .values({
        good_id: diversion.goodId,
        quantity: diversion.quantity,
        route: diversion.route,
        facility: diversion.facility,
        automatic: diversion.automatic,
        actor: JSON.stringify(diversion.actor),
      })
      .execute();
  }
}
