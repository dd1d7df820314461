import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InventoryStockMovedV1, type Actor } from '@boucle/contracts';
import type { EntityManager } from '@boucle/database';
import { recordEvent } from '@boucle/messaging';
import { insufficientQuantity, validation } from '../common/errors.js';
import { describeGood, type Good } from '../goods/good.js';
import { assertTransition } from '../goods/lifecycle.js';
import { LedgerRepository, type Place } from './ledger.repository.js';

export interface Movement {
  good: Good;
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
export class LedgerService {
  constructor(private readonly ledger: LedgerRepository) {}

  /**
   * A medical aid one step along its lifecycle, where it stands: the transition checked
   * against its lifecycle, the movement appended. Returns the movement's id.
   */
  async advanceItem(
    em: EntityManager,
    good: Good,
    to: string,
    reason: string,
    actor: Actor,
    causeId: string = randomUUID(),
  ): Promise<string> {
    assertTransition(good.kind, good.state, to, describeGood(good));
    const [balance] = await this.ledger.balances(em, good.id);
    if (!balance) throw validation('goodId', `${describeGood(good)} is not in stock`);
    return this.move(em, {
      good,
      quantity: '1',
      from: { state: good.state, locationId: balance.locationId },
      to: { state: to, locationId: balance.locationId },
      reason,
      actor,
      cause: { type: 'command', id: causeId },
    });
  }

  async move(em: EntityManager, m: Movement): Promise<string> {
    // An item's state is where its one unit is; a divisible good takes the new state once nothing
    // is left where it came from.
    const takesState = m.to !== null && (m.good.kind === 'item' || !m.from);
    const row = await this.ledger.append(em, {
      goodId: m.good.id,
      quantity: m.quantity,
      from: m.from,
      to: m.to,
      takesState,
      weightKg: m.weightKg ?? null,
      reason: m.reason,
      actor: m.actor,
      cause: m.cause,
      holdId: m.holdId ?? null,
    });
    if (!row) {
      throw insufficientQuantity(
        `only ${await this.available(em, m.good.id, m.from!)} ${m.good.unit} of good ${m.good.id} ` +
          `is ${m.from!.state} there; ${m.quantity} asked`,
      );
    }
    if (m.to && (takesState || Number(row.remaining) === 0)) m.good.state = m.to.state;
    await this.recordMoved(em, m, row.movementId);
    return row.movementId;
  }

  /**
   * The event of a movement written: by `move`, or by a statement that wrote the movement
   * along with more (an intake's).
   */
  async recordMoved(
    em: EntityManager,
    m: Omit<Movement, 'good' | 'cause'> & { good: Pick<Good, 'id' | 'kind' | 'unit'> },
    movementId: string,
  ): Promise<void> {
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
  }

  private async available(em: EntityManager, goodId: string, place: Place): Promise<string> {
    const quantity = await this.ledger.quantityAt(em, goodId, place);
    return quantity ? normalise(quantity) : '0';
  }
}

/** `12.500` → `12.5`, `1.000` → `1`: quantities as people write them. */
export function normalise(quantity: string): string {
  return quantity.includes('.') ? quantity.replace(/\.?0+$/, '') : quantity;
}
