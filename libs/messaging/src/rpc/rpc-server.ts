import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { ServerNats, type NatsContext, type NatsOptions } from '@nestjs/microservices';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { RPC_HEADERS } from '@boucle/contracts';
import { runInWorkContext, type WorkContext } from '../context/work-context.js';
import type { CommandLog } from './command-log.js';
import { IdentityError, type IdentityVerifier } from '../identity/identity.js';

type NatsServerOptions = NonNullable<NatsOptions['options']>;

/** Told of every answer sent: its contract subject, the error answered if any, and how long it took. */
export type RpcReplyObserver = (reply: {
  subject: string;
  error: unknown;
  seconds: number;
}) => void;

/**
 * Nest's NATS request/reply server with every subject under a prefix: empty in
 * production, unique per test file so that test files sharing one NATS server
 * never answer each other's requests. Handlers keep their contract subjects.
 */
export interface RpcServerOptions {
  nats: NatsServerOptions;
  /** Empty in production, unique per test file. */
  prefix?: string;
  onReply?: RpcReplyObserver;
  /** Where commands keep their first answer; without it, a retried command runs again. */
  commandLog?: CommandLog;
  /** Verifies who is calling; without it, every request is refused as unauthenticated. */
  identity?: IdentityVerifier;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** `<object id> <revision>`; a header that is not one still binds: it names nothing, so the command is refused. */
const IF_MATCH = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}) (\d{1,19})$/i;

export class RpcServer extends ServerNats {
  private readonly prefixed: Subscription[] = [];
  private bound: NatsConnection | undefined;
  private readonly natsOptions: NatsServerOptions;
  private readonly prefix: string;
  private readonly onReply: RpcReplyObserver | undefined;
  private readonly commandLog: CommandLog | undefined;
  private readonly identity: IdentityVerifier | undefined;
  private readonly requestLogger = new Logger('Rpc');
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(options: RpcServerOptions) {
    super(options.nats);
    this.natsOptions = options.nats;
    this.prefix = options.prefix ?? '';
    this.onReply = options.onReply;
    this.commandLog = options.commandLog;
    this.identity = options.identity;
  }

  /**
   * Every request is answered inside its work context: the caller's correlation id (or a
   * new one) for the logs and the events it records, and its command id, if any.
   */
  override handleMessage(channel: string, natsMsg: Msg): Promise<unknown> {
    const answering = this.contextOf(channel, natsMsg).then((context) =>
      runInWorkContext(context, () => super.handleMessage(channel, natsMsg)),
    );
    this.inFlight.add(answering);
    void answering.finally(() => this.inFlight.delete(answering)).catch(() => undefined);
    return answering;
  }

  /**
   * The first step of a graceful stop: take no new request (the other replicas of the
   * queue group get them), and let those in hand be answered while the database, the
   * broker and the relay are still there. Bounded, so a hung handler cannot hold the stop.
   */
  async drain(timeoutMs = 10_000): Promise<void> {
    await Promise.allSettled(this.prefixed.splice(0).map((subscription) => subscription.drain()));
    const settled = Promise.allSettled([...this.inFlight]);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      settled,
      new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs).unref())),
    ]);
    clearTimeout(timer);
  }

  private async contextOf(channel: string, msg: Msg): Promise<WorkContext> {
    const context = this.headersOf(channel, msg);
    const token = msg.headers?.get(RPC_HEADERS.identity);
    if (!token) return context;
    if (!this.identity) return { ...context, identityError: 'this service verifies no identity' };
    try {
      return { ...context, actor: await this.identity.verify(token) };
    } catch (error) {
      return {
        ...context,
        identityError: error instanceof IdentityError ? error.message : 'invalid identity',
      };
    }
  }

  private headersOf(channel: string, msg: Msg): WorkContext {
    const raw = (name: string) => msg.headers?.get(name) || undefined;
    // Ids from outside are used only when they are ids: they end up in logs and events.
    const id = (value: string | undefined) =>
      value && UUID.test(value) ? value.toLowerCase() : undefined;
    const sentCommandId = raw(RPC_HEADERS.commandId);
    const commandId = id(sentCommandId);
    const subject = channel.startsWith(this.prefix) ? channel.slice(this.prefix.length) : channel;
    const sentIfMatch = raw(RPC_HEADERS.ifMatch);
    const ifMatch = sentIfMatch === undefined ? null : IF_MATCH.exec(sentIfMatch);
    return {
      ...(sentIfMatch !== undefined
        ? { precondition: { id: ifMatch?.[1]?.toLowerCase() ?? '', revision: ifMatch?.[2] ?? '' } }
        : {}),
      correlationId: id(raw(RPC_HEADERS.correlationId)) ?? randomUUID(),
      ...(commandId ? { causationId: commandId } : {}),
      ...(sentCommandId !== undefined && commandId === undefined ? { invalidCommandId: true } : {}),
      ...(commandId && this.commandLog
        ? { command: { id: commandId, subject, log: this.commandLog } }
        : {}),
    };
  }

  /**
   * Ready only once the broker has our subscriptions: they are buffered in the client,
   * and a request sent on another connection right after start would otherwise find
   * no responder.
   */
  override start(callback: (error?: unknown) => void): void {
    super.start((error?: unknown) => {
      if (error !== undefined || !this.bound) return callback(error);
      this.bound.flush().then(() => callback(), callback);
    });
  }

  override bindEvents(client: NatsConnection): void {
    this.bound = client;
    const queue: unknown = this.natsOptions['queue'];
    for (const [pattern, handler] of this.messageHandlers) {
      const chosen: unknown = handler.extras?.['queue'] ?? queue;
      const callback = this.getMessageHandler(pattern).bind(this) as (
        error: Error | null,
        msg: Msg,
      ) => void;
      this.prefixed.push(
        client.subscribe(this.prefix + pattern, {
          ...(typeof chosen === 'string' ? { queue: chosen } : {}),
          callback,
        }),
      );
    }
  }

  /**
   * Observed where the answer leaves, not in an interceptor: interceptors run inside
   * the controllers' exception filters, so only here is the error the one the caller
   * receives (a database guard answered as `insufficient-quantity`, not `internal`).
   */
  override getPublisher(
    natsMsg: Msg,
    id: string,
    ctx: NatsContext,
  ): (response: unknown) => unknown {
    const publish = super.getPublisher(natsMsg, id, ctx);
    if (!natsMsg.reply) return publish;
    const onReply = this.onReply;
    const started = performance.now();
    const subject = natsMsg.subject.startsWith(this.prefix)
      ? natsMsg.subject.slice(this.prefix.length)
      : natsMsg.subject;
    let observed = false;
    return (response: unknown) => {
      // The first packet of an answer is the one the caller waits for.
      if (!observed) {
        observed = true;
        const { err } = (response ?? {}) as { err?: unknown };
        const seconds = (performance.now() - started) / 1000;
        const code = (err as { code?: unknown } | undefined)?.code;
        const outcome =
          err === undefined || err === null ? 'ok' : typeof code === 'string' ? code : 'error';
        this.requestLogger.log(
          `${subject} answered ${outcome} in ${(seconds * 1000).toFixed(1)} ms`,
        );
        onReply?.({ subject, error: err ?? undefined, seconds });
      }
      return publish(response) as unknown;
    };
  }

  override async close(): Promise<void> {
    for (const subscription of this.prefixed.splice(0)) subscription.unsubscribe();
    await super.close();
  }
}
