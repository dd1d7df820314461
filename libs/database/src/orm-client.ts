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
/** What a transaction's machinery sends, whose answer is always the same: sent with what follows. */
const DEFERRED = /^\s*(begin|start\s+transaction|savepoint|release(\s+savepoint)?)\b[^;]*;?\s*$/i;
const COMMIT = /^\s*commit\s*;?\s*$/i;
const ROLLBACK = /^\s*rollback\s*;?\s*$/i;
const ROLLBACK_TO = /^\s*rollback\s+to\s+(savepoint\s+)?("[^"]+"|\w+)\s*;?\s*$/i;
const SAVEPOINT = /^\s*savepoint\s+("[^"]+"|\w+)\s*;?\s*$/i;

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
 * What a transaction's machinery deferred (its BEGIN, a savepoint taken or released) and
 * the statement that follows, in one write and one reply. They go as extended-protocol
 * statements without a Sync of their own, so that if one fails, PostgreSQL skips the
 * rest up to the statement's Sync: the statement never runs outside the transaction or
 * savepoint it was meant for. Their completions are not the caller's answer.
 */
class ControlsThen {
  private toPassOver: number;

  constructor(
    private readonly controls: readonly string[],
    private readonly statement: Replying,
  ) {
    this.toPassOver = controls.length;
  }

  submit(connection: Connection): Error | null | undefined {
    connection.stream.cork?.();
    try {
      for (const text of this.controls) {
        connection.parse({ text, name: '', types: [] });
        connection.bind({ values: [] });
        connection.execute({});
      }
      return this.statement.submit(connection);
    } finally {
      connection.stream.uncork?.();
    }
  }

  handleCommandComplete(msg: unknown, connection: Connection): void {
    if (this.toPassOver > 0) {
      this.toPassOver--;
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
 * saving round trips; on these machines a round trip costs more of the CPU, on both
 * sides, than most statements do.
 *
 * - A transaction's BEGIN, and the savepoints of the transactions nested in it, are not
 *   sent alone: their answer is always the same, so it is given at once and they leave
 *   with the next statement (above). A transaction, or a nested one, that sends nothing
 *   else costs nothing. One that fails there fails that statement, which never runs.
 * - PostgreSQL answers COMMIT of a failed transaction with ROLLBACK, not with an error,
 *   so that a caller who caught a statement's error and went on would be told its work
 *   committed. Here that COMMIT throws: no transaction needs to ask whether it is still
 *   sound before it commits.
 */
export class OrmClient extends pg.Client {
  /** Answered but not sent yet: they go with the next statement. */
  private deferred: string[] = [];

  /** Drops what was never followed by anything: the connection goes back to the pool idle. */
  forgetDeferred(): void {
    this.deferred = [];
  }

  override query(...args: unknown[]): never {
    const [config, values, callback] = args as [unknown, Values | Callback, Callback?];
    const plain = typeof config === 'string' && typeof values !== 'function' && !callback;
    if (!plain) {
      if (this.deferred.length === 0) return this.send(args);
      // Never sent ahead of its BEGIN, and never without it: the ORM only sends text and values.
      return Promise.reject(
        new Error('a transaction begun by this client must send its statements as text and values'),
      ) as never;
    }
    const text = config;
    const params = values;
    const noParams = params === undefined || params.length === 0;
    if (noParams && DEFERRED.test(text)) {
      this.deferred.push(text);
      return Promise.resolve(answered(commandOf(text))) as never;
    }
    if (this.deferred.length === 0) return this.checked(text, this.send(args));
    if (noParams) {
      const began = BEGIN.test(this.deferred[0]!);
      // Nothing of the transaction was sent: there is nothing to commit or roll back.
      if (began && (COMMIT.test(text) || ROLLBACK.test(text))) {
        this.deferred = [];
        return Promise.resolve(answered(COMMIT.test(text) ? 'COMMIT' : 'ROLLBACK')) as never;
      }
      // The whole transaction goes: what it deferred since its BEGIN need not be sent first.
      if (ROLLBACK.test(text)) {
        this.deferred = [];
        return this.send(args);
      }
      // Back to a savepoint taken just now and never sent: nothing to undo.
      const to = ROLLBACK_TO.exec(text)?.[2];
      const last = SAVEPOINT.exec(this.deferred[this.deferred.length - 1]!)?.[1];
      if (to !== undefined && to === last) {
        this.deferred.pop();
        return Promise.resolve(answered('ROLLBACK')) as never;
      }
      if (!COMMIT.test(text) && to === undefined) {
        // Without parameters a statement may hold several (a migration's), which the extended
        // protocol refuses: what was deferred goes first, one by one, and the statement only
        // once all of it succeeded.
        const controls = this.deferred.splice(0);
        return controls
          .reduce<Promise<unknown>>(
            (previous, control) => previous.then(() => this.send([control])),
            Promise.resolve(),
          )
          .then(() => this.checked(text, this.send([text, params]))) as never;
      }
    }
    const controls = this.deferred.splice(0);
    return this.checked(
      text,
      new Promise<pg.QueryResult>((resolve, reject) => {
        const statement = new QueryClass(
          { text, values: params ?? [], queryMode: 'extended' },
          undefined,
          (error: Error | null, result: pg.QueryResult) =>
            error ? reject(error) : resolve(result),
        );
        // What the client does for the queries it makes itself: its type parsers (the ORM's).
        statement._result._types = (this as unknown as { _types: unknown })._types;
        this.send([new ControlsThen(controls, statement)]);
      }),
    );
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

function commandOf(text: string): string {
  if (BEGIN.test(text)) return 'BEGIN';
  return SAVEPOINT.test(text) ? 'SAVEPOINT' : 'RELEASE';
}

/** For the pool: a connection given back never carries what its last user deferred. */
export function forgetDeferredOnRelease(pool: pg.Pool): void {
  pool.on('release', (_error: Error | undefined, client: pg.PoolClient) =>
    (client as unknown as Partial<OrmClient>).forgetDeferred?.(),
  );
}
