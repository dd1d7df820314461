/** Today in Europe/Paris, `YYYY-MM-DD`: the day people mean when they type a date. */
export function parisDay(at: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Paris',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);
}
