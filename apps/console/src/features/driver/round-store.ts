import { ApiProblem } from '../../api/problem';
import type { Round, RoundStop } from '../../api/types';
import type { I18n } from '../../i18n/i18n';
import type { OutboxEntry } from '../../offline/outbox';
import { loadDayRounds } from '../collection/load';

/**
 * A driver's rounds as last read, kept for this tab (sessionStorage, like the session), so
 * that the round and its stops still show where the van has no signal. Addresses are on
 * it: closing the tab forgets them.
 */
const STORED = 'boucle.driver-rounds';

interface Kept {
  userId: string;
  days: Record<string, { rounds: Round[]; at: string }>;
}

function read(userId: string): Kept {
  try {
    const kept = JSON.parse(sessionStorage.getItem(STORED) ?? 'null') as Kept | null;
    if (kept?.userId === userId) return kept;
  } catch {
    // Nothing usable kept.
  }
  return { userId, days: {} };
}

function keep(kept: Kept): void {
  try {
    sessionStorage.setItem(STORED, JSON.stringify(kept));
  } catch {
    // Storage full or refused: the page works while it is open.
  }
}

export interface DriverDay {
  rounds: Round[];
  /** When the rounds were read, if they come from the device (no network). */
  keptAt?: string;
}

/** The day's rounds given to the driver: from the gateway, or as kept when it cannot be reached. */
export async function loadDriverDay(userId: string, day: string): Promise<DriverDay> {
  try {
    const { rounds } = await loadDayRounds(day);
    const kept = read(userId);
    kept.days[day] = { rounds, at: new Date().toISOString() };
    keep(kept);
    return { rounds };
  } catch (error) {
    const kept = read(userId).days[day];
    if (error instanceof ApiProblem && error.offline && kept)
      return { rounds: kept.rounds, keptAt: kept.at };
    throw error;
  }
}

/** A round as kept on the device, whichever day it is of. */
export function keptRound(userId: string, roundId: string): Round | undefined {
  for (const { rounds } of Object.values(read(userId).days)) {
    const round = rounds.find((r) => r.roundId === roundId);
    if (round) return round;
  }
  return undefined;
}

/**
 * Where a stop stands for the driver: as the service last said, unless the phone holds a
 * record of it (waiting for the network, sent, or refused).
 */
export type StopState =
  | { kind: 'pending' }
  | { kind: 'collected' | 'missed'; on: 'service' | 'device'; sent: boolean }
  | { kind: 'refused'; entry: OutboxEntry };

export function stopState(
  round: Round,
  stop: RoundStop,
  entries: readonly OutboxEntry[],
): StopState {
  const entry = entries.find(
    (e) =>
      (e.kind === 'stop-collected' || e.kind === 'stop-missed') &&
      e.about?.roundId === round.roundId &&
      e.about.pickupId === stop.pickupId,
  );
  if (stop.status !== 'pending') return { kind: stop.status, on: 'service', sent: true };
  if (!entry) return { kind: 'pending' };
  if (entry.status === 'refused') return { kind: 'refused', entry };
  return {
    kind: entry.kind === 'stop-collected' ? 'collected' : 'missed',
    on: 'device',
    sent: entry.status === 'sent',
  };
}

/** Whether the round is under way: started by the service, or on the phone. */
export function roundStarted(round: Round, entries: readonly OutboxEntry[]): boolean {
  return (
    round.status !== 'planned' ||
    entries.some(
      (e) =>
        e.about?.roundId === round.roundId &&
        e.status !== 'refused' &&
        (e.kind === 'round-start' || e.kind === 'stop-collected' || e.kind === 'stop-missed'),
    )
  );
}

/** A stop's state in the driver's words. */
export function stateText(state: StopState, i18n: I18n): string {
  switch (state.kind) {
    case 'pending':
      return i18n.t('driver.state.pending');
    case 'refused':
      return i18n.t('driver.state.refused');
    case 'collected':
    case 'missed':
      if (state.on === 'device' && !state.sent) return i18n.t(`driver.state.${state.kind}Kept`);
      return i18n.t(`driver.state.${state.kind}`);
  }
}
