import { Refusal, registerConstraintRefusal } from '@boucle/messaging';

export { Refusal };

// The guarded ledger statement refuses first; the balance's own CHECK is the backstop.
registerConstraintRefusal('stock_balance_quantity_check', {
  code: 'insufficient-quantity',
  message: 'not enough stock for this movement',
});

export const notFound = (what: string, id: string) =>
  new Refusal('not-found', `${what} ${id} not found`);

export const forbidden = (message: string) => new Refusal('forbidden', message);

export const insufficientQuantity = (message: string) =>
  new Refusal('insufficient-quantity', message);

export const invalidTransition = (
  what: string,
  current: string,
  target: string,
  allowed: readonly string[],
) =>
  new Refusal(
    'invalid-transition',
    `${what} is ${current}: it cannot become ${target} (allowed next: ${allowed.length ? allowed.join(', ') : 'none'})`,
    { currentState: current, allowedStates: [...allowed] },
  );

export const validation = (path: string, message: string) =>
  new Refusal('validation', `${path}: ${message}`, { issues: [{ path, message }] });

/**
 * The refusal an event's request meets: the service's own, or one of the database's
 * guards (a value it cannot take, a rule of the record), which retrying would only meet
 * again; undefined for anything else (the database going away), which is retried. A
 * consumer answers every refusal (a reservation request gets its rejection) instead of
 * retrying it until it is dead-lettered.
 */
export function asRefusal(error: unknown): Refusal | undefined {
  if (error instanceof Refusal) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && (code.startsWith('22') || code.startsWith('23')))
    return new Refusal('validation', 'the request breaks a rule of the record it would write');
  return undefined;
}
