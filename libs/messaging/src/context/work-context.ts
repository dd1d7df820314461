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
  /** The revision the caller last read of the object it changes (If-Match), and what was found. */
  precondition?: Precondition;
}

export interface Precondition {
  id: string;
  revision: string;
  /** The revision the command's transaction found, at its first locked read of the object. */
  found?: string;
}

const storage = new AsyncLocalStorage<WorkContext>();

/**
 * A service tells what revision of an object it found, at its first locked read of it. The
 * comparison with what the caller read waits for the end of the work: a refusal for
 * ownership or a rule comes first, and a changed revision never reveals another member's
 * object that the caller could not have read.
 */
export function foundRevision(id: string, revision: string): void {
  const precondition = currentWorkContext()?.precondition;
  if (precondition && precondition.id === id && precondition.found === undefined)
    precondition.found = revision;
}

export function runInWorkContext<T>(context: WorkContext, work: () => T): T {
  return storage.run(context, work);
}

export function currentWorkContext(): WorkContext | undefined {
  return storage.getStore();
}

/** Runs `work` as part of no work in particular: for machinery that serves many at once. */
export function outsideWork<T>(work: () => T): T {
  return storage.exit(work);
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
