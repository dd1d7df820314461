import { addDays, isoWeekday, parisDay, parisInstant, weeksBetween } from './paris-time.js';

describe('paris time', () => {
  it('should read a Paris wall-clock time as UTC in winter and in summer', () => {
    expect(parisInstant('2026-12-01', '09:00').toISOString()).toBe('2026-12-01T08:00:00.000Z');
    expect(parisInstant('2026-07-01', '09:00').toISOString()).toBe('2026-07-01T07:00:00.000Z');
  });

  it('should take the Paris day of an instant, not the UTC one', () => {
    expect(parisDay(new Date('2026-12-01T23:30:00Z'))).toBe('2026-12-02');
    expect(parisDay(new Date('2026-07-01T21:59:00Z'))).toBe('2026-07-01');
  });

  it('should place midnight right on the days the clocks change', () => {
    expect(parisInstant('2026-03-29').toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(parisInstant('2026-03-30').toISOString()).toBe('2026-03-29T22:00:00.000Z');
    expect(parisInstant('2026-10-25', '12:00').toISOString()).toBe('2026-10-25T11:00:00.000Z');
  });

  it('should count weekdays and weeks from Mondays', () => {
    expect(isoWeekday('2026-12-01')).toBe(2);
    expect(isoWeekday('2026-12-06')).toBe(7);
    expect(weeksBetween('2026-12-01', '2026-12-15')).toBe(2);
    expect(weeksBetween('2026-12-06', '2026-12-07')).toBe(1);
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });
});
