import type { EntityManager, MikroORM } from '@boucle/database';
import { COMMAND_LOG_TABLE } from '../migrations.js';
import { currentWorkContext } from '../context/work-context.js';

export interface RecordedCommand {
  subject: string;
  response: unknown;
}

/**
 * The first answer of each command, written in the command's own transaction: a
 * caller that timed out and sends the same command id again gets that answer, and
 * the command acts once. A refused command commits nothing and keeps no answer, so
 * its retry is judged afresh.
 */
export class CommandLog {
  constructor(private readonly orm: MikroORM) {}

  async find(commandId: string): Promise<RecordedCommand | undefined> {
    const [row] = await this.orm.em
      .fork()
      .execute<{ subject: string; response: unknown }[]>(
        `SELECT subject, response FROM ${COMMAND_LOG_TABLE} WHERE command_id = ?`,
        [commandId],
      );
    return row ? { subject: row.subject, response: row.response } : undefined;
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

/**
 * Runs `work` in a transaction of its own. While a command is being answered, the
 * transaction's result is recorded as the command's answer before it commits, so that
 * the change and the proof that it was made commit together. A command answers with
 * the result of its one transaction; work done after it (scheduling a job) must be
 * safe to repeat.
 */
export async function inTransaction<T>(
  orm: MikroORM,
  work: (em: EntityManager) => Promise<T>,
): Promise<T> {
  const command = currentWorkContext()?.command;
  if (!command || command.recorded) return orm.em.fork().transactional(work);
  const response = await orm.em.fork().transactional(async (em) => {
    const result = await work(em);
    await em.execute(
      `INSERT INTO ${COMMAND_LOG_TABLE} (command_id, subject, response) VALUES (?, ?, ?::jsonb)`,
      [command.id, command.subject, JSON.stringify(result ?? null)],
    );
    return result;
  });
  command.recorded = { response };
  return response;
}
