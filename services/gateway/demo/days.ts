/*
 * The cluster's days are Europe/Paris days, and the times people give a pickup are Paris
 * local times: what the demonstration and its tests write in a request.
 */

/** The Paris day after `day` (`2026-12-01` → `2026-12-02`). */
export function nextDay(day: string): string {
  const noon = new Date(`${day}T12:00:00Z`);
  noon.setUTCDate(noon.getUTCDate() + 1);
  return noon.toISOString().slice(0, 10);
}

/**
 * A Paris local time of a day as an instant with its offset, `2026-12-02T09:00:00+01:00`:
 * the offset of that day's noon (summer time changes at night, when no pickup is made).
 */
export function parisTime(day: string, time: string): string {
  const zone = new Intl.DateTimeFormat('en-US', {
    timeZone: 'Europe/Paris',
    timeZoneName: 'longOffset',
  })
    .formatToParts(new Date(`${day}T12:00:00Z`))
    .find((part) => part.type === 'timeZoneName')!.value;
  return `${day}T${time}:00${zone.replace('GMT', '') || '+00:00'}`;
}

/** A pickup window on a Paris day, between two local times. */
export function windowOn(day: string, from: string, until: string) {
  return { from: parisTime(day, from), until: parisTime(day, until) };
}

/** The Paris day `days` after `day`. */
export function daysAfter(day: string, days: number): string {
  let next = day;
  for (let i = 0; i < days; i++) next = nextDay(next);
  return next;
}
