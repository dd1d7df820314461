import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from '@boucle/database';
import { SYSTEM_ACTOR } from '../common/actor.js';
import { ReservationEnds } from './reservation-ends.js';
import { ReservationsRepository } from './reservations.repository.js';
import { CapReached, Reserving } from './reserving.js';

/**
 * When a good is back on offer, those on its waiting list are asked for again first, in
 * their order. A good whose reservation ended with its stock back (the hold ran out, was
 * cancelled, refused or released by an operator) is then owed to the next need in its
 * line: matching reserves it for that need itself, so that the person waiting next gets
 * it before anyone who merely searches. Tried when inventory's release is heard of and again when the
 * catalogue lists the good anew, whichever comes last finding the good on offer; under
 * the good's line lock, so the debt is paid once.
 */
@Injectable()
export class NextInLine {
  private readonly logger = new Logger(NextInLine.name);

  constructor(
    private readonly reservations: ReservationsRepository,
    private readonly reserving: Reserving,
    private readonly ends: ReservationEnds,
  ) {}

  /**
   * Some of the good left circulation for good (handed over, quarantined, scrapped or
   * lost, part of a lot's offer withdrawn or diverted), whoever held it or none: those
   * waiting for more than may still be offered (all of them, for an aid) wait no more, and
   * one asked again from the list meanwhile has no place to go back to when inventory
   * refuses it. `releasing` is the hold let go with it, if any: it does not come back.
   */
  async leftForGood(em: EntityManager, goodId: string, releasing?: string): Promise<void> {
    await this.reservations.lockLine(em, goodId);
    const left = await this.reservations.inCirculation(em, goodId, releasing);
    const waiting = (await this.reservations.waitingFor(em, goodId)).filter(
      (row) => Number(row.quantity) > left,
    );
    for (const row of waiting)
      await this.ends.moved(em, row, { status: 'expired', end_reason: 'good-gone' }, SYSTEM_ACTOR);
    await this.reservations.offTheList(em, goodId, left);
    if (waiting.length > 0)
      this.logger.log(
        `good ${goodId} left for good: ${waiting.length} waiting reservation(s) ended`,
      );
  }

  async offer(em: EntityManager, goodIds: readonly string[]): Promise<void> {
    for (const goodId of [...new Set(goodIds)].sort()) await this.offerOne(em, goodId);
  }

  private async offerOne(em: EntityManager, goodId: string): Promise<void> {
    await this.reservations.lockLine(em, goodId);
    const good = await this.reservations.goodOnOffer(em, goodId);
    // Not back in the catalogue yet: its listing tries again.
    if (!good || !good.listed || !good.open || Number(good.available) <= 0) return;
    // What is asked for already (the release and the listing each offer it) is not free.
    let available = Number(good.available) - (await this.reservations.askedOf(em, goodId));
    // Those who chose to wait for this very good come first, in the order of its list.
    for (const waiting of await this.reservations.waitingFor(em, goodId)) {
      if (available <= 0) break;
      // Part of a lot: what is back may be too little for the first; the next may fit.
      if (Number(waiting.quantity) > available) continue;
      try {
        await em.transactional((inner) => this.reserving.askAgain(inner, waiting, SYSTEM_ACTOR));
        available -= Number(waiting.quantity);
      } catch (error) {
        if (!(error instanceof CapReached)) throw error;
        this.logger.log(`reservation ${waiting.id} keeps waiting: ${error.message}`);
      }
    }
    const owed = await this.reservations.owed(em, goodId);
    if (owed.length === 0) return;
    const line = available > 0 ? await this.reservations.lineForOffer(em, goodId) : [];
    for (const debt of owed) {
      let successor: string | null = null;
      while (successor === null && line.length > 0 && available > 0) {
        const need = line.shift()!;
        const quantity =
          good.kind === 'item' ? 1 : Math.min(available, Number(need.quantity ?? available));
        try {
          // A savepoint: a need at its cap is passed over without undoing the rest.
          const row = await em.transactional((inner) =>
            this.reserving.reserve(
              inner,
              need,
              { goodId, unit: good.unit, kind: good.kind },
              String(quantity),
              SYSTEM_ACTOR,
              { offered: true, waitIfTaken: false },
            ),
          );
          successor = row.id;
          available -= quantity;
        } catch (error) {
          if (!(error instanceof CapReached)) throw error;
          this.logger.log(`good ${goodId} passes need ${need.id} over: ${error.message}`);
        }
      }
      // Paid, or nobody left to offer it: either way, once.
      await this.reservations.set(em, debt.id, { offer_owed: false, successor_id: successor });
    }
  }
}
