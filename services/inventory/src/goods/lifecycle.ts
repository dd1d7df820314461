import type { GoodKind } from '@boucle/contracts';
import { invalidTransition } from '../common/errors.js';

interface Lifecycle {
  /** from → the states it may go to next */
  readonly next: Readonly<Record<string, readonly string[]>>;
  /**
   * States only dedicated commands may enter, never a plain move: refurbishment gates,
   * holds and returns, and the outcomes whose command records where the good went or
   * what it became (a diversion's route, a transformation's mass balance, a washing
   * batch's breakage), which the tonnage report reads.
   */
  readonly guarded: ReadonlySet<string>;
  /** States only dedicated commands may leave, never a plain move (a quarantine's outcome). */
  readonly leftOnlyByCommand?: ReadonlySet<string>;
  /** Where quantity may be held for a taker. */
  readonly holdable: ReadonlySet<string>;
  /** Where a hold's quantity goes when it is handed over. */
  readonly handedOver: string;
}

/**
 * The lifecycles of the four kinds of goods (DESIGN.md). Every kind may be `lost`, only by a
 * correction, which also finds it again (back to the state it was lost in). Every change of state is
 * a ledger movement checked against these tables, so an illegal transition is
 * refused with the current state and the allowed ones.
 */
export const LIFECYCLES: Readonly<Record<GoodKind, Lifecycle>> = {
  item: {
    next: {
      collected: ['received'],
      // A defective or recalled aid leaves circulation at once, whatever its live state.
      received: ['triaged', 'parts-donor', 'scrapped', 'quarantined'],
      triaged: ['refurbishing', 'quarantined'],
      refurbishing: ['quality-checked', 'scrapped', 'quarantined'],
      'quality-checked': ['disinfected', 'refurbishing', 'quarantined'],
      disinfected: ['certified', 'quarantined'],
      certified: ['available', 'quarantined'],
      available: ['held', 'quarantined'],
      held: ['available', 'handed-over', 'quarantined'],
      'handed-over': ['returned'],
      returned: ['received'],
      quarantined: ['refurbishing', 'scrapped'],
      'parts-donor': ['scrapped'],
      scrapped: [],
      lost: [],
    },
    guarded: new Set([
      'triaged',
      'parts-donor',
      'quality-checked',
      'disinfected',
      'certified',
      'available',
      'held',
      'handed-over',
      'returned',
      'quarantined',
      'lost',
    ]),
    // Out of quarantine only by refurbishing again (a new cycle) or scrapping with its destination.
    leftOnlyByCommand: new Set(['quarantined']),
    holdable: new Set(['available']),
    handedOver: 'handed-over',
  },
  lot: {
    next: {
      // Withdrawn: the firm kept it (lot.withdraw); it stays the firm's stock, off the offer.
      offered: ['held', 'collected', 'diverted', 'withdrawn'],
      collected: ['stored'],
      stored: ['available', 'diverted'],
      available: ['held', 'diverted'],
      held: ['offered', 'available', 'handed-over'],
      'handed-over': [],
      diverted: [],
      withdrawn: [],
      lost: [],
    },
    // Diverted only by lot.divert or the window's end, which record the route; withdrawn only
    // by lot.withdraw, which ends the offer's holds.
    guarded: new Set(['held', 'handed-over', 'diverted', 'withdrawn', 'lost']),
    holdable: new Set(['offered', 'available']),
    handedOver: 'handed-over',
  },
  pool: {
    next: {
      returned: ['collected'],
      collected: ['washing'],
      washing: ['washed', 'broken'],
      washed: ['available'],
      available: ['held', 'delivered'],
      held: ['available', 'delivered'],
      delivered: [],
      broken: [],
      lost: [],
    },
    // Washed and broken only through a washing batch, whose counts add up.
    guarded: new Set(['held', 'washed', 'broken', 'lost']),
    holdable: new Set(['available']),
    handedOver: 'delivered',
  },
  bulk: {
    next: {
      collected: ['transformed', 'available'],
      transformed: [],
      available: ['held', 'delivered'],
      held: ['available', 'delivered'],
      delivered: [],
      lost: [],
    },
    // Transformed only by a transformation, with its outputs and mass balance.
    guarded: new Set(['held', 'transformed', 'lost']),
    holdable: new Set(['available']),
    handedOver: 'delivered',
  },
};

export function allowedNext(kind: GoodKind, from: string): readonly string[] {
  return Object.hasOwn(LIFECYCLES[kind].next, from) ? LIFECYCLES[kind].next[from]! : [];
}

export function isState(kind: GoodKind, state: string): boolean {
  return Object.hasOwn(LIFECYCLES[kind].next, state);
}

/** Throws unless `from → to` is a transition of this kind's lifecycle. */
export function assertTransition(
  kind: GoodKind,
  from: string,
  to: string,
  what = `this ${kind}`,
): void {
  const allowed = allowedNext(kind, from);
  if (!allowed.includes(to)) throw invalidTransition(what, from, to, allowed);
}

/** A plain move must not skip the commands that guard some states (gates, holds). */
export function assertPlainMove(
  kind: GoodKind,
  from: string,
  to: string,
  what = `this ${kind}`,
): void {
  assertTransition(kind, from, to, what);
  // Held stock belongs to its hold: it leaves only when the hold is released or handed over.
  if (from === 'held') throw invalidTransition(`${what} (held quantity)`, from, to, []);
  if (LIFECYCLES[kind].leftOnlyByCommand?.has(from)) throw invalidTransition(what, from, to, []);
  if (LIFECYCLES[kind].guarded.has(to)) {
    throw invalidTransition(
      what,
      from,
      to,
      allowedNext(kind, from).filter((s) => !LIFECYCLES[kind].guarded.has(s)),
    );
  }
}
