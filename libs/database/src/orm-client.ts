import pg from 'pg';

/**
 * A COMMIT that PostgreSQL answered with a rollback: a statement of the transaction
 * had failed, its error was caught and the work went on. Nothing of it was kept.
 * Its SQLSTATE is PostgreSQL's own for a statement in a failed transaction.
 */
export class AbortedTransactionError extends Error {
  readonly code = '25P02';

  constructor() {
    super(
      'current transaction is aborted: a statement of it failed and its error was caught, so its COMMIT rolled it back and nothing of it was kept',
    );
    this.name = 'AbortedTransactionError';
  }
}

const COMMIT = /^\s*commit\s*;?\s*$/i;

/**
 * The connections of every ORM here. PostgreSQL answers COMMIT of a failed transaction
 * with ROLLBACK, not with an error, so that a caller who caught a statement's error and
 * went on would be told its work committed. Here that COMMIT throws: no transaction
 * needs an extra round trip to ask whether it is still sound before it commits.
 */
export class OrmClient extends pg.Client {
  override query(...args: unknown[]): never {
    const result = (pg.Client.prototype.query as (...a: unknown[]) => unknown).apply(this, args);
    if (typeof args[0] !== 'string' || !COMMIT.test(args[0]) || !(result instanceof Promise))
      return result as never;
    return result.then((answer: pg.QueryResult) => {
      if (answer.command === 'ROLLBACK') throw new AbortedTransactionError();
      return answer;
    }) as never;
  }
}
