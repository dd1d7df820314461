import type { Passport } from '../../../api/types';

/**
 * The steps of an aid's refurbishment, in order, as inventory records them (the gates of
 * decree 2025-247, with the start and the release between them): each is a command of
 * its own, on `/v1/goods/{goodId}/<path>`.
 */
export const STEPS = [
  'triage',
  'start',
  'checklist',
  'quality-check',
  'disinfection',
  'certification',
  'release',
] as const;
export type Step = (typeof STEPS)[number];

/** The queue's gates: the state an aid waits in, and the step it waits for. */
export const QUEUE: readonly { state: string; step: Step }[] = [
  { state: 'received', step: 'triage' },
  { state: 'triaged', step: 'start' },
  { state: 'refurbishing', step: 'checklist' },
  { state: 'quality-checked', step: 'disinfection' },
  { state: 'disinfected', step: 'certification' },
  { state: 'certified', step: 'release' },
];

type Record = Passport['refurbishment'][number];

/**
 * The records of the current cycle that still count: a failed quality check sends the aid
 * back to refurbishing, undoing its checklist and every gate after it (its triage stands).
 */
export function recordsInEffect(passport: Passport, cycle: number): Record[] {
  let effective: Record[] = [];
  for (const record of passport.refurbishment) {
    if (record.cycle !== cycle) continue;
    if (record.gate === 'quality-check' && record.data['passed'] === false)
      effective = effective.filter((r) => r.gate === 'triage');
    else effective.push(record);
  }
  return effective;
}

/** The step an aid waits for, from its state and its records; null when it waits for none. */
export function nextStep(state: string, records: readonly Record[]): Step | null {
  switch (state) {
    case 'received':
      return 'triage';
    case 'triaged':
      return 'start';
    case 'refurbishing':
      return records.some((r) => r.gate === 'checklist') ? 'quality-check' : 'checklist';
    case 'quality-checked':
      return 'disinfection';
    case 'disinfected':
      return 'certification';
    case 'certified':
      return 'release';
    default:
      return null;
  }
}

/** Whether a step is behind the aid, ahead of it, or the one it waits for. */
export function stepStatus(
  step: Step,
  next: Step | null,
  state: string,
): 'done' | 'current' | 'todo' {
  const done = ['available', 'held', 'handed-over'].includes(state);
  if (done) return 'done';
  if (next === null) return 'todo';
  const at = STEPS.indexOf(next);
  const index = STEPS.indexOf(step);
  return index < at ? 'done' : index === at ? 'current' : 'todo';
}

/** The steps of the model's checklist this aid was last ticked against, in any cycle. */
export function knownChecklist(passport: Passport): string[] {
  const last = passport.refurbishment.findLast((r) => r.gate === 'checklist');
  const steps = last?.data['steps'];
  if (!Array.isArray(steps)) return [];
  return steps
    .map((s) => (typeof s === 'object' && s !== null ? (s as { step?: unknown }).step : undefined))
    .filter((s): s is string => typeof s === 'string');
}
