import { describe, expect, it } from '@jest/globals';
import { nextDay, zonedInstant, zonedLocal, zonedToday } from './dates';

describe('zonedInstant', () => {
  it('should give a Paris wall-clock time its winter or summer offset', () => {
    expect(zonedInstant('2026-12-01T08:00')).toBe('2026-12-01T08:00:00+01:00');
    expect(zonedInstant('2026-07-14T22:30')).toBe('2026-07-14T22:30:00+02:00');
    expect(new Date(zonedInstant('2026-07-14T22:30')!).toISOString()).toBe(
      '2026-07-14T20:30:00.000Z',
    );
  });

  it('should take the hour skipped in March as the clocks read it, and refuse what is no moment', () => {
    expect(zonedInstant('2026-03-29T02:30')).toBe('2026-03-29T03:30:00+02:00');
    expect(zonedInstant('2026-02-30T10:00')).toBeUndefined();
    expect(zonedInstant('demain')).toBeUndefined();
  });
});

describe('zonedLocal', () => {
  it('should read a moment on the Paris clock, for a datetime-local field', () => {
    expect(zonedLocal('2026-12-01T07:00:00Z')).toBe('2026-12-01T08:00');
    expect(zonedLocal('2026-07-14T20:30:00.000Z')).toBe('2026-07-14T22:30');
    expect(zonedLocal('nonsense')).toBe('');
  });

  it('should round-trip with zonedInstant', () => {
    for (const local of ['2026-01-01T00:00', '2026-10-25T01:59', '2026-10-25T03:00'])
      expect(zonedLocal(zonedInstant(local)!)).toBe(local);
  });
});

describe('zonedToday and nextDay', () => {
  it('should count days on the Paris calendar', () => {
    // 23:30 UTC on 31 December is already New Year's Day in Paris.
    expect(zonedToday(Date.parse('2026-12-31T23:30:00Z'))).toBe('2027-01-01');
    expect(nextDay('2026-12-31')).toBe('2027-01-01');
    expect(nextDay('2028-02-28')).toBe('2028-02-29');
  });
});
