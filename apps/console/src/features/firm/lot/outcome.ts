import type { Good, Passport } from '../../../api/types';

/**
 * Where a lot went, read from its passport: each part handed over to a taker (reuse),
 * diverted to a route (recycling, energy recovery, landfill; by the firm, or by the
 * deadline when nobody took it), withdrawn from the offer (the firm kept it) or lost.
 *
 * The route and the holder are in the movements' reasons (`diverted to recycling`, `held
 * for membre-…`), which inventory writes for people to read; the passport gives no field
 * of its own for them yet, so an unexpected wording shows as a diversion without route.
 */
export type Destination = 'handed-over' | 'diverted' | 'withdrawn' | 'lost';

export interface LotOutcome {
  destination: Destination;
  quantity: string;
  at: string;
  /** Who took it: the hold's holder. */
  holder?: string;
  /** Where it was diverted: recycling, energy-recovery, landfill. */
  route?: string;
  /** Diverted by the deadline, nobody having taken it in time. */
  automatic?: boolean;
}

/** The states a part of a lot ends in, having left the offer (and, but for `withdrawn`, the site). */
export const ENDS: ReadonlySet<string> = new Set(['handed-over', 'diverted', 'withdrawn', 'lost']);
const HELD_FOR = /^held for (\S+)$/;
const DIVERTED = /^(not taken in time: )?diverted to ([\w-]+)$/;

export function whereItWent(passport: Passport): LotOutcome[] {
  const holders = new Map<string, string>();
  const outcomes: LotOutcome[] = [];
  for (const movement of passport.movements) {
    const holder = HELD_FOR.exec(movement.reason)?.[1];
    if (movement.holdId && holder && movement.to?.state === 'held')
      holders.set(movement.holdId, holder);
    const end = movement.to?.state;
    if (!end || !ENDS.has(end) || movement.from?.state === end) continue;
    const outcome: LotOutcome = {
      destination: end as Destination,
      quantity: movement.quantity,
      at: movement.at,
    };
    if (end === 'handed-over' && movement.holdId) {
      const taker = holders.get(movement.holdId);
      if (taker) outcome.holder = taker;
    }
    if (end === 'diverted') {
      const diverted = DIVERTED.exec(movement.reason);
      if (diverted) {
        outcome.route = diverted[2]!;
        outcome.automatic = diverted[1] !== undefined;
      }
    }
    outcomes.push(outcome);
  }
  return outcomes;
}

/** Totals by destination (and route), in thousandths so that decimals add up exactly. */
export function totalsOf(outcomes: readonly LotOutcome[]): { key: string; quantity: number }[] {
  const totals = new Map<string, number>();
  for (const o of outcomes) {
    const key = o.destination === 'diverted' && o.route ? `diverted:${o.route}` : o.destination;
    totals.set(key, (totals.get(key) ?? 0) + Math.round(Number(o.quantity) * 1000));
  }
  return [...totals].map(([key, milli]) => ({ key, quantity: milli / 1000 }));
}

/** What is still on the site: offered, held for a taker, or on its way. */
export function stillThere(good: Good): { state: string; quantity: number }[] {
  const byState = new Map<string, number>();
  for (const b of good.balances)
    if (!ENDS.has(b.state))
      byState.set(b.state, (byState.get(b.state) ?? 0) + Math.round(Number(b.quantity) * 1000));
  return [...byState].map(([state, milli]) => ({ state, quantity: milli / 1000 }));
}

/** Whether the firm may still act on the offer: something offered, and the window not closed. */
export function openOffer(good: Good, window: { mustBeGoneBy?: string }, now = Date.now()) {
  const offered = good.balances.some((b) => b.state === 'offered');
  const held = good.activeHolds.length > 0;
  const open = !window.mustBeGoneBy || new Date(window.mustBeGoneBy).getTime() > now;
  return { offered: offered && open, amendable: (offered || held) && open };
}
