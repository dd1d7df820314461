import { Injectable } from '@nestjs/common';
import { InventoryStockMovedV1, type Actor } from '@boucle/contracts';
import type { EntityManager } from '@boucle/database';
import { recordEvent } from '@boucle/messaging';
import { insufficientQuantity } from '../common/errors.js';
import type { GoodRow } from './good.js';

export interface Place {
  state: string;
  locationId: string;
}

export interface Movement {
  good: GoodRow;
  quantity: string;
  from: Place | null;
  to: Place | null;
  reason: string;
  actor: Actor;
  cause: { type: 'command' | 'event' | 'job'; id: string };
  holdId?: string | null;
  weightKg?: number | null;
  correlationId?: string;
}

/**
 * The stock ledger. Every change of stock is one appended movement, applied to
 * the balances in the same transaction; the balance table refuses to go below
 * zero, so no code path can hold or hand over more than there is.
 */
@Injectable()
export class StockService {
  async move(em: EntityManager, m: Movement): Promise<string> {
    // One statement, one round trip: take from the source (guarded: under concurrency the row
    // lock serialises takers and the loser matches no row), add to the destination, record the
    // movement and the good's state, all only if the taking succeeded.
    const source = m.from
      ? `UPDATE stock_balance SET quantity = quantity - ?
          WHERE good_id = ? AND state = ? AND location_id = ? AND quantity >= ?
          RETURNING quantity AS remaining`
      : 'SELECT NULL::numeric AS remaining';
    const sourceParams = m.from
      ? [m.quantity, m.good.id, m.from.state, m.from.locationId, m.quantity]
      : [];
    // An item's state is where its one unit is; a divisible good takes the new state once nothing
    // is left where it came from.
    const takesState = m.to !== null && (m.good.kind === 'item' || !m.from);
    const [row] = await em.execute<{ id: string; remaining: string | null }[]>(
      `WITH taken AS (${source}),
       put AS (
         INSERT INTO stock_balance (good_id, state, location_id, quantity)
         SELECT ?::uuid, ?::text, ?::uuid, ?::numeric FROM taken WHERE ?::boolean
         ON CONFLICT (good_id, state, location_id)
         DO UPDATE SET quantity = stock_balance.quantity + EXCLUDED.quantity
       ),
       state AS (
         UPDATE good SET state = ?::text
          WHERE id = ?::uuid AND ?::boolean
            AND EXISTS (SELECT 1 FROM taken WHERE ?::boolean OR remaining = 0)
       )
       INSERT INTO stock_movement
         (good_id, quantity, from_state, from_location_id, to_state, to_location_id,
          weight_kg, reason, actor, cause_type, cause_id, hold_id)
       SELECT ?::uuid, ?::numeric, ?::text, ?::uuid, ?::text, ?::uuid, ?::numeric, ?, ?::jsonb, ?, ?, ?::uuid
         FROM taken
       RETURNING id::text AS id, (SELECT remaining::text FROM taken) AS remaining`,
      [
        ...sourceParams,
        m.good.id,
        m.to?.state ?? null,
        m.to?.locationId ?? null,
        m.quantity,
        m.to !== null,
        m.to?.state ?? null,
        m.good.id,
        m.to !== null,
        takesState,
        m.good.id,
        m.quantity,
        m.from?.state ?? null,
        m.from?.locationId ?? null,
        m.to?.state ?? null,
        m.to?.locationId ?? null,
        m.weightKg ?? null,
        m.reason,
        JSON.stringify(m.actor),
        m.cause.type,
        m.cause.id,
        m.holdId ?? null,
      ],
    );
    if (!row) {
      throw insufficientQuantity(
        `only ${await this.available(em, m.good.id, m.from!)} ${m.good.unit} of good ${m.good.id} ` +
          `is ${m.from!.state} there; ${m.quantity} asked`,
      );
    }
    if (m.to && (takesState || Number(row.remaining) === 0)) m.good.state = m.to.state;
    const movementId = row.id;
    await recordEvent(
      em,
      InventoryStockMovedV1,
      {
        movementId,
        goodId: m.good.id,
        kind: m.good.kind,
        quantity: normalise(m.quantity),
        unit: m.good.unit,
        from: m.from,
        to: m.to,
        reason: m.reason,
        holdId: m.holdId ?? null,
      },
      { actor: m.actor, ...(m.correlationId ? { correlationId: m.correlationId } : {}) },
    );
    return movementId;
  }

  private async available(em: EntityManager, goodId: string, place: Place): Promise<string> {
    const [row] = await em.execute<{ quantity: string }[]>(
      `SELECT quantity::text AS quantity FROM stock_balance WHERE good_id = ? AND state = ? AND location_id = ?`,
      [goodId, place.state, place.locationId],
    );
    return row ? normalise(row.quantity) : '0';
  }
}

/** `12.500` → `12.5`, `1.000` → `1`: quantities as people write them. */
export function normalise(quantity: string): string {
  return quantity.includes('.') ? quantity.replace(/\.?0+$/, '') : quantity;
}
