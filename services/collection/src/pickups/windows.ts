import type { WindowJson } from '../database/schema.js';
import { validation } from '../common/errors.js';
import { addDays, parisDay } from '../common/paris-time.js';

/**
 * A request's windows as collection keeps them: UTC, ordered, none overlapping another,
 * none already over, and for a lot none ending after its mustBeGoneBy (the firm's works
 * start then: a crew arriving later finds the lot diverted). Refused with the window named.
 */
export function normaliseWindows(
  windows: readonly { from: string; until: string }[],
  now: Date,
  mustBeGoneBy?: string,
): WindowJson[] {
  const indexed = windows.map((w, index) => ({
    index,
    from: new Date(w.from),
    until: new Date(w.until),
  }));
  for (const w of indexed) {
    if (w.until.getTime() <= now.getTime())
      throw validation(`windows.${w.index}.until`, 'is already past');
    if (mustBeGoneBy && w.until.getTime() > new Date(mustBeGoneBy).getTime()) {
      throw validation(
        `windows.${w.index}.until`,
        `must end by the lot's mustBeGoneBy (${new Date(mustBeGoneBy).toISOString()}): the lot is gone after it`,
      );
    }
  }
  const sorted = [...indexed].sort((a, b) => a.from.getTime() - b.from.getTime());
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.from < sorted[i - 1]!.until)
      throw validation(`windows.${sorted[i]!.index}`, `overlaps windows.${sorted[i - 1]!.index}`);
  }
  return sorted.map((w) => ({ from: w.from.toISOString(), until: w.until.toISOString() }));
}

/** The Paris days the windows touch: the days whose plans may take this pickup. */
export function daysOf(windows: readonly WindowJson[]): string[] {
  const days = new Set<string>();
  for (const w of windows) {
    const last = parisDay(new Date(new Date(w.until).getTime() - 1));
    for (let day = parisDay(new Date(w.from)); day <= last; day = addDays(day, 1)) days.add(day);
  }
  return [...days].sort();
}
