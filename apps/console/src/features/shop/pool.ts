import type { Good } from '../../api/types';

/**
 * A deposit pool as a shop reads it: the container, its deposit, how many are in each
 * state. Crates brought back by customers wait at the shop as `returned` until collected.
 */
export interface PoolLine {
  id: string;
  siteId: string;
  containerType: string;
  depositCents: number;
  byState: { state: string; count: number }[];
  total: number;
  /** Brought back full, waiting at the shop to be collected for washing. */
  waiting: number;
}

/** The states in which containers are still in the loop (not delivered, broken or lost). */
const GONE: ReadonlySet<string> = new Set(['delivered', 'broken', 'lost']);

export function poolLine(good: Good): PoolLine {
  const counts = new Map<string, number>();
  for (const b of good.balances)
    counts.set(b.state, (counts.get(b.state) ?? 0) + Number(b.quantity));
  const byState = [...counts].map(([state, count]) => ({ state, count }));
  const d = good.description;
  return {
    id: good.id,
    siteId: good.siteId,
    containerType: typeof d['containerType'] === 'string' ? d['containerType'] : '',
    depositCents: typeof d['depositCents'] === 'number' ? d['depositCents'] : 0,
    byState,
    total: byState.filter((s) => !GONE.has(s.state)).reduce((sum, s) => sum + s.count, 0),
    waiting: counts.get('returned') ?? 0,
  };
}

/** The deposits the containers still in the loop stand for, in cents. */
export function depositsCents(lines: readonly PoolLine[]): number {
  return lines.reduce((sum, line) => sum + line.total * line.depositCents, 0);
}
