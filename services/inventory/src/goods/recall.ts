import { Refusal } from '../common/errors.js';
import { describeGood, type Good } from './good.js';

/** A recall in force, as the repository reads it. */
export interface ActiveRecall {
  recallId: string;
  make: string;
  model: string;
  serialFrom: string | null;
  serialTo: string | null;
  reason: string;
  issuedAt: string;
}

/**
 * Matériovigilance: while a unit's make and model (and serial range) is recalled it is
 * neither held nor handed over; lifting the recall restores both.
 */
export function assertNotRecalled(
  good: Good,
  recall: ActiveRecall | undefined,
  action: 'held' | 'handed over',
): void {
  if (!recall) return;
  const range =
    recall.serialFrom || recall.serialTo
      ? ` serials ${recall.serialFrom ?? '…'} to ${recall.serialTo ?? '…'}`
      : '';
  throw new Refusal(
    'invalid-transition',
    `${describeGood(good)} is under recall ${recall.recallId} (${recall.make} ${recall.model}${range}, issued ${new Date(recall.issuedAt).toISOString()}): it cannot be ${action} until the recall is lifted`,
    { currentState: good.state, allowedStates: [] },
  );
}
