/**
 * The refurbishment gates of a medical aid (RBEU, decree 2025-247): each must be
 * recorded in the current cycle before the aid may be offered again. A returned
 * aid starts a new cycle and passes them all again.
 */
export const GATES = [
  'triage',
  'checklist',
  'quality-check',
  'disinfection',
  'certification',
] as const;
export type Gate = (typeof GATES)[number];

/** The gates a step needs before it, in order. */
export function gatesBefore(gate: Gate | 'release'): readonly Gate[] {
  if (gate === 'release') return GATES;
  return GATES.slice(0, GATES.indexOf(gate));
}

export function missingGates(recorded: Iterable<string>, needed: readonly Gate[]): Gate[] {
  const have = new Set(recorded);
  return needed.filter((gate) => !have.has(gate));
}
