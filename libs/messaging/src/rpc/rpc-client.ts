import { randomUUID } from 'node:crypto';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import {
  ActorSchema,
  RPC_HEADERS,
  RpcErrorSchema,
  type Actor,
  type RpcDefinition,
  type RpcErrorBody,
  type RpcRequestInput,
  type RpcResponse,
} from '@boucle/contracts';
import { currentWorkContext } from '../context/work-context.js';
import type { IdentitySigner } from '../identity/identity.js';

/** A typed error answered by a service instead of a result. */
export class RpcError extends Error {
  constructor(readonly body: RpcErrorBody) {
    super(body.message);
    this.name = 'RpcError';
  }

  get code(): RpcErrorBody['code'] {
    return this.body.code;
  }
}

interface NestReply {
  response?: unknown;
  err?: unknown;
  isDisposed?: boolean;
}

export interface RpcRequestOptions {
  /**
   * The command's id; a new one when not given. Send the same id again to retry a
   * command whose answer never came: it acts once and answers as the first time.
   */
  commandId?: string;
  /** Defaults to the work under way, or a new one. */
  correlationId?: string;
  timeoutMs?: number;
  /** How many times to send again, with the same command id, after a timeout (0). */
  retries?: number;
  /** An identity token already signed, sent as it is instead of one this client signs. */
  identity?: string;
  /** Act only if this object is still at this revision (what the caller read of it). */
  ifMatch?: { id: string; revision: string };
}

/**
 * Sends a command or query to a service over NATS request/reply, speaking the
 * framing of Nest's NATS transport. A typed error answer becomes an RpcError; an
 * answer whose shape its contract does not allow is the server's fault, reported as
 * an `internal` RpcError and never passed on.
 */
export class RpcClient {
  constructor(
    private readonly nc: NatsConnection,
    private readonly prefix = '',
    private readonly timeoutMs = 10_000,
    /** Who may speak for people (the gateway, tests): it signs their identity. */
    private readonly signer?: IdentitySigner,
  ) {}

  /**
   * `input.actor` is who the request is made for: it never travels in the body but as
   * an identity token this client signs, which only a client holding the gateway's key
   * can make.
   */
  async request<TDef extends RpcDefinition>(
    def: TDef,
    input: RpcRequestInput<TDef>,
    options: RpcRequestOptions = {},
  ): Promise<RpcResponse<TDef>> {
    const commandId = def.kind === 'command' ? (options.commandId ?? randomUUID()) : undefined;
    const reply = await this.send(def.subject, input, { ...options, commandId });
    const checked = def.response.safeParse(reply);
    if (checked.success) return checked.data as RpcResponse<TDef>;
    const issues = checked.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join('.') || '(response)'}: ${i.message}`)
      .join('; ');
    throw new RpcError({
      code: 'internal',
      message: `${def.subject} answered a shape its contract does not allow (${issues})`,
    });
  }

  /**
   * The raw exchange, with no contract: for tools and for tests that send what no
   * typed caller could (a malformed request, an unknown subject).
   */
  async send(subject: string, data: unknown, options: RpcRequestOptions = {}): Promise<unknown> {
    const { body, actor } =
      this.signer && !options.identity ? liftActor(data) : { body: data, actor: undefined };
    const packet = JSON.stringify({ pattern: subject, data: body, id: randomUUID() });
    const h = natsHeaders();
    const identity = options.identity ?? (actor && (await this.signer!.sign(actor)));
    if (identity) h.set(RPC_HEADERS.identity, identity);
    h.set(
      RPC_HEADERS.correlationId,
      options.correlationId ?? currentWorkContext()?.correlationId ?? randomUUID(),
    );
    if (options.commandId) h.set(RPC_HEADERS.commandId, options.commandId);
    if (options.ifMatch)
      h.set(RPC_HEADERS.ifMatch, `${options.ifMatch.id} ${options.ifMatch.revision}`);
    const retries = options.retries ?? 0;
    for (let attempt = 0; ; attempt++) {
      try {
        const msg = await this.nc.request(this.prefix + subject, packet, {
          timeout: options.timeoutMs ?? this.timeoutMs,
          headers: h,
        });
        const reply = msg.json<NestReply>();
        if (reply.err !== undefined && reply.err !== null)
          throw new RpcError(toErrorBody(reply.err));
        return reply.response ?? null;
      } catch (error) {
        if (error instanceof RpcError || attempt >= retries || !isTimeout(error)) throw error;
      }
    }
  }
}

/** The actor named in a request, taken out of its body to travel as a signed identity. */
function liftActor(data: unknown): { body: unknown; actor: Actor | undefined } {
  if (typeof data !== 'object' || data === null || Array.isArray(data) || !('actor' in data))
    return { body: data, actor: undefined };
  const { actor, ...body } = data;
  const parsed = ActorSchema.safeParse(actor);
  // Not an actor: sent as it is, for the service to refuse.
  return parsed.success ? { body, actor: parsed.data } : { body: data, actor: undefined };
}

function isTimeout(error: unknown): boolean {
  const e = error as { name?: string; code?: string; message?: string } | null;
  return e?.name === 'TimeoutError' || e?.code === 'TIMEOUT' || /timeout/i.test(e?.message ?? '');
}

function toErrorBody(err: unknown): RpcErrorBody {
  const parsed = RpcErrorSchema.safeParse(err);
  if (parsed.success) return parsed.data;
  const message =
    typeof err === 'object' && err !== null && 'message' in err ? String(err.message) : String(err);
  return { code: 'internal', message };
}
