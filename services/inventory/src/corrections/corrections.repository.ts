import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import type { Actor } from '@boucle/contracts';
import type { EntityManager } from '@boucle/database';
import { db, type CorrectionKind, type CorrectionReason } from '../database/schema.js';

export interface NewCorrection {
  id: string;
  goodId: string;
  organisationId: string;
  kind: Exclude<CorrectionKind, 'weight'>;
  reason: CorrectionReason;
  movementId: string;
  actor: Actor;
}

/** Corrections: the movements they appended, and the weighed masses they changed. */
@Injectable()
export class CorrectionsRepository {
  async insert(em: EntityManager, c: NewCorrection): Promise<void> {
    await db(em)
      .insertInto('correction')
      .values({
        id: c.id,
        good_id: c.goodId,
        organisation_id: c.organisationId,
        kind: c.kind,
        reason: c.reason,
        movement_id: c.movementId,
        actor: JSON.stringify(c.actor),
      })
      .execute();
  }

  /**
   * Records a new weighed mass for the (locked) good, with the mass it had, what the change adds
   * to or takes from the mass still held (its held quantity's share, as a movement weighs it)
   * and the good's latest movement, after which movements weigh at the new mass; then sets it.
   */
  async changeWeight(
    em: EntityManager,
    c: {
      id: string;
      goodId: string;
      organisationId: string;
      weighedKg: number;
      reason: CorrectionReason;
      actor: Actor;
      leftStock: readonly string[];
    },
  ): Promise<{ before: string }> {
    const { rows } = await sql<{ before: string }>`
      INSERT INTO correction (id, good_id, organisation_id, kind, reason, weighed_kg_before,
                              weighed_kg_after, held_kg_delta, last_movement_id, actor)
      SELECT ${c.id}::uuid, g.id, ${c.organisationId}::uuid, 'weight', ${c.reason},
             coalesce(g.weighed_kg, 0), ${c.weighedKg}::numeric,
             round((${c.weighedKg}::numeric - coalesce(g.weighed_kg, 0))
               * coalesce((SELECT sum(b.quantity) FROM stock_balance b
                            WHERE b.good_id = g.id AND b.state <> ALL(${[...c.leftStock]}::text[])), 0)
               / (SELECT f.quantity FROM stock_movement f
                   WHERE f.good_id = g.id AND f.from_state IS NULL ORDER BY f.id LIMIT 1), 3),
             (SELECT max(m.id) FROM stock_movement m WHERE m.good_id = g.id),
             ${JSON.stringify(c.actor)}::jsonb
        FROM good g WHERE g.id = ${c.goodId}::uuid
      RETURNING weighed_kg_before::text AS before`.execute(db(em));
    await db(em)
      .updateTable('good')
      .set({ weighed_kg: c.weighedKg })
      .where('id', '=', c.goodId)
      .execute();
    return rows[0]!;
  }

  /** The good's latest loss not yet found again, as far as the ledger says: where and from which state. */
  async latestLoss(
    em: EntityManager,
    goodId: string,
  ): Promise<{ fromState: string; locationId: string } | undefined> {
    const row = await db(em)
      .selectFrom('correction as c')
      .innerJoin('stock_movement as m', 'm.id', 'c.movement_id')
      .select(['m.from_state', 'm.to_location_id'])
      .where('c.good_id', '=', goodId)
      .where('c.kind', '=', 'lost')
      .orderBy('m.id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row && { fromState: row.from_state!, locationId: row.to_location_id! };
  }
}
