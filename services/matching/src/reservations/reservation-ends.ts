import { Injectable } from '@nestjs/common';
import {
  MatchingReservationCancelledV1,
  MatchingReservationStatusChangedV1,
  type Actor,
  type MatchingReservationCancelledV1Data,
} from '@boucle/contracts';
import type { EntityManager } from '@boucle/database';
import { recordEvent } from '@boucle/messaging';
import type { ReservationStatus } from '../database/schema.js';
import { ReservationsRepository, type Reservation } from './reservations.repository.js';

type CancelReason = MatchingReservationCancelledV1Data['reason'];

/** Where each state may go; the ends go nowhere. */
export const NEXT: Readonly<Record<ReservationStatus, readonly ReservationStatus[]>> = {
  requested: ['held', 'confirmed', 'waiting', 'rejected', 'cancelled', 'timed-out'],
  // Held straight from the list: the late answer to a request asked again from it.
  waiting: ['requested', 'held', 'confirmed', 'cancelled', 'expired'],
  held: ['confirmed', 'refused', 'cancelled', 'expired', 'released', 'handed-over'],
  confirmed: ['cancelled', 'expired', 'released', 'handed-over'],
  'handed-over': [],
  rejected: [],
  expired: [],
  cancelled: [],
  refused: [],
  released: [],
  'timed-out': [],
};

/**
 * How a reservation moves on, in the caller's transaction: the row, and the events that
 * tell of it. Every transition says so to those following it (`status-changed`); one that
 * matching decides while inventory may hold the stock also asks inventory to let the hold
 * go (`cancelled`): with a hold already heard of, or by the reservation when none is yet.
 */
@Injectable()
export class ReservationEnds {
  constructor(private readonly reservations: ReservationsRepository) {}

  async moved(
    em: EntityManager,
    row: Reservation,
    change: Parameters<ReservationsRepository['set']>[2] & { status: ReservationStatus },
    actor: Actor,
  ): Promise<Reservation> {
    const next = await this.reservations.set(em, row.id, change);
    await recordEvent(
      em,
      MatchingReservationStatusChangedV1,
      {
        reservationId: next.id,
        needId: next.need_id,
        goodId: next.good_id,
        status: next.status,
        holdId: next.hold_id,
        reason: next.end_reason,
        changedAt: new Date(next.updated_at).toISOString(),
      },
      { actor },
    );
    return next;
  }

  /** Matching lets a live reservation go: it ends, and inventory lets its hold go. */
  async letGo(
    em: EntityManager,
    row: Reservation,
    status: 'cancelled' | 'refused' | 'timed-out',
    reason: CancelReason,
    actor: Actor,
    decision?: { by: string; note: string },
  ): Promise<Reservation> {
    // Off a waiting list, nothing is asked of inventory: no hold was placed for it.
    const asked = row.status !== 'waiting';
    const next = await this.moved(
      em,
      row,
      {
        status,
        end_reason: reason,
        ...(decision && {
          decision: 'refused' as const,
          decided_by: decision.by,
          decision_note: decision.note,
          decided: true as const,
        }),
      },
      actor,
    );
    if (asked) await this.askRelease(em, next, reason, actor);
    return next;
  }

  /**
   * A hold matching does not want (its reservation ended first, or was never heard of as
   * live) is asked back; inventory releases a hold once, so asking twice is harmless.
   */
  async askRelease(
    em: EntityManager,
    row: Pick<Reservation, 'id' | 'good_id' | 'hold_id'>,
    reason: CancelReason,
    actor: Actor,
  ): Promise<void> {
    await recordEvent(
      em,
      MatchingReservationCancelledV1,
      { reservationId: row.id, goodId: row.good_id, holdId: row.hold_id, reason },
      { actor },
    );
  }

  /** A need closed: whatever it still has live ends with it. */
  async endForNeed(em: EntityManager, needId: string, actor: Actor): Promise<number> {
    const live = await this.reservations.liveOfNeed(em, needId);
    for (const row of live) await this.letGo(em, row, 'cancelled', 'need-closed', actor);
    return live.length;
  }
}
