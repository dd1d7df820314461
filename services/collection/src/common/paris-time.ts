/*
 * Days and times as the cluster reads them: dates and hours people give are Europe/Paris
 * local, so "Tuesday 09:00" is 08:00 UTC in winter and 07:00 in summer, and a round's
 * day is Paris's day, not UTC's.
 */

const TIME_ZONE = 'Europe/Paris';

const PARTS = new Intl.DateTimeFormat('en-CA', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

function parisParts(at: Date): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of PARTS.formatToParts(at))
    if (part.type !== 'literal') out[part.type] = Number(part.value);
  return out;
}

/** The Paris day (`YYYY-MM-DD`) of an instant. */
export function parisDay(at: Date = new Date()): string {
  const p = parisParts(at);
  return `${String(p['year']).padStart(4, '0')}-${String(p['month']).padStart(2, '0')}-${String(p['day']).padStart(2, '0')}`;
}

/** Minutes Paris is ahead of UTC at that instant (60 in winter, 120 in summer). */
function offsetMinutes(at: Date): number {
  const p = parisParts(at);
  const asUtc = Date.UTC(
    p['year']!,
    p['month']! - 1,
    p['day'],
    p['hour'],
    p['minute'],
    p['second'],
  );
  return Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
}

/**
 * The instant of a Paris wall-clock time on a day. A time that does not exist (the hour
 * skipped in March) falls after the gap; one that happens twice (October) is the first.
 */
export function parisInstant(day: string, time = '00:00'): Date {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  const wall = Date.UTC(year, month - 1, date, hour, minute);
  let guess = wall - offsetMinutes(new Date(wall)) * 60_000;
  // A second pass settles the guesses made across a change of offset.
  guess = wall - offsetMinutes(new Date(guess)) * 60_000;
  return new Date(guess);
}

/** The day `days` after (or before) `day`. */
export function addDays(day: string, days: number): string {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, date + days)).toISOString().slice(0, 10);
}

/** ISO weekday of a day: 1 = Monday … 7 = Sunday. */
export function isoWeekday(day: string): number {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const weekday = new Date(Date.UTC(year, month - 1, date)).getUTCDay();
  return weekday === 0 ? 7 : weekday;
}

/** Whole weeks between the Mondays of two days' weeks (negative when `to` is earlier). */
export function weeksBetween(from: string, to: string): number {
  const monday = (day: string) => Date.parse(addDays(day, 1 - isoWeekday(day)));
  return Math.round((monday(to) - monday(from)) / (7 * 86_400_000));
}

/** The Paris day's bounds, as instants: its midnight and the next. */
export function parisDayBounds(day: string): { start: Date; end: Date } {
  return { start: parisInstant(day), end: parisInstant(addDays(day, 1)) };
}
