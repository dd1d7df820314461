import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { MatchingReservationRequestedV1, type Actor } from '@boucle/contracts';
import type { EntityManager } from '@boucle/database';
import { recordEvent } from '@boucle/messaging';
import { Refusal } from '../common/errors.js';
import { MATCHING_CONFIG, type MatchingConfig } from '../config/matching.config.js';
import type { NeedTable } from '../database/schema.js';
import { ReservationEnds } from './reservation-ends.js';
import { ReservationsRepository, type Reservation } from './reservations.repository.js';

type NeedForReserving = Pick<NeedTable, 'id' | 'beneficiary_ref' | 'organisation_id'>;

/** Why a reservation cannot be made for this need now: its beneficiary or member is at its cap. */
export class CapReached extends Refusal {
  constructor(message: string) {
    super('conflict', message);
  }
}

/**
 * Makes a reservation and asks inventory for its hold, in the caller's transaction: for a
 * person's request, and for the next need in line when a good comes back. The caps
 * against hoarding are counted here, under a lock per beneficiary and per member so that
 * simultaneous requests cannot each miss the other.
 */
@Injectable()
export class Reserving {
  constructor(
    private readonly reservations: ReservationsRepository,
    private readonly ends: ReservationEnds,
    @Inject(MATCHING_CONFIG) private readonly config: MatchingConfig,
  ) {}

  async reserve(
    em: EntityManager,
    need: NeedForReserving,
    good: { goodId: string; unit: string; kind: 'item' | 'lot' },
    quantity: string,
    actor: Actor,
    options: { offered: boolean; waitIfTaken: boolean },
  ): Promise<Reservation> {
    const holderRef = this.holderOf(need);
    await this.withinCaps(em, holderRef, need.organisation_id);
    const row = await this.reservations.insert(em, {
      ...this.columns(need, good, quantity, actor),
      offered: options.offered,
      wait_if_taken: options.waitIfTaken,
    });
    await this.ask(em, row, actor);
    return row;
  }

  /**
   * Taken already: the reservation joins the back of the good's waiting list, asked of
   * nobody until the good comes back. Not counted in the caps: it holds nothing.
   */
  async wait(
    em: EntityManager,
    need: NeedForReserving,
    good: { goodId: string; unit: string; kind: 'item' | 'lot' },
    quantity: string,
    actor: Actor,
  ): Promise<Reservation> {
    await this.reservations.lockLine(em, good.goodId);
    return this.reservations.insert(em, {
      ...this.columns(need, good, quantity, actor),
      offered: false,
      wait_if_taken: true,
      status: 'waiting',
      wait_key: await this.reservations.backOfWaitingList(em, good.goodId),
    });
  }

  /** A waiting reservation's turn: asked of inventory again, within the caps. */
  async askAgain(em: EntityManager, row: Reservation, actor: Actor): Promise<Reservation> {
    await this.withinCaps(em, row.holder_ref, row.organisation_id);
    const asked = await this.ends.moved(em, row, { status: 'requested' }, actor);
    await this.ask(em, asked, actor);
    return asked;
  }

  /**
   * Whether a waiting reservation may become live now, within the caps: false if its
   * beneficiary or member is at one. Counted under the same locks as a request.
   */
  async admits(em: EntityManager, row: Reservation): Promise<boolean> {
    try {
      await this.withinCaps(em, row.holder_ref, row.organisation_id);
      return true;
    } catch (error) {
      if (error instanceof CapReached) return false;
      throw error;
    }
  }

  /** Who inventory holds it for: the beneficiary's reference, or the member wanting it. */
  private holderOf(need: NeedForReserving): string {
    return need.beneficiary_ref ?? need.organisation_id!;
  }

  private columns(
    need: NeedForReserving,
    good: { goodId: string; unit: string; kind: 'item' | 'lot' },
    quantity: string,
    actor: Actor,
  ) {
    return {
      id: randomUUID(),
      need_id: need.id,
      good_id: good.goodId,
      holder_ref: this.holderOf(need),
      organisation_id: need.organisation_id,
      quantity,
      unit: good.unit,
      requested_by: actor.userId,
      // Medical aids go to a person only once the staff of the aid's member agree.
      approval_required: good.kind === 'item',
    };
  }

  private async ask(em: EntityManager, row: Reservation, actor: Actor): Promise<void> {
    await recordEvent(
      em,
      MatchingReservationRequestedV1,
      {
        reservationId: row.id,
        goodId: row.good_id,
        holderId: row.holder_ref,
        quantity: String(Number(row.quantity)),
        holdForSeconds:
          this.config.RESERVATION_HOLD_SECONDS ?? this.config.RESERVATION_HOLD_HOURS * 3_600,
      },
      { actor },
    );
  }

  private async withinCaps(
    em: EntityManager,
    holderRef: string,
    organisationId: string | null,
  ): Promise<void> {
    // The same order everywhere (the member, then the person), so that two locks never cross.
    if (organisationId !== null) await this.reservations.lockHolder(em, organisationId);
    if (holderRef !== organisationId) await this.reservations.lockHolder(em, holderRef);
    const perBeneficiary = this.config.MAX_LIVE_RESERVATIONS_PER_BENEFICIARY;
    if (
      holderRef !== organisationId &&
      (await this.reservations.liveCount(em, { holderRef })) >= perBeneficiary
    )
      throw new CapReached(
        `beneficiary ${holderRef} already has ${perBeneficiary} live reservation(s), the most one person may have at once`,
      );
    const perOrganisation = this.config.MAX_LIVE_RESERVATIONS_PER_ORGANISATION;
    if (
      organisationId !== null &&
      (await this.reservations.liveCount(em, { organisationId })) >= perOrganisation
    )
      throw new CapReached(
        `member ${organisationId} already has ${perOrganisation} live reservation(s), the most one member may have at once`,
      );
  }
}
