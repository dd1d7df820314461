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
