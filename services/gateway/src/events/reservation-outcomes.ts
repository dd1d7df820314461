/** How many reservations' news are remembered, for a request that looks after its answer came. */
const REMEMBERED = 10_000;

/**
 * News of reservations as the gateway's event feed hears it: inventory held or refused
 * the stock, or the reservation moved on in matching. `POST /v1/reservations` waits for
 * it before it answers. Each reservation's news is counted, and the latest remembered, as
 * an event may come before the request's answer has even reached the gateway.
 */
export class ReservationOutcomes {
  private readonly news = new Map<string, number>();
  private readonly waiting = new Map<string, Set<() => void>>();

  /** Something happened to the reservation: whoever waits for it looks again. */
  settle(reservationId: string): void {
    const count = (this.news.get(reservationId) ?? 0) + 1;
    // Re-inserted, so the first key is always the one heard of longest ago.
    this.news.delete(reservationId);
    this.news.set(reservationId, count);
    if (this.news.size > REMEMBERED) this.news.delete(this.news.keys().next().value!);
    const waiters = this.waiting.get(reservationId);
    this.waiting.delete(reservationId);
    for (const wake of waiters ?? []) wake();
  }

  /** How much news of the reservation was heard so far: what the next wait starts after. */
  heard(reservationId: string): number {
    return this.news.get(reservationId) ?? 0;
  }

  /** Resolves true once there is news after `after`, false after `ms` without any. */
  wait(reservationId: string, ms: number, after = 0): Promise<boolean> {
    if (this.heard(reservationId) > after) return Promise.resolve(true);
    if (ms <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      let waiters = this.waiting.get(reservationId);
      if (!waiters) this.waiting.set(reservationId, (waiters = new Set()));
      const mine = waiters;
      const wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        mine.delete(wake);
        if (mine.size === 0 && this.waiting.get(reservationId) === mine)
          this.waiting.delete(reservationId);
        resolve(false);
      }, ms);
      mine.add(wake);
    });
  }

  /** How many requests wait now. */
  get pending(): number {
    let count = 0;
    for (const waiters of this.waiting.values()) count += waiters.size;
    return count;
  }
}
