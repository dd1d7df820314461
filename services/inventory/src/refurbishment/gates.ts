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

/** One record of a gate, as kept (append-only), in the order recorded. */
export interface GateRecord {
  gate: Gate;
  data: Record<string, unknown>;
}

/** The gates a step needs before it, in order. */
export function gatesBefore(gate: Gate | 'release'): readonly Gate[] {
  if (gate === 'release') return GATES;
  return GATES.slice(0, GATES.indexOf(gate));
}

export function missingGates(recorded: Iterable<string>, needed: readonly Gate[]): Gate[] {
  const have = new Set(recorded);
  return needed.filter((gate) => !have.has(gate));
}

export const isFailedCheck = (record: GateRecord): boolean =>
  record.gate === 'quality-check' && record.data['passed'] === false;

/**
 * The records of a cycle that still count. A failed quality check sends the aid back
 * to refurbishing: its triage stands, but the checklist and every gate after it must
 * be recorded again after the failure. The failure itself stays on record.
 */
export function recordsInEffect(records: readonly GateRecord[]): GateRecord[] {
  let effective: GateRecord[] = [];
  for (const record of records) {
    if (isFailedCheck(record)) effective = effective.filter((r) => r.gate === 'triage');
    else effective.push(record);
  }
  return effective;
}

/** The latest record of a gate that counts, if any. */
export function latestRecord(records: readonly GateRecord[], gate: Gate): GateRecord | undefined {
  return recordsInEffect(records).findLast((r) => r.gate === gate);
}
