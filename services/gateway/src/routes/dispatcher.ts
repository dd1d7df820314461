import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { MatchingRpc, type Actor } from '@boucle/contracts';
import { RpcError, type RpcClient } from '@boucle/messaging';
import { AuthenticationError, Authenticator } from '../auth/authenticator.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config.js';
import { ReservationOutcomes } from '../events/reservation-outcomes.js';
import { RateLimiter, type RateDecision } from '../limits/rate-limiter.js';
import { problem, problemOf, PROBLEM_CONTENT_TYPE, type Problem } from '../problems/problem.js';
import type { HttpInput, Route } from './routes.js';

export const RPC_CLIENT = Symbol('RPC_CLIENT');

/** The little of an HTTP exchange the gateway reads and writes. */
export interface HttpRequest extends HttpInput {
  headers: Record<string, string | string[] | undefined>;
  /** The caller's address, as far as the proxies in front are trusted (TRUST_PROXY). */
  ip?: string;
  path: string;
}
export interface HttpResponse {
  status(code: number): HttpResponse;
  type(contentType: string): HttpResponse;
  json(body: unknown): void;
  setHeader(name: string, value: string): unknown;
  end(): void;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** As the contracts' `OpaqueRef`: a pseudonymous reference, never a name or an address. */
const REFERENCE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
/** No form nests this deep; a body that does could only exhaust the stack on its way on. */
const MAX_DEPTH = 32;
/** One strong entity tag, as GET gave it; `*` asks nothing of the revision. */
const ENTITY_TAG = /^"(\d{1,19})"$/;

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
    private readonly limiter: RateLimiter,
    @Inject(RPC_CLIENT) private readonly rpc: RpcClient,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly outcomes: ReservationOutcomes,
  ) {}

  async handle(route: Route, req: HttpRequest, res: HttpResponse): Promise<void> {
    try {
      const address = req.ip ?? 'unknown';
      const authorization = header(req, 'authorization');
      let actor = this.authenticator.known(authorization);
      if (actor) {
        if (!this.within(res, await this.limiter.byAddressAndPerson(address, actor.userId))) return;
      } else {
        // Counted before the token is checked: a flood of bad tokens is held back too.
        if (!this.within(res, await this.limiter.byAddress(address))) return;
        actor = await this.authenticator.authenticate(authorization);
        if (!this.within(res, await this.limiter.byPerson(actor.userId))) return;
      }
      const badParameter = Object.entries(req.params).find(([name, value]) =>
        route.references?.includes(name) ? !REFERENCE.test(value) : !UUID.test(value),
      );
      if (badParameter)
        return send(
          res,
          route.references?.includes(badParameter[0])
            ? problem(
                422,
                'validation',
                'The request breaks a rule',
                `${badParameter[0]}: not a reference`,
                [
                  {
                    path: badParameter[0],
                    message: 'must be an opaque reference (letters, digits, ".", "_", ":", "-")',
                  },
                ],
              )
            : problem(
                422,
                'validation',
                'The request breaks a rule',
                `${badParameter[0]}: not an id`,
                [{ path: badParameter[0], message: 'must be a UUID' }],
              ),
        );
      if (nestedDeeperThan(req.body, MAX_DEPTH))
        return send(
          res,
          problem(
            422,
            'validation',
            'The request breaks a rule',
            `the body nests deeper than ${MAX_DEPTH} levels`,
            [{ path: '(request)', message: `at most ${MAX_DEPTH} levels of nesting` }],
          ),
        );
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
      const ifMatch = header(req, 'if-match');
      const revision =
        ifMatch === undefined || ifMatch === '*' ? undefined : ENTITY_TAG.exec(ifMatch)?.[1];
      if (ifMatch !== undefined && ifMatch !== '*') {
        const id = route.revisionOf && req.params[route.revisionOf];
        if (revision === undefined || !id)
          return send(
            res,
            problem(
              422,
              'validation',
              'The request breaks a rule',
              route.revisionOf
                ? 'If-Match: one entity tag, as the ETag of the object read'
                : 'If-Match: this route changes nothing that has a revision',
              [
                {
                  path: 'If-Match',
                  message: 'one "revision" an ETag gave, on a route that changes it',
                },
              ],
            ),
          );
      }
      const revisionId = route.revisionOf ? req.params[route.revisionOf] : undefined;
      const answer = await this.rpc.request(
        route.definition,
        { ...input, actor },
        {
          timeoutMs: this.config.REQUEST_TIMEOUT_MS,
          ...(key !== undefined && route.definition.kind === 'command'
            ? { commandId: commandIdOf(actor.userId, key) }
            : {}),
          ...(revision !== undefined && revisionId
            ? { ifMatch: { id: revisionId, revision } }
            : {}),
        },
      );
      // What a person may read is theirs alone, and may change at any moment.
      res.setHeader('Cache-Control', 'private, no-cache');
      const etag = route.etag?.(answer);
      if (etag !== undefined) {
        res.setHeader('ETag', `"${etag}"`);
        if (noneMatch(header(req, 'if-none-match'), etag)) {
          res.status(304).end();
          return;
        }
      }
      const next = route.paginated ? (answer as { nextCursor?: string | null }).nextCursor : null;
      if (next) res.setHeader('Link', `<${nextPage(req, next)}>; rel="next"`);
      if (route.awaitsOutcome) return await this.answerReservation(actor, answer, res);
      res.status(route.status).json(answer);
    } catch (error) {
      send(res, this.problemFor(error));
    }
  }

  /**
   * A reservation asked of inventory: its answer (a hold, or why not) usually comes within
   * a moment, and a caller told 201 with it need not poll. The wait ends at the first news
   * of the reservation that leaves it past `requested` in matching, or after
   * RESERVATION_WAIT_MS; the answer is then matching's own view of it, 202 with where to
   * read it while it is still asked. It is made whatever happens while waiting: a failed
   * read answers the reservation as last known, never an error.
   */
  private async answerReservation(actor: Actor, answer: unknown, res: HttpResponse) {
    let view = answer as { reservationId: string; status: string };
    // 0: the request's own answer, at once.
    if (view.status === 'requested' && this.config.RESERVATION_WAIT_MS > 0) {
      const deadline = Date.now() + this.config.RESERVATION_WAIT_MS;
      let heard = 0;
      let read = false;
      for (;;) {
        const left = deadline - Date.now();
        const moved = left > 0 && (await this.outcomes.wait(view.reservationId, left, heard));
        // Inventory's answer may reach the gateway before matching has taken it in: read
        // again at each news, and once at the end in any case.
        if (!moved && read) break;
        heard = this.outcomes.heard(view.reservationId);
        try {
          view = await this.rpc.request(
            MatchingRpc.getReservation,
            { reservationId: view.reservationId, actor },
            { timeoutMs: this.config.REQUEST_TIMEOUT_MS },
          );
        } catch (error) {
          this.logger.warn(
            `reservation ${view.reservationId} read after its request failed: ${String((error as Error | null)?.message)}`,
          );
          break;
        }
        read = true;
        if (!moved || view.status !== 'requested') break;
      }
    }
    res.setHeader('Location', `/v1/reservations/${view.reservationId}`);
    res.status(view.status === 'requested' ? 202 : 201).json(view);
  }

  /** Says how much is left of the window; past its limit, a 429 that says when to come back. */
  private within(res: HttpResponse, decision: RateDecision): boolean {
    res.setHeader('RateLimit-Limit', String(decision.limit));
    res.setHeader('RateLimit-Remaining', String(decision.remaining));
    res.setHeader('RateLimit-Reset', String(decision.resetSeconds));
    if (decision.allowed) return true;
    res.setHeader('Retry-After', String(decision.resetSeconds));
    send(
      res,
      problem(
        429,
        'rate-limited',
        'Too many requests',
        `at most ${decision.limit} a minute; try again in ${decision.resetSeconds} s`,
      ),
    );
    return false;
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

/** If-None-Match holds `*` or a list of tags, compared weakly (RFC 9110 §13.1.2). */
function noneMatch(value: string | undefined, etag: string): boolean {
  if (value === undefined) return false;
  if (value.trim() === '*') return true;
  return value.split(',').some((tag) => tag.trim().replace(/^W\//, '') === `"${etag}"`);
}

/** Measured without recursion: the body's depth is what must not reach the stack. */
function nestedDeeperThan(value: unknown, limit: number): boolean {
  const pending: [unknown, number][] = [[value, 1]];
  while (pending.length > 0) {
    const [node, depth] = pending.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth > limit) return true;
    for (const child of Object.values(node)) pending.push([child, depth + 1]);
  }
  return false;
}

/** The same list with the next page's cursor. */
function nextPage(req: HttpRequest, cursor: string): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(req.query)) {
    if (name !== 'cursor' && typeof value === 'string') query.set(name, value);
  }
  query.set('cursor', cursor);
  return `${req.path}?${query.toString()}`;
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
