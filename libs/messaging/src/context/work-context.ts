import { AsyncLocalStorage } from 'node:async_hooks';
import type { CommandLog } from '../rpc/command-log.js';

/**
 * What a piece of work is part of, carried implicitly through every await of it: a
 * request being answered, an event being handled, a job being run. Logs take their
 * `correlationId` from here, and events recorded during the work inherit it.
 */
export interface WorkContext {
  correlationId: string;
  /** The event or request that caused this work, for the events it records. */
  causationId?: string;
  /** Set while answering a command: its id, subject and where its first answer is kept. */
  command?: {
    id: string;
    subject: string;
    log: CommandLog;
    /** The answer recorded in the command's own transaction, once it committed. */
    recorded?: { response: unknown };
  };
}

const storage = new AsyncLocalStorage<WorkContext>();

export function runInWorkContext<T>(context: WorkContext, work: () => T): T {
  return storage.run(context, work);
}

export function currentWorkContext(): WorkContext | undefined {
  return storage.getStore();
}
