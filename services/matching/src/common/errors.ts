import { Refusal, registerConstraintRefusal } from '@boucle/messaging';

export { Refusal };

// The service refuses first; this is the backstop for two requests racing.
registerConstraintRefusal('reservation_live', {
  code: 'conflict',
  message: 'this need already has a live reservation of this good',
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
