/**
 * Moments as people of the cluster give them: a day and a time on the wall clock of
 * Paris, whatever the device's own zone (a tablet set to UTC, a laptop abroad), sent with
 * their offset (`2026-12-01T08:00:00+01:00`), as the API takes them. Summer and winter
 * time are Intl's business, not a fixed +01:00.
 */
export const CLUSTER_ZONE = 'Europe/Paris';

const offsets = new Map<string, Intl.DateTimeFormat>();

/** The zone's offset from UTC at that instant, in minutes (60 in winter in Paris, 120 in summer). */
export function offsetMinutes(instantMs: number, zone = CLUSTER_ZONE): number {
  let format = offsets.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone: zone, timeZoneName: 'longOffset' });
    offsets.set(zone, format);
  }
  const name = format.formatToParts(instantMs).find((p) => p.type === 'timeZoneName')?.value;
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name ?? '');
  if (!match) return 0;
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

/**
 * `2026-12-01T08:00` on the zone's wall clock as the API's moment with its offset, or
 * undefined when it is not such a value. A time that does not exist (the hour skipped in
 * March) is taken as the zone's clocks read it, one hour later.
 */
export function zonedInstant(local: string, zone = CLUSTER_ZONE): string | undefined {
  const m = LOCAL.exec(local);
  if (!m) return undefined;
  const [, y, mo, d, h, mi] = m.map(Number) as [number, number, number, number, number, number];
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  if (Number.isNaN(wall) || new Date(wall).getUTCDate() !== d) return undefined;
  // The offset at the guess, then at the instant it gives: they differ only around a change.
  let offset = offsetMinutes(wall - offsetMinutes(wall, zone) * 60_000, zone);
  const instant = wall - offset * 60_000;
  offset = offsetMinutes(instant, zone);
  const at = new Date(instant + offset * 60_000).toISOString().slice(0, 16);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${at}:00${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** A moment (any ISO form) as the zone's wall clock reads it, for a `datetime-local` field. */
export function zonedLocal(iso: string, zone = CLUSTER_ZONE): string {
  const ms = new Date(iso).getTime();
  if (Number.isNaN(ms)) return '';
  return new Date(ms + offsetMinutes(ms, zone) * 60_000).toISOString().slice(0, 16);
}

/** Today on the zone's calendar, `2026-12-01`. */
export function zonedToday(now = Date.now(), zone = CLUSTER_ZONE): string {
  return zonedLocal(new Date(now).toISOString(), zone).slice(0, 10);
}

/** The day after `2026-12-31`: `2027-01-01`. */
export function nextDay(day: string): string {
  const ms = Date.parse(`${day}T00:00:00Z`);
  return new Date(ms + 86_400_000).toISOString().slice(0, 10);
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
