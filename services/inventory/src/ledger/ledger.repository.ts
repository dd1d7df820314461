import { Injectable } from '@nestjs/common';
import { sql, type Expression, type RawBuilder } from 'kysely';
import type { Actor } from '@boucle/contracts';
import type { EntityManager } from '@boucle/database';
import { db } from '../database/schema.js';

export interface Place {
  state: string;
  locationId: string;
}

export interface Balance extends Place {
  quantity: string;
}

/** One movement as the guarded statement writes it. */
export interface MovementRecord {
  goodId: string;
  quantity: string;
  from: Place | null;
  to: Place | null;
  /** Whether the good's own state becomes `to.state`, should the taking succeed. */
  takesState: boolean;
  weightKg: number | null;
  reason: string;
  actor: Actor;
  cause: { type: 'command' | 'event' | 'job'; id: string };
  holdId: string | null;
}

export interface LedgerEntry {
  movementId: string;
  occurredAt: string;
  quantity: string;
  from: Place | null;
  to: Place | null;
  reason: string;
  actor: Actor;
  holdId: string | null;
}

/**
 * The mass a movement carries: its quantity's share of the good's weighed mass, in proportion
 * to the quantity the good entered stock with, to the gram. One expression, so that the tonnage
 * report and a transformation's mass balance weigh a movement alike.
 */
export function movementMassKg(
  weighedKg: Expression<string | null>,
  quantity: Expression<string>,
  initialQuantity: Expression<string>,
): RawBuilder<string> {
  return sql<string>`round(coalesce(${weighedKg}, 0) * ${quantity} / ${initialQuantity}, 3)`;
}

/** The stock balances and the append-only movements that change them. */
@Injectable()
export class LedgerRepository {
  /**
   * One statement, one round trip: take from the source (guarded: under concurrency the row
   * lock serialises takers and the loser matches no row), add to the destination, record the
   * movement and the good's state, all only if the taking succeeded. Returns nothing when the
   * source did not hold enough.
   */
  async append(
    em: EntityManager,
    m: MovementRecord,
  ): Promise<{ movementId: string; remaining: string | null } | undefined> {
    const taken = m.from
      ? sql`UPDATE stock_balance SET quantity = quantity - ${m.quantity}
             WHERE good_id = ${m.goodId} AND state = ${m.from.state}
               AND location_id = ${m.from.locationId} AND quantity >= ${m.quantity}
             RETURNING quantity AS remaining`
      : sql`SELECT NULL::numeric AS remaining`;
    const puts = m.to !== null;
    const { rows } = await sql<{ movementId: string; remaining: string | null }>`
      WITH taken AS (${taken}),
      put AS (
        INSERT INTO stock_balance (good_id, state, location_id, quantity)
        SELECT ${m.goodId}::uuid, ${m.to?.state ?? null}::text, ${m.to?.locationId ?? null}::uuid,
               ${m.quantity}::numeric
          FROM taken WHERE ${puts}::boolean
        ON CONFLICT (good_id, state, location_id)
        DO UPDATE SET quantity = stock_balance.quantity + EXCLUDED.quantity
      ),
      state AS (
        UPDATE good SET state = ${m.to?.state ?? null}::text
         WHERE id = ${m.goodId}::uuid AND ${puts}::boolean
           AND EXISTS (SELECT 1 FROM taken WHERE ${m.takesState}::boolean OR remaining = 0)
      )
      INSERT INTO stock_movement
        (good_id, quantity, from_state, from_location_id, to_state, to_location_id,
         weight_kg, reason, actor, cause_type, cause_id, hold_id)
      SELECT ${m.goodId}::uuid, ${m.quantity}::numeric,
             ${m.from?.state ?? null}::text, ${m.from?.locationId ?? null}::uuid,
             ${m.to?.state ?? null}::text, ${m.to?.locationId ?? null}::uuid,
             ${m.weightKg}::numeric, ${m.reason}, ${JSON.stringify(m.actor)}::jsonb,
             ${m.cause.type}, ${m.cause.id}, ${m.holdId}::uuid
        FROM taken
      RETURNING id::text AS "movementId", (SELECT remaining::text FROM taken) AS remaining`.execute(
      db(em),
    );
    return rows[0];
  }

  /** Where the good's stock is: every balance above zero, optionally of one state. */
  async balances(em: EntityManager, goodId: string, state?: string): Promise<Balance[]> {
    const rows = await db(em)
      .selectFrom('stock_balance')
      .select(['state', 'location_id', 'quantity'])
      .where('good_id', '=', goodId)
      .where('quantity', '>', '0')
      .$if(state !== undefined, (q) => q.where('state', '=', state!))
      .orderBy('state')
      .orderBy('location_id')
      .execute();
    return rows.map((r) => ({ state: r.state, locationId: r.location_id, quantity: r.quantity }));
  }

  /** The quantity at one place, if the good ever had stock there. */
  async quantityAt(em: EntityManager, goodId: string, place: Place): Promise<string | undefined> {
    const row = await db(em)
      .selectFrom('stock_balance')
      .select('quantity')
      .where('good_id', '=', goodId)
      .where('state', '=', place.state)
      .where('location_id', '=', place.locationId)
      .executeTakeFirst();
    return row?.quantity;
  }

  /** The place in one of these states holding the most, if any holds at least `quantity`. */
  async largestAtLeast(
    em: EntityManager,
    goodId: string,
    states: readonly string[],
    quantity: string,
  ): Promise<Place | undefined> {
    const row = await db(em)
      .selectFrom('stock_balance')
      .select(['state', 'location_id'])
      .where('good_id', '=', goodId)
      .where('state', 'in', states)
      .where('quantity', '>=', quantity)
      .orderBy('quantity', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row && { state: row.state, locationId: row.location_id };
  }

  /** The mass, in kilograms, that a movement of `quantity` of the good carries. */
  async massOf(em: EntityManager, goodId: string, quantity: string): Promise<number> {
    const row = await db(em)
      .selectFrom('stock_movement as f')
      .innerJoin('good as g', 'g.id', 'f.good_id')
      .select((eb) =>
        movementMassKg(eb.ref('g.weighed_kg'), eb.val(quantity), eb.ref('f.quantity'))
          .$castTo<string>()
          .as('kg'),
      )
      .where('f.good_id', '=', goodId)
      .where('f.from_state', 'is', null)
      .orderBy('f.id')
      .limit(1)
      .executeTakeFirst();
    return Number(row?.kg ?? 0);
  }

  /** Every movement of the good, in the order it was written. */
  async history(em: EntityManager, goodId: string): Promise<LedgerEntry[]> {
    const rows = await db(em)
      .selectFrom('stock_movement')
      .selectAll()
      .where('good_id', '=', goodId)
      .orderBy('id')
      .execute();
    return rows.map((m) => ({
      movementId: m.id,
      occurredAt: m.occurred_at,
      quantity: m.quantity,
      from: m.from_state ? { state: m.from_state, locationId: m.from_location_id! } : null,
      to: m.to_state ? { state: m.to_state, locationId: m.to_location_id! } : null,
      reason: m.reason,
      actor: m.actor,
      holdId: m.hold_id,
    }));
  }
}
