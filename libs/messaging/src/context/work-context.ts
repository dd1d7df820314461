import { AsyncLocalStorage } from 'node:async_hooks';
import type { Actor } from '@boucle/contracts';
import type { CommandLog } from '../rpc/command-log.js';

/**
 * What a piece of work is part of, carried implicitly through every await of it: a
 * request being answered, an event being handled, a job being run. Logs take their
 * `correlationId` from here, and events recorded during the work inherit it.
 */
export interface WorkContext {
  correlationId: string;
  /** Who is calling, as the request's identity proves it; never what a request body claims. */
  actor?: Actor;
  /** Why the request's identity was refused, when it carried one that is not valid. */
  identityError?: string;
  /** The event or request that caused this work, for the events it records. */
  causationId?: string;
  /** Set while answering a command: its id, subject and where its first answer is kept. */
  command?: {
    id: string;
    subject: string;
    log: CommandLog;
    /** The request as validated, hashed: a replay must be the same request from the same actor. */
    fingerprint?: string;
    /** The answer as the contract allows it, checked before it is recorded. */
    check?: (result: unknown) => unknown;
    /** The answer recorded in the command's own transaction, once it committed. */
    recorded?: { response: unknown };
    /** Set once the command is answered: work it left running (a timer) records nothing. */
    done?: boolean;
  };
  /** A command id that is not one: a command carrying it is refused rather than run unprotected. */
  invalidCommandId?: boolean;
  /** Set while a transaction of this work is open: another one inside it would not be part of it. */
  inTransaction?: boolean;
}

const storage = new AsyncLocalStorage<WorkContext>();

export function runInWorkContext<T>(context: WorkContext, work: () => T): T {
  return storage.run(context, work);
}

export function currentWorkContext(): WorkContext | undefined {
  return storage.getStore();
}

/**
 * For work started now but run later, outside what is under way (a timer): it keeps
 * the correlation and nothing else, neither the command being answered nor the
 * transaction open now, which will long be over when it runs.
 */
export function detached<TArgs extends unknown[], TResult>(
  work: (...args: TArgs) => TResult,
): (...args: TArgs) => TResult {
  const correlationId = currentWorkContext()?.correlationId;
  return (...args) =>
    correlationId ? runInWorkContext({ correlationId }, () => work(...args)) : work(...args);
}
