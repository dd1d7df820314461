import type { Names } from './event-names.js';

/** What a stream names: goods (and, of those, holds), pickups, rounds, reservations, needs. */
export interface Followed {
  goods?: readonly string[];
  holds?: readonly string[];
  pickups?: readonly string[];
  rounds?: readonly string[];
  reservations?: readonly string[];
  needs?: readonly string[];
}

/** The feed's index keys of what an event names, or of what a stream follows. */
export function keysOf(
  names: Pick<Names, 'goods' | 'pickups' | 'rounds'> &
    Partial<Pick<Names, 'reservations' | 'needs'>>,
): string[] {
  return [
    ...names.goods.map(goodKey),
    ...names.pickups.map((id) => `pickup:${id}`),
    ...names.rounds.map((id) => `round:${id}`),
    ...(names.reservations ?? []).map((id) => `reservation:${id}`),
    ...(names.needs ?? []).map((id) => `need:${id}`),
  ];
}

export const goodKey = (goodId: string) => `good:${goodId}`;

/**
 * What one stream shows: every event of the cluster (the coordinator, asking for no
 * filter), or the events that name one of its pickups, rounds, reservations or needs, or
 * one of its goods and, when holds are given, one of its holds too. Each good, pickup,
 * round, reservation and need was checked with the service that owns it, as the person,
 * when the stream opened; a hold is
 * followed only through a good of the person, so naming another member's hold shows
 * nothing.
 */
export class EventFilter {
  private constructor(
    readonly cluster: boolean,
    private readonly goods: Set<string>,
    private readonly holds: Set<string>,
    private readonly pickups: Set<string>,
    private readonly rounds: Set<string>,
    private readonly reservations: Set<string> = new Set(),
    private readonly needs: Set<string> = new Set(),
  ) {}

  static wholeCluster(): EventFilter {
    return new EventFilter(true, new Set(), new Set(), new Set(), new Set());
  }

  static of(goods: readonly string[], holds: readonly string[] = []): EventFilter {
    return EventFilter.following({ goods, holds });
  }

  static following(what: Followed): EventFilter {
    return new EventFilter(
      false,
      new Set(what.goods),
      new Set(what.holds),
      new Set(what.pickups),
      new Set(what.rounds),
      new Set(what.reservations),
      new Set(what.needs),
    );
  }

  matches(names: Names): boolean {
    if (this.cluster) return true;
    if (names.pickups.some((id) => this.pickups.has(id))) return true;
    if (names.rounds.some((id) => this.rounds.has(id))) return true;
    if (names.reservations.some((id) => this.reservations.has(id))) return true;
    if (names.needs.some((id) => this.needs.has(id))) return true;
    if (!names.goods.some((id) => this.goods.has(id))) return false;
    return this.holds.size === 0 || names.holds.some((id) => this.holds.has(id));
  }

  /** What is followed, as the feed's index keys (none for the whole cluster). */
  get followed(): readonly string[] {
    return keysOf({
      goods: [...this.goods],
      pickups: [...this.pickups],
      rounds: [...this.rounds],
      reservations: [...this.reservations],
      needs: [...this.needs],
    });
  }

  /** The good is no longer the person's: nothing more of it is shown. */
  forget(goodId: string): void {
    this.goods.delete(goodId);
  }

  /** A filter that has lost all it followed shows nothing any more. */
  get empty(): boolean {
    return (
      !this.cluster &&
      this.goods.size === 0 &&
      this.pickups.size === 0 &&
      this.rounds.size === 0 &&
      this.reservations.size === 0 &&
      this.needs.size === 0
    );
  }
}
