/**
 * Failures of the infrastructure rather than of the handler: the database or the
 * broker is away for a moment, or PostgreSQL chose this transaction as the victim
 * of a conflict. Retrying the same message later succeeds without anyone fixing
 * anything, so such a failure must never use up one of its deliveries.
 */

/** Socket-level errors: the server is down, restarting or unreachable for a moment. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/** SQLSTATEs that a retry of the same transaction answers. */
const SQLSTATES = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '53300', // too_many_connections
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, in recovery)
]);

/** What the PostgreSQL and NATS clients say when a connection dies under a query. */
const MESSAGES =
  /connection terminated|connection error and is not queryable|timeout exceeded when trying to connect|terminating connection|server closed the connection|connection (is )?closed|Connection ended unexpectedly|the database system is (starting up|shutting down|in recovery)/i;

/** NATS request timeouts and a connection that is reconnecting. */
const NATS_NAMES = new Set(['TimeoutError', 'RequestError', 'ConnectionError']);

export class HandlerTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`handler did not finish within ${timeoutMs} ms`);
    this.name = 'HandlerTimeoutError';
  }
}

/** True when `error`, or any error in its `cause` chain, is a passing infrastructure failure. */
export function isTransientError(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 10; depth++) {
    if (current instanceof HandlerTimeoutError) return false;
    if (typeof current !== 'object') return false;
    const { code, name, message, cause } = current as {
      code?: unknown;
      name?: unknown;
      message?: unknown;
      cause?: unknown;
    };
    if (typeof code === 'string') {
      if (NETWORK_CODES.has(code)) return true;
      // 08xxx: connection exceptions of every kind.
      if (/^08[0-9A-Z]{3}$/.test(code) || SQLSTATES.has(code)) return true;
    }
    if (typeof name === 'string' && NATS_NAMES.has(name)) return true;
    if (typeof message === 'string' && MESSAGES.test(message)) return true;
    current = cause;
  }
  return false;
}

/**
 * A statement, or the COMMIT (orm-client.ts in the database library), of a
 * transaction that had already failed: whoever runs next in it is not to blame.
 */
export function isAbortedTransaction(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 10; depth++) {
    if (typeof current !== 'object') return false;
    const { code, message, cause } = current as {
      code?: unknown;
      message?: unknown;
      cause?: unknown;
    };
    if (code === '25P02' || /current transaction is aborted/i.test(String(message))) return true;
    current = cause;
  }
  return false;
}
