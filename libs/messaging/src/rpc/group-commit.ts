import { performance } from 'node:perf_hooks';
import type { EntityManager, MikroORM } from '@boucle/database';
import { outsideWork } from '../context/work-context.js';
import { committing } from '../outbox/local-wake.js';
import { trackTransactions } from '../outbox/outbox.js';

export interface GroupCommitOptions {
  /** How many shared transactions may be open at once, each on a connection of its own. */
  lanes: number;
  /** The most commands one transaction takes (32). */
  maxCommands?: number;
  /**
   * How long one transaction keeps taking commands once it opened (20 ms): its locks are
   * held until it commits, and another transaction may be waiting on them.
   */
  maxOpenMs?: number;
  /** Told of every shared commit: how many commands it answered, how many of them refused. */
  onCommit?: (commit: { commands: number; refused: number }) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

interface Waiting {
  unit: (em: EntityManager) => Promise<unknown>;
  /** Undoes what a run left in memory (a revision found), before the unit runs again. */
  reset?: () => void;
  settle: (outcome: Outcome) => void;
  outcome?: Outcome;
}

/** A lock cycle or a serialisation failure: caused by sharing, not by the command itself. */
const SHARING_FAILURES = new Set(['40P01', '40001']);

function failedForSharing(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && SHARING_FAILURES.has(code);
}

/**
 * Group commit for commands: while a shared transaction is open, the commands that arrive
 * run in it one after the other, each in a savepoint of its own, and all commit at once.
 * A command refused rolls back to its savepoint alone; the others keep what they did.
 * Nobody is answered before the shared commit, a refusal included, since it may rest on
 * what a command before it in the same transaction did; if the commit fails, nothing of
 * the group was kept and each command runs again in a transaction of its own, as it would
 * without grouping. A command caught in a lock cycle with another transaction runs again
 * alone after the commit, rather than being refused for a wait that grouping made.
 *
 * Commands share the transaction's connection, not their objects: a unit works through
 * SQL on the entity manager it is given (as every service here does), never on managed
 * entities another command of the group may have loaded, whose changes a savepoint's
 * rollback would not undo in memory.
 *
 * What this saves is the commit itself (a WAL flush waited for) and its round trips, once
 * per group rather than once per command; and commands contending for one row no longer
 * queue on its lock one transaction after another. An idle lane takes a command at once,
 * so a command arriving alone is not held back to wait for company.
 */
export class GroupCommit {
  private readonly queues: Waiting[][];
  private readonly busy: boolean[];
  private readonly maxCommands: number;
  private readonly maxOpenMs: number;
  private readonly onCommit: GroupCommitOptions['onCommit'];

  constructor(
    readonly orm: MikroORM,
    options: GroupCommitOptions,
  ) {
    this.onCommit = options.onCommit;
    const lanes = Math.max(1, Math.floor(options.lanes));
    this.queues = Array.from({ length: lanes }, () => []);
    this.busy = Array.from({ length: lanes }, () => false);
    this.maxCommands = options.maxCommands ?? 32;
    this.maxOpenMs = options.maxOpenMs ?? 20;
    trackTransactions(orm);
  }

  run<T>(unit: (em: EntityManager) => Promise<T>, reset?: () => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const waiting: Waiting = {
        unit,
        ...(reset ? { reset } : {}),
        settle: (outcome) =>
          // Whatever the command threw, as it threw it: a refusal, a database error.
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
          outcome.ok ? resolve(outcome.value as T) : reject(outcome.error),
      };
      let lane = this.busy.indexOf(false);
      if (lane < 0) {
        lane = 0;
        for (let i = 1; i < this.queues.length; i++)
          if (this.queues[i]!.length < this.queues[lane]!.length) lane = i;
      }
      this.queues[lane]!.push(waiting);
      // Outside the caller's work: the lane serves many callers, none of whose context it has.
      if (!this.busy[lane]) outsideWork(() => void this.drain(lane));
    });
  }

  private async drain(lane: number): Promise<void> {
    this.busy[lane] = true;
    const queue = this.queues[lane]!;
    try {
      while (queue.length > 0) {
        const group: Waiting[] = [];
        try {
          await committing(() =>
            this.orm.em.fork().transactional(async (em) => {
              const opened = performance.now();
              while (
                queue.length > 0 &&
                group.length < this.maxCommands &&
                (group.length === 0 || performance.now() - opened < this.maxOpenMs)
              ) {
                const waiting = queue.shift()!;
                group.push(waiting);
                try {
                  waiting.outcome = { ok: true, value: await em.transactional(waiting.unit) };
                } catch (error) {
                  waiting.outcome = { ok: false, error };
                }
              }
              // A command that caught a statement's error and went on fails at its savepoint's
              // release, and is refused alone, its events dropped with its savepoint (outbox.ts).
            }),
          );
        } catch {
          // Nothing of the group was kept: each again, alone, as without grouping. A
          // transaction that could not even begin (the database away) takes the next one
          // alone, which fails as it would have alone, rather than trying again at once.
          if (group.length === 0) group.push(queue.shift()!);
          await Promise.all(group.map((waiting) => this.alone(waiting)));
          continue;
        }
        try {
          this.onCommit?.({
            commands: group.length,
            refused: group.filter((waiting) => !waiting.outcome!.ok).length,
          });
        } catch {
          // A metric that fails must not leave committed commands unanswered.
        }
        await Promise.all(
          group.map(async (waiting) => {
            const outcome = waiting.outcome!;
            if (!outcome.ok && failedForSharing(outcome.error)) return this.alone(waiting);
            waiting.settle(outcome);
          }),
        );
      }
    } finally {
      this.busy[lane] = false;
    }
  }

  private async alone(waiting: Waiting): Promise<void> {
    waiting.reset?.();
    try {
      waiting.settle({
        ok: true,
        value: await committing(() => this.orm.em.fork().transactional(waiting.unit)),
      });
    } catch (error) {
      waiting.settle({ ok: false, error });
    }
  }
}
