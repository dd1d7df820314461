import type { TonnageReport } from '../../../api/types';
import { nextDay, zonedInstant, zonedToday } from '../../../shared/dates';

/**
 * The coordinator's tonnage report made into what the dashboard draws: totals by flow
 * (kind of good), collection mode and destination, and the reuse rate.
 */
export type InRow = TonnageReport['in'][number];
export type OutRow = TonnageReport['out'][number];

export interface Total {
  key: string;
  tonnes: number;
}

/** Rows added up by one of their fields, largest first; tonnes kept to the kilogram. */
export function totalsBy<R extends { tonnes: number }>(
  rows: readonly R[],
  field: { [K in keyof R]: R[K] extends string ? K : never }[keyof R],
): Total[] {
  const kg = new Map<string, number>();
  for (const row of rows) {
    const key = row[field] as unknown as string;
    kg.set(key, (kg.get(key) ?? 0) + Math.round(row.tonnes * 1000));
  }
  return [...kg]
    .map(([key, total]) => ({ key, tonnes: total / 1000 }))
    .sort((a, b) => b.tonnes - a.tonnes || a.key.localeCompare(b.key));
}

/**
 * Where goods leave the loop for good: reuse, or one of the routes of waste. Transfers
 * between members stay in the cluster, and a transformation's loss (moisture, dust) is
 * no destination of goods; both are left out of the rate.
 */
export const OUTLETS: readonly string[] = [
  'reuse',
  'recycling',
  'energy-recovery',
  'landfill',
  'disposal',
];

/** The share of the tonnes gone out to a destination that went to reuse; null when none went out. */
export function reuseRate(report: Pick<TonnageReport, 'out'>): number | null {
  let reuse = 0;
  let all = 0;
  for (const row of report.out) {
    if (!OUTLETS.includes(row.destination)) continue;
    const kg = Math.round(row.tonnes * 1000);
    all += kg;
    if (row.destination === 'reuse') reuse += kg;
  }
  return all === 0 ? null : reuse / all;
}

export interface Period {
  /** First day, on the Paris calendar. */
  from: string;
  /** Last day, included. */
  to: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The year so far: from the 1st of January to today. */
export function defaultPeriod(now = Date.now()): Period {
  const today = zonedToday(now);
  return { from: `${today.slice(0, 4)}-01-01`, to: today };
}

/** The period the address names, or the year so far. */
export function periodOf(params: URLSearchParams, now = Date.now()): Period {
  const from = params.get('from') ?? '';
  const to = params.get('to') ?? '';
  const fallback = defaultPeriod(now);
  return {
    from: DAY.test(from) ? from : fallback.from,
    to: DAY.test(to) ? to : fallback.to,
  };
}

/**
 * The report's query: from midnight of the first day to midnight after the last, on the
 * Paris clock, so that a day is the cluster's day (with its offset, winter or summer).
 */
export function reportQuery(period: Period): { from: string; to: string } | undefined {
  const from = zonedInstant(`${period.from}T00:00`);
  const to = zonedInstant(`${nextDay(period.to)}T00:00`);
  if (!from || !to || Date.parse(to) <= Date.parse(from)) return undefined;
  return { from, to };
}
