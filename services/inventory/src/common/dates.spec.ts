import { addMonths, addYears, localToday, wholeMonthsBetween } from './dates.js';

describe('dates', () => {
  describe(localToday.name, () => {
    it("should give Paris's day when UTC is still on the day before", () => {
      expect(localToday(new Date('2026-06-30T22:30:00Z'))).toBe('2026-07-01');
    });
  });

  describe(addMonths.name, () => {
    it('should keep the day of the month when the month has it', () => {
      expect(addMonths('2026-12-01', 24)).toBe('2028-12-01');
    });

    it('should end on the last day of a shorter month', () => {
      expect(addMonths('2027-01-31', 1)).toBe('2027-02-28');
      expect(addYears('2024-02-29', 1)).toBe('2025-02-28');
    });
  });

  describe(wholeMonthsBetween.name, () => {
    it('should count only months that end on or before the last day', () => {
      expect(wholeMonthsBetween('2026-12-01', '2027-12-01')).toBe(12);
      expect(wholeMonthsBetween('2026-12-02', '2027-12-01')).toBe(11);
    });

    it('should give 0 when the last day has passed', () => {
      expect(wholeMonthsBetween('2026-12-01', '2018-03-01')).toBe(0);
    });
  });
});
