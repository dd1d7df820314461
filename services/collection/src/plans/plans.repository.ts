import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { EntityManager } from '@boucle/database';
import { db } from '../database/schema.js';

export interface DayPlan {
  day: string;
  requestedRevision: number;
  plannedRevision: number;
}

/** Which plan of each day was asked for, and which one is in the rounds. */
@Injectable()
export class PlansRepository {
  /** One more plan asked for the day; returns its revision. */
  async bump(em: EntityManager, day: string): Promise<number> {
    const row = await db(em)
      .insertInto('day_plan')
      .values({ day, requested_revision: 1 })
      .onConflict((oc) =>
        oc.column('day').doUpdateSet({
          requested_revision: sql<number>`day_plan.requested_revision + 1`,
        }),
      )
      .returning('requested_revision')
      .executeTakeFirstOrThrow();
    return row.requested_revision;
  }

  async find(em: EntityManager, day: string, forUpdate = false): Promise<DayPlan | undefined> {
    const row = await db(em)
      .selectFrom('day_plan')
      .select(['day', 'requested_revision', 'planned_revision'])
      .where('day', '=', day)
      .$if(forUpdate, (q) => q.forUpdate())
      .executeTakeFirst();
    return (
      row && {
        day: String(row.day).slice(0, 10),
        requestedRevision: row.requested_revision,
        plannedRevision: row.planned_revision,
      }
    );
  }

  /** Of these days, those that have been planned once already (a change there replans them). */
  async planned(em: EntityManager, days: readonly string[]): Promise<string[]> {
    if (days.length === 0) return [];
    const rows = await db(em)
      .selectFrom('day_plan')
      .select(sql<string>`to_char(day, 'YYYY-MM-DD')`.as('day'))
      .where('day', 'in', [...days])
      .where('planned_revision', '>', 0)
      .execute();
    return rows.map((r) => r.day);
  }

  async markPlanned(em: EntityManager, day: string, revision: number): Promise<void> {
    await db(em)
      .updateTable('day_plan')
      .set({ planned_revision: revision, planned_at: sql<string>`now()` })
      .where('day', '=', day)
      .where('planned_revision', '<', revision)
      .execute();
  }
}
