import { describe, expect, it } from '@jest/globals';
import type { Passport } from '../../../api/types';
import { knownChecklist, nextStep, recordsInEffect, stepStatus } from './gates';

const record = (gate: string, data: Record<string, unknown> = {}, cycle = 0) => ({
  cycle,
  gate,
  data,
  actor: { userId: 'tech', role: 'refurbisher' as const, organisationId: null },
  at: '2026-11-20T09:00:00Z',
});
const passport = (refurbishment: ReturnType<typeof record>[]) =>
  ({ refurbishment }) as unknown as Passport;

describe('recordsInEffect', () => {
  it('should undo the checklist and what followed it after a failed quality check, keeping the triage', () => {
    const records = passport([
      record('triage', { decision: 'repairable' }),
      record('checklist'),
      record('quality-check', { passed: false, reason: 'frein' }),
    ]);
    expect(recordsInEffect(records, 0).map((r) => r.gate)).toEqual(['triage']);
    expect(nextStep('refurbishing', recordsInEffect(records, 0))).toBe('checklist');
  });

  it('should count only the current cycle', () => {
    const records = passport([
      record('triage', {}, 0),
      record('checklist', {}, 0),
      record('triage', {}, 1),
    ]);
    expect(recordsInEffect(records, 1).map((r) => r.gate)).toEqual(['triage']);
  });
});

describe('nextStep', () => {
  it('should be the quality check once the checklist of the cycle is recorded', () => {
    expect(nextStep('refurbishing', [record('triage'), record('checklist')])).toBe('quality-check');
    expect(nextStep('received', [])).toBe('triage');
    expect(nextStep('available', [])).toBeNull();
  });
});

describe('stepStatus', () => {
  it('should mark the steps behind, at and ahead of the aid', () => {
    expect(stepStatus('triage', 'disinfection', 'quality-checked')).toBe('done');
    expect(stepStatus('disinfection', 'disinfection', 'quality-checked')).toBe('current');
    expect(stepStatus('release', 'disinfection', 'quality-checked')).toBe('todo');
    expect(stepStatus('release', null, 'available')).toBe('done');
  });
});

describe('knownChecklist', () => {
  it('should read the steps the aid was last ticked against', () => {
    const records = passport([
      record('checklist', {
        steps: [
          { step: 'Freins', done: true },
          { step: 'Pneus', done: true },
        ],
      }),
    ]);
    expect(knownChecklist(records)).toEqual(['Freins', 'Pneus']);
  });
});
