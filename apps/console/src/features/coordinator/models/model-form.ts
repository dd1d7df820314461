import type { DeviceModelBody } from '../../../api/types';
import { Checks, lines, type Check } from '../../../shared/checks';

const ISO_CLASS = /^\d{2}( \d{2}){1,2}$/;

/** A device model as typed: the checklist one step a line, as the manufacturer's instructions name them. */
export type ModelDraft = Record<
  'make' | 'model' | 'isoClass' | 'lifetimeYears' | 'checklist' | 'instructionsRef',
  string
>;
export const EMPTY_MODEL: ModelDraft = {
  make: '',
  model: '',
  isoClass: '',
  lifetimeYears: '',
  checklist: '',
  instructionsRef: '',
};

export function toModelRequest(draft: ModelDraft): { body: DeviceModelBody } | { checks: Check[] } {
  const checks = new Checks();
  const make = checks.text('make', draft.make, { max: 100 });
  const model = checks.text('model', draft.model, { max: 100 });
  const isoClass = draft.isoClass.trim().replace(/\s+/g, ' ');
  if (!isoClass) checks.fail('isoClass', 'rule.required');
  else if (!ISO_CLASS.test(isoClass)) checks.fail('isoClass', 'rule.isoClass');
  const lifetimeYears = checks.whole('lifetimeYears', draft.lifetimeYears, 1, 30);
  const checklist = lines(draft.checklist);
  if (!checklist.length) checks.fail('checklist', 'rule.minItems', { min: 1 });
  else if (checklist.length > 100) checks.fail('checklist', 'rule.maxItems', { max: 100 });
  else if (checklist.some((s) => s.length > 200))
    checks.fail('checklist', 'rule.maxLength', { max: 200 });
  const instructionsRef = checks.text('instructionsRef', draft.instructionsRef, { max: 500 });
  if (!checks.ok) return { checks: checks.found };
  return {
    body: {
      make: make!,
      model: model!,
      isoClass,
      lifetimeYears: lifetimeYears!,
      checklist,
      instructionsRef: instructionsRef!,
    },
  };
}
