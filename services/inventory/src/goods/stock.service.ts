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
    if (m.from) {
      // Guarded: under concurrency the row lock serialises takers and the loser matches no row.
      const taken = await em.execute<{ quantity: string }[]>(
        `UPDATE stock_balance SET quantity = quantity - ?
          WHERE good_id = ? AND state = ? AND location_id = ? AND quantity >= ?
          RETURNING quantity::text AS quantity`,
        [m.quantity, m.good.id, m.from.state, m.from.locationId, m.quantity],
      );
      if (taken.length === 0) {
        throw insufficientQuantity(
          `only ${await this.available(em, m.good.id, m.from)} ${m.good.unit} of good ${m.good.id} ` +
            `is ${m.from.state} there; ${m.quantity} asked`,
        );
      }
    }
    if (m.to) {
      await em.execute(
        `INSERT INTO stock_balance (good_id, state, location_id, quantity) VALUES (?, ?, ?, ?)
         ON CONFLICT (good_id, state, location_id)
         DO UPDATE SET quantity = stock_balance.quantity + EXCLUDED.quantity`,
        [m.good.id, m.to.state, m.to.locationId, m.quantity],
      );
    }
    const [row] = await em.execute<{ id: string }[]>(
      `INSERT INTO stock_movement
         (good_id, quantity, from_state, from_location_id, to_state, to_location_id,
          weight_kg, reason, actor, cause_type, cause_id, hold_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id::text AS id`,
      [
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
    const movementId = row!.id;
    if (m.to) await this.updateState(em, m.good, m.from, m.to.state);
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

  /**
   * The good's own state: an item's is where its one unit is; a divisible good
   * takes the new state once nothing is left where it came from.
   */
  private async updateState(
    em: EntityManager,
    good: GoodRow,
    from: Place | null,
    to: string,
  ): Promise<void> {
    if (good.kind === 'item' || !from) {
      await em.execute('UPDATE good SET state = ? WHERE id = ?', [to, good.id]);
    } else {
      await em.execute(
        `UPDATE good SET state = ? WHERE id = ? AND NOT EXISTS (
           SELECT 1 FROM stock_balance WHERE good_id = ? AND state = ? AND quantity > 0)`,
        [to, good.id, good.id, from.state],
      );
    }
    good.state = to;
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
