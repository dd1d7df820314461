import type { GoodKind } from '@boucle/contracts';
import type { EntityManager } from '@boucle/database';
import { Refusal, notFound, validation } from '../common/errors.js';

/** A good as stored. Reads go through SQL: the stock rules live in the database. */
export interface GoodRow {
  id: string;
  kind: GoodKind;
  organisation_id: string;
  site_id: string;
  unit: 'unit' | 'm2' | 'm3' | 'm' | 'kg';
  state: string;
  description: Record<string, unknown>;
  serial_number: string | null;
  make: string | null;
  model: string | null;
  donor_id: string | null;
  refurbishment_cycle: number;
  weight_kg: string | null;
  available_from: Date | null;
  must_be_gone_by: Date | null;
}

export interface BalanceRow {
  state: string;
  location_id: string;
  quantity: string;
}

/**
 * Loads a good, locking its row when the caller is about to change its stock.
 * Every path that changes stock locks the good first, then its balances and
 * holds: one lock order, so concurrent commands queue instead of deadlocking.
 */
export async function loadGood(em: EntityManager, id: string, lock = false): Promise<GoodRow> {
  const [row] = await em.execute<GoodRow[]>(
    `SELECT * FROM good WHERE id = ?${lock ? ' FOR UPDATE' : ''}`,
    [id],
  );
  if (!row) throw notFound('good', id);
  return row;
}

export async function loadBalances(em: EntityManager, goodId: string): Promise<BalanceRow[]> {
  return em.execute<BalanceRow[]>(
    `SELECT state, location_id, quantity::text AS quantity FROM stock_balance
      WHERE good_id = ? AND quantity > 0 ORDER BY state, location_id`,
    [goodId],
  );
}

/** Doors, radiators and containers are counted: no half of one is held or moved. */
export function assertWholeIfCounted(good: GoodRow, quantity: string): void {
  if (good.unit === 'unit' && !/^\d+(\.0{1,3})?$/.test(quantity)) {
    throw validation('quantity', `good ${good.id} is counted in whole units`);
  }
}

/** A lot from a construction site can be reserved ahead of its window, never after it closed. */
export function assertStillOffered(good: GoodRow): void {
  if (good.must_be_gone_by && new Date(good.must_be_gone_by).getTime() <= Date.now()) {
    throw new Refusal(
      'invalid-transition',
      `lot ${good.id} had to be gone by ${new Date(good.must_be_gone_by).toISOString()}: it can no longer be held`,
      { currentState: good.state, allowedStates: [] },
    );
  }
}

export function describeGood(good: GoodRow): string {
  return good.kind === 'item'
    ? `${good.make} ${good.model} ${good.serial_number}`
    : `${good.kind} ${good.id}`;
}
