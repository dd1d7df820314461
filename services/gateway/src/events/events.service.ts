import { Inject, Injectable, Logger } from '@nestjs/common';
import { decodeJwt } from 'jose';
import { z } from 'zod';
import { CollectionRpc, InventoryRpc, MatchingRpc, type Actor } from '@boucle/contracts';
import { RpcError, type RpcClient } from '@boucle/messaging';
import { AuthenticationError, Authenticator } from '../auth/authenticator.js';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config.js';
import { RateLimiter, type RateDecision } from '../limits/rate-limiter.js';
import { problem, problemOf, type Problem } from '../problems/problem.js';
import { RPC_CLIENT } from '../routes/dispatcher.js';
import { EventFeed } from './event-feed.service.js';
import { EventFilter } from './event-filter.js';

/** How many goods, holds, pickups, rounds, reservations and needs (each) one stream may follow. */
export const MAX_FOLLOWED = 20;

/** What an HTTP request to follow events says, as the adapter read it. */
export interface FollowRequest {
  authorization: string | undefined;
  address: string;
  query: Record<string, unknown>;
  lastEventId: string | undefined;
}

export type Opening = { headers: Record<string, string> } & (
  | { ok: false; problem: Problem }
  | {
      ok: true;
      actor: Actor;
      filter: EventFilter;
      /** Gives back the place held while the rights were checked, once the stream is in the feed (or not). */
      release: () => void;
      /** The id of the last event the client saw, to resume after. */
      after: string | undefined;
      /** When the token expires, in ms since the epoch: the stream ends then. */
      expiresAt: number;
    }
);

const UUID = z.uuid();
const ids = (what: string) =>
  z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((value) => [...new Set(value === undefined ? [] : [value].flat())])
    .pipe(
      z
        // Events name ids in lower case, as the services write them.
        .array(z.uuid(`must be ${what} id (a UUID)`).transform((id) => id.toLowerCase()))
        .max(MAX_FOLLOWED, `at most ${MAX_FOLLOWED} in one stream`),
    );
const FollowQuery = z.object({
  good: ids('a good'),
  hold: ids('a hold'),
  pickup: ids('a pickup'),
  round: ids('a round'),
  reservation: ids('a reservation'),
  need: ids('a need'),
});
const PARAMETERS = ['good', 'hold', 'pickup', 'round', 'reservation', 'need'];

interface Asked {
  goods: string[];
  holds: string[];
  pickups: string[];
  rounds: string[];
  reservations: string[];
  needs: string[];
}

class Refused extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail);
  }
}

const invalid = (path: string, message: string) =>
  new Refused(
    problem(422, 'validation', 'The request breaks a rule', `${path}: ${message}`, [
      { path, message },
    ]),
  );

/**
 * Who may follow what. The person is authenticated as on every route, and each good they
 * name is asked of inventory as them (`rpc.inventory.good.get`), each pickup and round of
 * collection (`rpc.collection.pickup.get`, `rpc.collection.round.get`), each reservation
 * and need of matching (`rpc.matching.reservation.get`, `rpc.matching.need.get`): the
 * service that owns an object alone decides who sees it, and its refusal (another member's
 * pickup or need is not found, a round not given to this driver is not found, a role that
 * reads no rounds is not allowed) is the stream's answer, before anything is sent. Only the coordinator, who
 * sees every member's objects, may follow the whole cluster.
 */
@Injectable()
export class EventsService {
  private readonly logger = new Logger('Events');
  /**
   * Streams being opened, by person: their rights are checked over the network, and a
   * burst of openings must not all pass the count before any is in the feed.
   */
  private readonly opening = new Map<string, number>();
  private openingTotal = 0;

