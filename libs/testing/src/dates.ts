/**
 * Today in Europe/Paris, `YYYY-MM-DD`: the day the services record things on. UTC's day
 * differs from it for an hour or two around midnight, when a test dating a gate by UTC
 * would be refused as before the intake.
 */
export function parisDay(at: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Paris',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);
}
