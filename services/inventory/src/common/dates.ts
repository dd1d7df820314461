/*
 * Calendar days (`YYYY-MM-DD`) as the cluster reads them: dates people type are
 * local dates in Europe/Paris, so "today" is Paris's today, not UTC's (the two
 * differ for an hour or two every night).
 */

const PARIS_DAY = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Paris',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** Today in Europe/Paris. */
export function localToday(now: Date = new Date()): string {
  return PARIS_DAY.format(now);
}

/** The same day `months` later; a day the month lacks becomes its last (31 January + 1 month = 28 or 29 February). */
export function addMonths(day: string, months: number): string {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const index = year * 12 + (month - 1) + months;
  const toYear = Math.floor(index / 12);
  const toMonth = index - toYear * 12;
  const lastDate = new Date(Date.UTC(toYear, toMonth + 1, 0)).getUTCDate();
  return [
    String(toYear).padStart(4, '0'),
    String(toMonth + 1).padStart(2, '0'),
    String(Math.min(date, lastDate)).padStart(2, '0'),
  ].join('-');
}

export const addYears = (day: string, years: number): string => addMonths(day, years * 12);

/** Whole months from `from` that still end on or before `until`; 0 when less than one is left. */
export function wholeMonthsBetween(from: string, until: string): number {
  const [fromYear, fromMonth] = from.split('-').map(Number) as [number, number];
  const [untilYear, untilMonth] = until.split('-').map(Number) as [number, number];
  let months = (untilYear - fromYear) * 12 + (untilMonth - fromMonth);
  if (months > 0 && addMonths(from, months) > until) months -= 1;
  return Math.max(0, months);
}
