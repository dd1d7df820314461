import type { RpcErrorBody, RpcErrorCode } from '@boucle/contracts';

/** A refusal the caller can act on; travels back as a typed RPC error. */
export class InventoryError extends Error {
  constructor(
    readonly code: RpcErrorCode,
    message: string,
    readonly extra: Omit<RpcErrorBody, 'code' | 'message'> = {},
  ) {
    super(message);
    this.name = 'InventoryError';
  }

  toBody(): RpcErrorBody {
    return { code: this.code, message: this.message, ...this.extra };
  }
}

export const notFound = (what: string, id: string) =>
  new InventoryError('not-found', `${what} ${id} not found`);

export const forbidden = (message: string) => new InventoryError('forbidden', message);

export const insufficientQuantity = (message: string) =>
  new InventoryError('insufficient-quantity', message);

export const invalidTransition = (
  what: string,
  current: string,
  target: string,
  allowed: readonly string[],
) =>
  new InventoryError(
    'invalid-transition',
    `${what} is ${current}: it cannot become ${target} (allowed next: ${allowed.length ? allowed.join(', ') : 'none'})`,
    { currentState: current, allowedStates: [...allowed] },
  );

export const validation = (path: string, message: string) =>
  new InventoryError('validation', `${path}: ${message}`, { issues: [{ path, message }] });
