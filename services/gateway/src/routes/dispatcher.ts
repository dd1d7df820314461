import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { RpcError, type RpcClient } from '@boucle/messaging';
import { AuthenticationError, Authenticator } from '../auth/authenticator.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config.js';
import { problem, problemOf, PROBLEM_CONTENT_TYPE, type Problem } from '../problems/problem.js';
import type { HttpInput, Route } from './routes.js';

export const RPC_CLIENT = Symbol('RPC_CLIENT');

/** The little of an HTTP exchange the gateway reads and writes. */
export interface HttpRequest extends HttpInput {
  headers: Record<string, string | string[] | undefined>;
}
export interface HttpResponse {
  status(code: number): HttpResponse;
  type(contentType: string): HttpResponse;
  json(body: unknown): void;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;

/**
 * One HTTP request in, one service request out: the person authenticated, their
 * identity signed for the service, the `Idempotency-Key` made the command's id, and
 * every answer or refusal turned into JSON or a problem (RFC 9457). Nothing reaches a
 * service before the person is known.
 */
@Injectable()
export class Dispatcher {
  private readonly logger = new Logger('Gateway');

  constructor(
    private readonly authenticator: Authenticator,
    @Inject(RPC_CLIENT) private readonly rpc: RpcClient,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async handle(route: Route, req: HttpRequest, res: HttpResponse): Promise<void> {
    try {
      const actor = await this.authenticator.authenticate(header(req, 'authorization'));
      const input = route.input(req);
      if (typeof input !== 'object' || input === null || Array.isArray(input)) {
        return send(
          res,
          problem(422, 'validation', 'The request breaks a rule', 'the body must be a JSON object'),
        );
      }
      if ('actor' in input) {
        return send(
          res,
          problem(
            422,
            'validation',
            'The request breaks a rule',
            'who calls is the token’s person',
            [{ path: 'actor', message: 'not accepted: the bearer token says who calls' }],
          ),
        );
      }
      const key = header(req, 'idempotency-key');
      if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
        return send(
          res,
          problem(
            422,
            'validation',
            'The request breaks a rule',
            'Idempotency-Key: 1 to 128 visible characters',
            [{ path: 'Idempotency-Key', message: '1 to 128 visible characters' }],
          ),
        );
      }
      const answer = await this.rpc.request(
        route.definition,
        { ...input, actor },
        {
          timeoutMs: this.config.REQUEST_TIMEOUT_MS,
          ...(key !== undefined && route.definition.kind === 'command'
            ? { commandId: commandIdOf(actor.userId, key) }
            : {}),
        },
      );
      res.status(route.status).json(answer);
    } catch (error) {
      send(res, this.problemFor(error));
    }
  }

  private problemFor(error: unknown): Problem {
    if (error instanceof AuthenticationError)
      return problem(401, 'unauthenticated', 'Not authenticated', error.message);
    if (error instanceof RpcError) {
      // The same key with another body is another request: not the one it replays.
      if (error.code === 'conflict' && /already used for another request/.test(error.message))
        return problem(
          422,
          'idempotency-key-reused',
          'The Idempotency-Key was used for another request',
          'send a new key for a new request',
        );
      return problemOf(error.body);
    }
    const name = (error as { name?: string } | null)?.name;
    if (name === 'TimeoutError' || /timeout/i.test(String((error as Error | null)?.message)))
      return problem(
        504,
        'timeout',
        'A service did not answer in time',
        'try again with the same Idempotency-Key',
      );
    if (
      name === 'NoRespondersError' ||
      /no responders/i.test(String((error as Error | null)?.message))
    )
      return problem(503, 'unavailable', 'The service is not available', 'try again shortly');
    this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    return problem(502, 'internal', 'A service failed to answer properly', 'the failure is logged');
  }
}

function header(req: HttpRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function send(res: HttpResponse, body: Problem): void {
  res.status(body.status).type(PROBLEM_CONTENT_TYPE).json(body);
}

/**
 * The command id of a person's Idempotency-Key: the same person's same key is the same
 * command, anyone else's is another; shaped as a UUID, which command ids are.
 */
export function commandIdOf(userId: string, key: string): string {
  const hex = createHash('sha256').update(`${userId}\n${key}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
