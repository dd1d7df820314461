import { Refusal, registerConstraintRefusal } from '@boucle/messaging';

export { Refusal };

// The service refuses first; these are the backstops for the races it cannot see.
registerConstraintRefusal('pickup_windows_before_gone', {
  code: 'validation',
  message: "windows: every window must end by the lot's mustBeGoneBy",
});
registerConstraintRefusal('collection_record_pkey', {
  code: 'invalid-transition',
  message: 'this pickup was already recorded as collected',
});

export const notFound = (what: string, id: string) =>
  new Refusal('not-found', `${what} ${id} not found`);

export const forbidden = (message: string) => new Refusal('forbidden', message);

export const validation = (path: string, message: string) =>
  new Refusal('validation', `${path}: ${message}`, { issues: [{ path, message }] });

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
