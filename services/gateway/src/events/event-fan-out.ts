import { Logger } from '@nestjs/common';
import {
  EnvelopeSchema,
  InventoryGoodTransferredV1,
  InventoryHoldPlacedV1,
  InventoryHoldRejectedV1,
  MatchingReservationStatusChangedV1,
  type Actor,
} from '@boucle/contracts';
import { goodKey, keysOf, type EventFilter } from './event-filter.js';
import { EVENT_READERS, NAMES_NOTHING, type Names } from './event-names.js';

/** One event as the feed keeps it: its SSE frame made once, and what it names. */
export interface FeedEntry {
  /** The envelope's id, which is also the SSE id a client resumes from. */
  id: string;
  /** The contract subject, `inventory.hold.placed.v1`, which is the SSE event name. */
  event: string;
  frame: string;
  names: Names;
  /** A custody transfer: the good and its new owner. */
  handedTo?: { goodId: string; organisationId: string };
  /** A reservation that inventory answered, or that moved on past `requested`. */
  answers?: string;
}

/** Why a stream is told to re-read what it follows, or is ended. */
export type ResetReason = 'position-unknown' | 'gap' | 'too-far-behind';
export type EndReason = 'token-expired' | 'access-ended' | 'shutdown';

/** One client following events: what it may see, and where its frames go. */
export interface Follower {
  readonly actor: Actor;
  readonly filter: EventFilter;
  /** Ended by the gateway, by the client leaving or by reading too slowly. */
  readonly ended: boolean;
  send(entry: FeedEntry): void;
  /** Every event up to `id` was considered: the position a client may resume from. */
  mark(id: string | undefined): void;
  heartbeat(id: string | undefined): void;
  reset(reason: ResetReason): void;
  end(reason: EndReason): void;
}

/** Roles that see every member's goods, as inventory decides (`assertActsFor`). */
const CLUSTER_ROLES: ReadonlySet<Actor['role']> = new Set(['coordinator', 'system']);

/**
 * The events read from the broker, each validated and framed once, handed to the
 * followers whose filter it matches. The latest are kept in a ring, so a client that
 * reconnects with the id of the last event it saw gets what it missed, and a resend
 * (which core NATS delivers again even when the stream deduplicates it) is known by its
 * id. What cannot be vouched for (an id no longer kept, events missed while the broker
 * was away) is said to the client as a `reset`: re-read what you follow, then carry on.
 */
export class EventFanOut {
  private readonly logger = new Logger('EventFeed');
  private readonly decoder = new TextDecoder();
  private readonly ring: (FeedEntry | undefined)[];
  /** The absolute number the next event gets; the ring holds the `kept` before it. */
  private next = 0;
  private kept = 0;
  /** Each kept event's absolute number, by id: where a resumption starts, and what is a resend. */
  private readonly numbers = new Map<string, number>();
  private readonly followers = new Set<Follower>();
  /**
   * Who follows each good, pickup and round (by `keysOf`), and who follows everything: an
   * event visits only its own.
   */
  private readonly byKey = new Map<string, Set<Follower>>();
  private readonly everything = new Set<Follower>();

  constructor(
    /** Turns a subject as received into the contract's (the test prefix removed). */
    private readonly contractSubject: (subject: string) => string,
    replayEvents: number,
    /** The most a replay may write at once: more would be taken for a slow reader. */
    private readonly replayBytes = Number.POSITIVE_INFINITY,
  ) {
    this.ring = new Array<FeedEntry | undefined>(Math.max(1, replayEvents));
  }

  get size(): number {
    return this.followers.size;
  }

  streamsOf(userId: string): number {
    let count = 0;
    for (const follower of this.followers) if (follower.actor.userId === userId) count++;
    return count;
  }

  /** The id of the newest event kept: every event up to it has been shown. */
  get position(): string | undefined {
    return this.kept === 0 ? undefined : this.at(this.next - 1)?.id;
  }

  /**
   * Starts showing events to a follower: first those after `after` that are still kept
   * (or a `reset` when that id is not), then every new one. Done in one turn of the
   * event loop, so no event falls between the replay and the live ones.
   */
  follow(follower: Follower, after?: string): void {
    if (after !== undefined) {
      const from = this.numbers.get(after);
      const missed = from === undefined ? undefined : this.missedBy(follower, from + 1);
      if (from === undefined) follower.reset('position-unknown');
      else if (missed === undefined) follower.reset('too-far-behind');
      else for (const entry of missed) if (!this.deliver(follower, entry)) return;
      follower.mark(this.position);
    }
    if (follower.ended) return;
    this.followers.add(follower);
    if (follower.filter.cluster) this.everything.add(follower);
    for (const key of follower.filter.followed) this.followersOf(key).add(follower);
  }

  /**
   * What a returning follower missed and may see, or undefined when it is more than it
   * could be sent at once. A good that came to the follower's member by a transfer in that
   * time: its events from before were its previous owner's, and stay theirs.
   */
  private missedBy(follower: Follower, start: number): FeedEntry[] | undefined {
    const entries: FeedEntry[] = [];
    for (let n = start; n < this.next; n++) entries.push(this.at(n)!);
    const receivedAt = new Map<string, number>();
    if (!CLUSTER_ROLES.has(follower.actor.role))
      entries.forEach((entry, i) => {
        if (entry.handedTo?.organisationId === follower.actor.organisationId)
          receivedAt.set(entry.handedTo.goodId, i);
      });
    const shown = entries.filter(
      (entry, i) =>
        follower.filter.matches(entry.names) &&
        !entry.names.goods.some((goodId) => (receivedAt.get(goodId) ?? -1) > i),
    );
    let bytes = 0;
    for (const entry of shown) bytes += entry.frame.length;
    return bytes > this.replayBytes ? undefined : shown;
  }

