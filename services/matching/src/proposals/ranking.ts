import { MAX_SOCIAL_PRIORITY, type Urgency } from '@boucle/contracts';

/*
 * The order in which needs that fit a good are offered it. Hard constraints (class,
 * sizes, distance) decide which needs are candidates at all; among them, a score adds:
 * how urgent the need is, the social priority the coordinator set, and how long it has
 * waited. Equal scores go to the need registered first. Every part is kept with the
 * proposal so that staff can say to the person waiting why they stand where they stand.
 * The weights make a step of urgency outweigh the highest social priority and a year of
 * waiting together, and a step of priority a hundred days of waiting.
 *
 * Lines are drawn in the database, with these very constants (proposals.repository.ts,
 * scoreParts): reading a few thousand needs out to rank them here would cost more than
 * the rest of the line. `rank` is what the database is held to, by the tests and by the
 * bench, place for place and point for point.
 */

export const URGENCY_POINTS: Readonly<Record<Urgency, number>> = {
  urgent: 4_000,
  soon: 2_000,
  routine: 0,
};
export const POINTS_PER_PRIORITY = 100;
export const POINTS_PER_DAY_WAITED = 1;
/** Waiting counts up to a year: beyond, a need is no more deserving for waiting longer. */
export const MAX_DAYS_COUNTED = 365;

/**
 * The urgencies, the most urgent first. A step of urgency must outweigh the highest social
 * priority and a year of waiting together, so that every need of one urgency goes before
 * every need of the next: lines are drawn one urgency after the other, and stop once full
 * (proposals.repository.ts). Weights that broke this would be refused here, at start.
 */
export const URGENCY_ORDER: readonly Urgency[] = urgencyOrder();

function urgencyOrder(): Urgency[] {
  const order = (Object.keys(URGENCY_POINTS) as Urgency[]).sort(
    (a, b) => URGENCY_POINTS[b] - URGENCY_POINTS[a],
  );
  const widest =
    MAX_SOCIAL_PRIORITY * POINTS_PER_PRIORITY + MAX_DAYS_COUNTED * POINTS_PER_DAY_WAITED;
  for (let i = 1; i < order.length; i++)
    if (URGENCY_POINTS[order[i - 1]!] - URGENCY_POINTS[order[i]!] <= widest)
      throw new Error(
        `a step of urgency (${order[i - 1]} over ${order[i]!}) must outweigh ${widest} points of priority and waiting`,
      );
  return order;
}

export interface Candidate {
  needId: string;
  /** Registration order: the tie-break. */
  seq: bigint;
  urgency: Urgency;
  socialPriority: number;
  registeredAt: Date;
}

export interface Score {
  total: number;
  urgency: { level: Urgency; points: number };
  socialPriority: { value: number; points: number };
  waiting: { days: number; points: number };
}

export interface Ranked<T extends Candidate> {
  candidate: T;
  rank: number;
  score: Score;
}

const DAY_MS = 86_400_000;

export function scoreOf(candidate: Candidate, now: Date): Score {
  const days = Math.min(
    MAX_DAYS_COUNTED,
    Math.max(0, Math.floor((now.getTime() - candidate.registeredAt.getTime()) / DAY_MS)),
  );
  const urgency = URGENCY_POINTS[candidate.urgency];
  const priority = candidate.socialPriority * POINTS_PER_PRIORITY;
  const waiting = days * POINTS_PER_DAY_WAITED;
  return {
    total: urgency + priority + waiting,
    urgency: { level: candidate.urgency, points: urgency },
    socialPriority: { value: candidate.socialPriority, points: priority },
    waiting: { days, points: waiting },
  };
}

/** The candidates in line: best score first, then the first registered. */
export function rank<T extends Candidate>(candidates: readonly T[], now: Date): Ranked<T>[] {
  return candidates
    .map((candidate) => ({ candidate, score: scoreOf(candidate, now) }))
    .sort(
      (a, b) =>
        b.score.total - a.score.total ||
        (a.candidate.seq < b.candidate.seq ? -1 : a.candidate.seq > b.candidate.seq ? 1 : 0),
    )
    .map((entry, i) => ({ ...entry, rank: i + 1 }));
}
