import type { GoodKind, Unit } from '@boucle/contracts';
import { localToday } from '../common/dates.js';
import { Refusal, validation } from '../common/errors.js';

/** A good as the repository reads it. The stock rules live in the database; these in the services. */
export interface Good {
  id: string;
  kind: GoodKind;
  organisationId: string;
  siteId: string;
  intakeId: string | null;
  unit: Unit;
  state: string;
  description: Record<string, unknown>;
  serialNumber: string | null;
  make: string | null;
  model: string | null;
  donorId: string | null;
  refurbishmentCycle: number;
  weightKg: string | null;
  availableFrom: string | null;
  mustBeGoneBy: string | null;
  /** A medical aid's lifetime counts from this day (`YYYY-MM-DD`), once known. */
  lifetimeStartsOn: string | null;
  lifetimeBasis: 'manufacture' | 'first-use' | null;
  /** The last day its latest certification holds the aid fit for use (`YYYY-MM-DD`). */
  fitForUseUntil: string | null;
  /** The device model version the current refurbishment cycle follows, once started. */
  deviceModelVersion: number | null;
  /** Changes with every change of the good, its stock or its holds: what If-Match compares. */
  revision: string;
  createdAt: string;
}

/** Doors, radiators and containers are counted: no half of one is held or moved. */
export function assertWholeIfCounted(good: Good, quantity: string): void {
  if (good.unit === 'unit' && !/^\d+(\.0{1,3})?$/.test(quantity)) {
    throw validation('quantity', `good ${good.id} is counted in whole units`);
  }
}

/** A lot from a construction site can be reserved ahead of its window, never after it closed. */
export function assertStillOffered(good: Good): void {
  if (good.mustBeGoneBy && new Date(good.mustBeGoneBy).getTime() <= Date.now()) {
    throw new Refusal(
      'invalid-transition',
      `lot ${good.id} had to be gone by ${new Date(good.mustBeGoneBy).toISOString()}: it can no longer be held`,
      { currentState: good.state, allowedStates: [] },
    );
  }
}

/**
 * A medical aid is used only within its certified new-use duration (RBEU): once that day
 * has passed it is neither released, held nor handed over until certified again.
 */
export function assertFitForUse(good: Good, today: string = localToday()): void {
  if (good.fitForUseUntil && good.fitForUseUntil < today) {
    throw new Refusal(
      'invalid-transition',
      `${describeGood(good)} was certified fit for use until ${good.fitForUseUntil}: it must be refurbished and certified again`,
      { currentState: good.state, allowedStates: [] },
    );
  }
}

export function describeGood(good: Good): string {
  return good.kind === 'item'
    ? `${good.make} ${good.model} ${good.serialNumber}`
    : `${good.kind} ${good.id}`;
}