  constructor(
    private readonly authenticator: Authenticator,
    private readonly limiter: RateLimiter,
    private readonly feed: EventFeed,
    @Inject(RPC_CLIENT) private readonly rpc: RpcClient,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async open(request: FollowRequest): Promise<Opening> {
    const headers: Record<string, string> = {};
    try {
      // Counted like any request: a client reconnecting in a loop is held back too.
      this.within(headers, await this.limiter.byAddress(request.address));
      const actor = await this.authenticator.authenticate(request.authorization);
      this.within(headers, await this.limiter.byPerson(actor.userId));
      const expiresAt = expiryOf(request.authorization);
      if (expiresAt <= Date.now())
        throw new AuthenticationError('the token has expired: a stream needs one still valid');
      const asked = this.parse(request.query);
      const { goods, holds, pickups, rounds, reservations, needs } = asked;
      const after = request.lastEventId?.trim();
      if (after !== undefined && !UUID.safeParse(after).success)
        throw invalid('Last-Event-ID', 'must be the id of an event this API sent (a UUID)');
      if (goods.length === 0 && holds.length > 0)
        throw invalid('good', 'required with hold: the good each hold is on');
      const wholeCluster =
        goods.length === 0 &&
        pickups.length === 0 &&
        rounds.length === 0 &&
        reservations.length === 0 &&
        needs.length === 0;
      if (wholeCluster && actor.role !== 'coordinator')
        throw new Refused(
          problem(
            403,
            'forbidden',
            'Not allowed',
            `following every event of the cluster is for the coordinator; ${actor.userId} is ${actor.role}: name what to follow (good=<id>, pickup=<id>, round=<id>, reservation=<id>, need=<id>)`,
          ),
        );
      if (!this.feed.available)
        throw new Refused(
          problem(503, 'unavailable', 'Events are not available', 'try again shortly'),
        );
      if (this.feed.size + this.openingTotal >= this.config.EVENTS_STREAMS_PER_GATEWAY)
        throw new Refused(
          problem(
            503,
            'unavailable',
            'This gateway follows as many streams as it can',
            'try again shortly',
          ),
        );
      if (
        this.feed.streamsOf(actor.userId) + (this.opening.get(actor.userId) ?? 0) >=
        this.config.EVENTS_STREAMS_PER_PERSON
      )
        throw new Refused(
          problem(
            429,
            'too-many-streams',
            'Too many open streams',
            `at most ${this.config.EVENTS_STREAMS_PER_PERSON} at once per person: close one first`,
          ),
        );
      const release = this.hold(actor.userId);
      try {
        await this.assertMayRead(actor, asked);
      } catch (error) {
        release();
        throw error;
      }
      const filter = wholeCluster
        ? EventFilter.wholeCluster()
        : EventFilter.following({ goods, holds, pickups, rounds, reservations, needs });
      return { ok: true, headers, actor, filter, after, expiresAt, release };
    } catch (error) {
      return { ok: false, headers, problem: this.problemFor(error) };
    }
  }

  /** Each object as the person may read it, from its service; the first refusal is the answer. */
  private async assertMayRead(actor: Actor, asked: Asked): Promise<void> {
    const options = { timeoutMs: this.config.REQUEST_TIMEOUT_MS };
    await Promise.all([
      ...asked.goods.map((goodId) =>
        this.rpc.request(InventoryRpc.getGood, { goodId, actor }, options),
      ),
      ...asked.pickups.map((pickupId) =>
        this.rpc.request(CollectionRpc.getPickup, { pickupId, actor }, options),
      ),
      ...asked.rounds.map((roundId) =>
        this.rpc.request(CollectionRpc.getRound, { roundId, actor }, options),
      ),
      ...asked.reservations.map((reservationId) =>
        this.rpc.request(MatchingRpc.getReservation, { reservationId, actor }, options),
      ),
      ...asked.needs.map((needId) =>
        this.rpc.request(MatchingRpc.getNeed, { needId, actor }, options),
      ),
    ]);
  }

  /** Holds a place for a stream being opened; the release gives it back once. */
  private hold(userId: string): () => void {
    this.opening.set(userId, (this.opening.get(userId) ?? 0) + 1);
    this.openingTotal++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.openingTotal--;
      const left = (this.opening.get(userId) ?? 1) - 1;
      if (left === 0) this.opening.delete(userId);
      else this.opening.set(userId, left);
    };
  }

  private parse(query: Record<string, unknown>): Asked {
    const unknown = Object.keys(query).find((name) => !PARAMETERS.includes(name));
    if (unknown !== undefined) throw invalid(unknown, `not a filter; use ${PARAMETERS.join(', ')}`);
    const parsed = FollowQuery.safeParse(query);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw invalid(String(issue.path[0]), issue.message);
    }
    return {
      goods: parsed.data.good,
      holds: parsed.data.hold,
      pickups: parsed.data.pickup,
      rounds: parsed.data.round,
      reservations: parsed.data.reservation,
      needs: parsed.data.need,
    };
  }

  private within(headers: Record<string, string>, decision: RateDecision): void {
    headers['RateLimit-Limit'] = String(decision.limit);
    headers['RateLimit-Remaining'] = String(decision.remaining);
    headers['RateLimit-Reset'] = String(decision.resetSeconds);
    if (decision.allowed) return;
    headers['Retry-After'] = String(decision.resetSeconds);
    throw new Refused(
      problem(
        429,
        'rate-limited',
        'Too many requests',
        `at most ${decision.limit} a minute; try again in ${decision.resetSeconds} s`,
      ),
    );
  }

  private problemFor(error: unknown): Problem {
    if (error instanceof Refused) return error.problem;
    if (error instanceof AuthenticationError)
      return problem(401, 'unauthenticated', 'Not authenticated', error.message);
    if (error instanceof RpcError) return problemOf(error.body);
    const name = (error as { name?: string } | null)?.name;
    const message = String((error as Error | null)?.message);
    if (name === 'TimeoutError' || /timeout/i.test(message))
      return problem(504, 'timeout', 'A service did not answer in time', 'try again');
    if (name === 'NoRespondersError' || /no responders/i.test(message))
      return problem(503, 'unavailable', 'The service is not available', 'try again shortly');
    this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    return problem(502, 'internal', 'A service failed to answer properly', 'the failure is logged');
  }
}

/** The token was verified by the authenticator; its `exp` (required) bounds the stream. */
function expiryOf(authorization: string | undefined): number {
  const token = authorization?.replace(/^Bearer /, '') ?? '';
  const exp = decodeJwt(token).exp;
  return typeof exp === 'number' ? exp * 1000 : 0;
}
