import { latestRecord, missingGates, recordsInEffect, type GateRecord } from './gates.js';

const record = (gate: GateRecord['gate'], data: Record<string, unknown> = {}): GateRecord => ({
  gate,
  data,
});

describe(recordsInEffect.name, () => {
  it('should keep every record when no check failed', () => {
    const records = [
      record('triage'),
      record('checklist'),
      record('quality-check', { passed: true }),
    ];
    expect(recordsInEffect(records)).toEqual(records);
  });

  it('should keep only the triage when the quality check failed', () => {
    const records = [
      record('triage'),
      record('checklist'),
      record('quality-check', { passed: false, reason: 'brakes' }),
    ];
    expect(
      missingGates(
        recordsInEffect(records).map((r) => r.gate),
        ['triage', 'checklist'],
      ),
    ).toEqual(['checklist']);
  });

  it('should count what was recorded again after a failure', () => {
    const records = [
      record('triage'),
      record('checklist', { n: 1 }),
      record('quality-check', { passed: false, reason: 'brakes' }),
      record('checklist', { n: 2 }),
      record('quality-check', { passed: true }),
    ];
    expect(recordsInEffect(records).map((r) => r.gate)).toEqual([
      'triage',
      'checklist',
      'quality-check',
    ]);
    expect(latestRecord(records, 'checklist')?.data).toEqual({ n: 2 });
  });
});