  unfollow(follower: Follower): void {
    if (!this.followers.delete(follower)) return;
    this.everything.delete(follower);
    for (const key of follower.filter.followed) this.unindex(key, follower);
  }

  /**
   * One message from the broker: validated, kept, and shown to whoever may see it. The
   * entry, when it is new.
   */
  accept(subject: string, data: Uint8Array): FeedEntry | undefined {
    const entry = this.read(subject, data);
    if (!entry) return undefined;
    if (this.numbers.has(entry.id)) return undefined;
    this.keep(entry);
    const audience = new Set(this.everything);
    for (const key of keysOf(entry.names))
      for (const follower of this.byKey.get(key) ?? []) audience.add(follower);
    for (const follower of audience) this.deliver(follower, entry);
    return entry;
  }

  /** What was kept can no longer be resumed from, and every client is told so. */
  gap(): void {
    this.ring.fill(undefined);
    this.numbers.clear();
    this.kept = 0;
    for (const follower of this.followers) follower.reset('gap');
  }

  beat(): void {
    const position = this.position;
    for (const follower of this.followers) follower.heartbeat(position);
  }

  endAll(reason: EndReason): void {
    const followers = [...this.followers];
    for (const follower of followers) this.unfollow(follower);
    for (const follower of followers) follower.end(reason);
  }

  /** False when the follower was ended: it may see nothing more. */
  private deliver(follower: Follower, entry: FeedEntry): boolean {
    if (!follower.filter.matches(entry.names)) return true;
    follower.send(entry);
    const handed = entry.handedTo;
    // The giver saw its good leave; what happens to it with its new owner is not theirs.
    if (
      handed &&
      !CLUSTER_ROLES.has(follower.actor.role) &&
      follower.actor.organisationId !== handed.organisationId
    ) {
      follower.filter.forget(handed.goodId);
      this.unindex(goodKey(handed.goodId), follower);
      if (follower.filter.empty) {
        this.unfollow(follower);
        follower.end('access-ended');
        return false;
      }
    }
    return !follower.ended;
  }

  private followersOf(key: string): Set<Follower> {
    let followers = this.byKey.get(key);
    if (!followers) this.byKey.set(key, (followers = new Set()));
    return followers;
  }

  private unindex(key: string, follower: Follower): void {
    const followers = this.byKey.get(key);
    followers?.delete(follower);
    if (followers?.size === 0) this.byKey.delete(key);
  }

  private at(n: number): FeedEntry | undefined {
    if (n < this.next - this.kept || n >= this.next) return undefined;
    return this.ring[n % this.ring.length];
  }

  private keep(entry: FeedEntry): void {
    const slot = this.next % this.ring.length;
    const evicted = this.ring[slot];
    if (evicted && this.kept === this.ring.length) this.numbers.delete(evicted.id);
    this.ring[slot] = entry;
    this.numbers.set(entry.id, this.next);
    this.next++;
    this.kept = Math.min(this.kept + 1, this.ring.length);
  }

  private read(subject: string, data: Uint8Array): FeedEntry | undefined {
    const event = this.contractSubject(subject);
    let json: unknown;
    try {
      json = JSON.parse(this.decoder.decode(data));
    } catch {
      this.logger.warn(`${event}: not JSON, not shown`);
      return undefined;
    }
    const envelope = EnvelopeSchema.safeParse(json);
    if (!envelope.success) {
      this.logger.warn(`${event}: not an event envelope, not shown`);
      return undefined;
    }
    const reader = EVENT_READERS.get(event);
    let names = NAMES_NOTHING;
    let handedTo: FeedEntry['handedTo'];
    let answers: string | undefined;
    if (reader) {
      const payload = reader.definition.schema.safeParse(envelope.data.data);
      if (!payload.success) {
        this.logger.warn(`${event} ${envelope.data.id}: breaks its contract, not shown`);
        return undefined;
      }
      names = reader.names(payload.data);
      if (reader.definition === InventoryGoodTransferredV1) {
        const transfer = payload.data as { goodId: string; toOrganisationId: string };
        handedTo = { goodId: transfer.goodId, organisationId: transfer.toOrganisationId };
      }
      answers = answerOf(reader.definition, payload.data);
    }
    // Serialised again on one line: a `data:` field ends at the first line break.
    const frame = `id: ${envelope.data.id}\nevent: ${event}\ndata: ${JSON.stringify(json)}\n\n`;
    return {
      id: envelope.data.id,
      event,
      frame,
      names,
      ...(handedTo ? { handedTo } : {}),
      ...(answers ? { answers } : {}),
    };
  }
}

/** The reservation an event answers: inventory's hold or refusal, or matching's next state. */
function answerOf(definition: unknown, data: unknown): string | undefined {
  if (definition === MatchingReservationStatusChangedV1) {
    const changed = data as { reservationId: string; status: string };
    return changed.status === 'requested' ? undefined : changed.reservationId;
  }
  if (definition === InventoryHoldPlacedV1 || definition === InventoryHoldRejectedV1)
    return (data as { reservationId: string | null }).reservationId ?? undefined;
  return undefined;
}
