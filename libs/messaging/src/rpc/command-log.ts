import { createHash } from 'node:crypto';
import type { EntityManager, MikroORM } from '@boucle/database';
import { COMMAND_LOG_TABLE } from '../migrations.js';
import { committing } from '../outbox/local-wake.js';
import { recordAnswerAtCommit, trackTransactions } from '../outbox/outbox.js';
import {
  currentWorkContext,
  runInWorkContext,
  type Precondition,
} from '../context/work-context.js';
import { GroupCommit, type GroupCommitOptions } from './group-commit.js';
import { Refusal } from './refusal.js';

export interface RecordedCommand {
  subject: string;
  fingerprint: string;
  response: unknown;
}

/**
 * The first answer of each command, written in the command's own transaction: a
 * caller that timed out and sends the same command id again gets that answer, and
 * the command acts once. A refused command commits nothing and keeps no answer, so
 * its retry is judged afresh.
 */
export interface CommandLogOptions {
  /** Concurrent commands share transactions (see `GroupCommit`); unset, each has its own. */
  groupCommit?: GroupCommitOptions;
}

export class CommandLog {
  /** Where commands of this database are committed together, when they are. */
  readonly groups: GroupCommit | undefined;

  constructor(
    private readonly orm: MikroORM,
    options: CommandLogOptions = {},
  ) {
    this.groups =
      options.groupCommit && options.groupCommit.lanes > 0
        ? new GroupCommit(orm, options.groupCommit)
        : undefined;
  }

  async find(commandId: string): Promise<RecordedCommand | undefined> {
    const [row] = await this.orm.em
      .fork()
      .execute<RecordedCommand[]>(
        `SELECT subject, fingerprint, response FROM ${COMMAND_LOG_TABLE} WHERE command_id = ? AND response IS NOT NULL`,
        [commandId],
      );
    return row;
  }

  /** Rows older than `maxAgeMs`, at most `limit` of them; returns how many went. */
  async prune(maxAgeMs: number, limit = 10_000): Promise<number> {
    const rows = await this.orm.em.fork().execute<{ n: string }[]>(
      `WITH gone AS (
         DELETE FROM ${COMMAND_LOG_TABLE} WHERE command_id IN (
           SELECT command_id FROM ${COMMAND_LOG_TABLE}
            WHERE recorded_at < clock_timestamp() - make_interval(secs => ?) LIMIT ?)
         RETURNING 1)
       SELECT count(*) AS n FROM gone`,
      [maxAgeMs / 1000, limit],
    );
    return Number(rows[0]?.n ?? 0);
  }
}

/** The same request (its subject, its fields, its actor) gives the same fingerprint. */
export function commandFingerprint(subject: string, request: unknown): string {
  return createHash('sha256')
    .update(subject)
    .update('\n')
    .update(canonicalJson(request))
    .digest('base64url');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export class NestedTransactionError extends Error {
  constructor() {
    super(
      'inTransaction() inside another transaction of the same work would run on another connection, not inside it: pass the EntityManager down instead',
    );
    this.name = 'NestedTransactionError';
  }
}

/**
 * Runs `work` in a transaction of its own. While a command is being answered, the
 * command's id is claimed first thing in the transaction (a retry sent meanwhile waits
 * on it, then replays the answer) and the transaction's result, checked against the
 * contract, is recorded as the answer before it commits: the change and the proof
 * that it was made commit together. A command answers with the result of its one
 * transaction; work done after it (scheduling a job) must be safe to repeat.
 */
/** Refused inside the transaction, so that nothing of a command on a stale revision is kept. */
function assertPrecondition(precondition: Precondition | undefined): void {
  if (!precondition) return;
  if (precondition.found === undefined)
    throw new Refusal('validation', 'If-Match: this request does not change that object', {
      issues: [{ path: 'If-Match', message: 'names an object this request does not change' }],
    });
  if (precondition.found !== precondition.revision)
    throw new Refusal(
      'precondition-failed',
      `it has changed since you read it (revision ${precondition.revision}, now ${precondition.found}): read it again`,
    );
}

/** Refusals of the object's state: on a stale revision, the caller's reading is what is wrong. */
const STATE_REFUSALS = new Set(['invalid-transition', 'insufficient-quantity', 'conflict']);

/**
 * A command refused for the state of an object that changed since the caller read it:
 * "changed since you read it" is the answer they can act on. Refusals of who may act
 * (not found, forbidden) or of the request itself stay as they are: they reveal nothing
 * of a revision the caller could not read.
 */
function staleRefusal(error: unknown, precondition: Precondition | undefined): Refusal | undefined {
  if (!(error instanceof Refusal) || !STATE_REFUSALS.has(error.code)) return undefined;
  if (precondition?.found === undefined || precondition.found === precondition.revision)
    return undefined;
  return new Refusal(
    'precondition-failed',
    `it has changed since you read it (revision ${precondition.revision}, now ${precondition.found}): read it again`,
  );
}

export async function inTransaction<T>(
  orm: MikroORM,
  work: (em: EntityManager) => Promise<T>,
): Promise<T> {
  const context = currentWorkContext();
  if (context?.inTransaction) throw new NestedTransactionError();
  trackTransactions(orm);
  const inside = async <R>(run: () => Promise<R>) => {
    if (!context) return run();
    let result: R;
    try {
      result = await runInWorkContext({ ...context, inTransaction: true }, run);
    } catch (error) {
      throw staleRefusal(error, context.precondition) ?? error;
    }
    assertPrecondition(context.precondition);
    return result;
  };
  const command = context?.command;
  if (!command || command.recorded || command.done || !command.fingerprint) {
    return committing(() => orm.em.fork().transactional((em) => inside(() => work(em))));
  }
  const unit = async (em: EntityManager) => {
    await em.execute(
      `INSERT INTO ${COMMAND_LOG_TABLE} (command_id, subject, fingerprint) VALUES (?, ?, ?)`,
      [command.id, command.subject, command.fingerprint],
    );
    const result = await inside(() => work(em));
    const answer = command.check ? command.check(result) : result;
    // Kept as the transaction commits, with its events, in one statement.
    recordAnswerAtCommit(em, command.id, answer);
    return result;
  };
  const groups = command.log.groups;
  const response =
    groups && groups.orm === orm
      ? await groups.run(unit, () => {
          // Run again: the revision is found again, in the transaction that keeps it.
          if (context?.precondition) delete context.precondition.found;
        })
      : await committing(() => orm.em.fork().transactional(unit));
  command.recorded = { response };
  return response;
}
