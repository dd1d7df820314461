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

const BEGIN = /^\s*(begin|start\s+transaction)\b[^;]*;?\s*$/i;
const COMMIT = /^\s*commit\s*;?\s*$/i;
const ROLLBACK = /^\s*rollback\s*;?\s*$/i;

type Callback = (error: Error | null, result?: pg.QueryResult) => void;
type Values = unknown[] | undefined;

/** What pg's Query object answers to, as the client hands it each message of the reply. */
interface Replying {
  text?: string;
  _result: { _types?: unknown };
  submit(connection: Connection): Error | null | undefined;
  handleRowDescription(msg: unknown): void;
  handleDataRow(msg: unknown): void;
  handleCommandComplete(msg: unknown, connection: Connection): void;
  handleEmptyQuery(connection: Connection): void;
  handleError(error: Error, connection: Connection): void;
  handleReadyForQuery(connection: Connection): void;
}

interface Connection {
  stream: { cork?: () => void; uncork?: () => void };
  parse(query: { text: string; name?: string; types?: unknown[] }): void;
  bind(config: { values: unknown[] }): void;
  execute(config: Record<string, never>): void;
}

const QueryClass = (pg as unknown as { Query: new (...args: unknown[]) => Replying }).Query;

/**
 * A transaction's BEGIN and its first statement, in one write and one reply. The BEGIN
 * goes as an extended-protocol statement without a Sync of its own, so that if it fails,
 * PostgreSQL skips the statement too (up to the statement's Sync): the statement never
 * runs outside the transaction it was meant for. The BEGIN's own completion is not the
 * caller's answer and is passed over.
 */
class BeginThen {
  private beginDone = false;

  constructor(
    private readonly begin: string,
    private readonly statement: Replying,
  ) {}

  submit(connection: Connection): Error | null | undefined {
    connection.stream.cork?.();
    try {
      connection.parse({ text: this.begin, name: '', types: [] });
      connection.bind({ values: [] });
      connection.execute({});
      return this.statement.submit(connection);
    } finally {
      connection.stream.uncork?.();
    }
  }

  handleCommandComplete(msg: unknown, connection: Connection): void {
    if (!this.beginDone) {
      this.beginDone = true;
      return;
    }
    this.statement.handleCommandComplete(msg, connection);
  }

  handleRowDescription(msg: unknown): void {
    this.statement.handleRowDescription(msg);
  }

  handleDataRow(msg: unknown): void {
    this.statement.handleDataRow(msg);
  }

  handleEmptyQuery(connection: Connection): void {
    this.statement.handleEmptyQuery(connection);
  }

  handleError(error: Error, connection: Connection): void {
    this.statement.handleError(error, connection);
  }

  handleReadyForQuery(connection: Connection): void {
    this.statement.handleReadyForQuery(connection);
  }
}

function answered(command: string): pg.QueryResult {
  return { command, rowCount: null, oid: 0, rows: [], fields: [] };
}

/**
 * The connections of every ORM here. Two things differ from pg's own client, each
 * saving a round trip; on these machines a round trip costs more of the CPU, on both
 * sides, than most statements do.
 *
 * - A transaction's BEGIN is not sent alone: its answer is always the same, so it is
 *   given at once and the BEGIN leaves with the transaction's first statement (above).
 *   A transaction that sends nothing else costs nothing.
 * - PostgreSQL answers COMMIT of a failed transaction with ROLLBACK, not with an error,
 *   so that a caller who caught a statement's error and went on would be told its work
 *   committed. Here that COMMIT throws: no transaction needs to ask whether it is still
 *   sound before it commits.
 */
export class OrmClient extends pg.Client {
  /** The BEGIN answered but not sent yet, until the transaction's first statement. */
  private pendingBegin: string | undefined;

  /** Drops a BEGIN never followed by anything: the connection goes back to the pool idle. */
  forgetPendingBegin(): void {
    this.pendingBegin = undefined;
  }

  override query(...args: unknown[]): never {
    const [config, values, callback] = args as [unknown, Values | Callback, Callback?];
    const plain = typeof config === 'string' && typeof values !== 'function' && !callback;
    if (!plain) {
      if (this.pendingBegin === undefined) return this.send(args);
      // Never sent ahead of its BEGIN, and never without it: the ORM only sends text and values.
      return Promise.reject(
        new Error('a transaction begun by this client must send its statements as text and values'),
      ) as never;
    }
    const text = config;
    const params = values;
    const noParams = params === undefined || params.length === 0;
    if (this.pendingBegin === undefined) {
      if (noParams && BEGIN.test(text)) {
        this.pendingBegin = text;
        return Promise.resolve(answered('BEGIN')) as never;
      }
      return this.checked(text, this.send(args));
    }
    const begin = this.pendingBegin;
    this.pendingBegin = undefined;
    // Nothing was sent: there is nothing to commit or roll back.
    if (noParams && COMMIT.test(text)) return Promise.resolve(answered('COMMIT')) as never;
    if (noParams && ROLLBACK.test(text)) return Promise.resolve(answered('ROLLBACK')) as never;
    if (noParams) {
      // Without parameters a statement may hold several (a migration's), which the extended
      // protocol refuses: BEGIN goes alone first, and the statement only once it has begun.
      return (this.send([begin]) as unknown as Promise<unknown>).then(() =>
        this.checked(text, this.send([text, params])),
      ) as never;
    }
    return new Promise<pg.QueryResult>((resolve, reject) => {
      const statement = new QueryClass(
        text,
        params,
        (error: Error | null, result: pg.QueryResult) => (error ? reject(error) : resolve(result)),
      );
      // What the client does for the queries it makes itself: its type parsers (the ORM's).
      statement._result._types = (this as unknown as { _types: unknown })._types;
      this.send([new BeginThen(begin, statement)]);
    }) as never;
  }

  private send(args: unknown[]): never {
    return (pg.Client.prototype.query as (...a: unknown[]) => never).apply(this, args);
  }

  private checked(text: string, result: unknown): never {
    if (!COMMIT.test(text) || !(result instanceof Promise)) return result as never;
    return result.then((answer: pg.QueryResult) => {
      if (answer.command === 'ROLLBACK') throw new AbortedTransactionError();
      return answer;
    }) as never;
  }
}

/** For the pool: a connection given back never carries a BEGIN of its last user. */
export function forgetPendingBeginOnRelease(pool: pg.Pool): void {
  pool.on('release', (_error: Error | undefined, client: pg.PoolClient) =>
    (client as unknown as Partial<OrmClient>).forgetPendingBegin?.(),
  );
}
