import { randomUUID } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import type { RpcErrorBody } from '@boucle/contracts';

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

/**
 * Sends a command or query to a service over NATS request/reply, speaking the
 * framing of Nest's NATS transport, and turns a typed error answer into an
 * RpcError.
 */
export class RpcClient {
  constructor(
    private readonly nc: NatsConnection,
    private readonly prefix = '',
    private readonly timeoutMs = 10_000,
  ) {}

  async request<T = unknown>(subject: string, data: unknown): Promise<T> {
    const packet = JSON.stringify({ pattern: subject, data, id: randomUUID() });
    const msg = await this.nc.request(this.prefix + subject, packet, { timeout: this.timeoutMs });
    const reply = msg.json<NestReply>();
    if (reply.err !== undefined && reply.err !== null) throw new RpcError(toErrorBody(reply.err));
    return reply.response as T;
  }
}

function toErrorBody(err: unknown): RpcErrorBody {
  if (typeof err === 'object' && err !== null && 'code' in err && 'message' in err)
    return err as RpcErrorBody;
  const message =
    typeof err === 'object' && err !== null && 'message' in err ? String(err.message) : String(err);
  return { code: 'internal', message };
}
