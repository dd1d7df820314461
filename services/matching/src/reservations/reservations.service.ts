import { Inject, Injectable, Logger } from '@nestjs/common';
import type { z } from 'zod';
import {
  MatchingNeedClosedV1,
  type Actor,
  type ApproveReservationV1,
  type CancelReservationV1,
  type EventData,
  type GetReservationV1,
  type InventoryHoldHandedOverV1,
  type InventoryHoldPlacedV1,
  type InventoryHoldRejectedV1,
  type InventoryHoldReleasedV1,
  type ListReservationsResultV1,
  type ListReservationsV1,
  type RefuseReservationV1,
  type RequestReservationV1,
  type ReservationViewV1,
} from '@boucle/contracts';
import { MikroORM, type EntityManager } from '@boucle/database';
import { inTransaction, recordEvent } from '@boucle/messaging';
import { actsForCluster, SYSTEM_ACTOR } from '../common/actor.js';
import { forbidden, invalidTransition, notFound, Refusal, validation } from '../common/errors.js';
import { MATCHING_CONFIG, type MatchingConfig } from '../config/matching.config.js';
import type { ReservationStatus } from '../database/schema.js';
import { reachesNeed } from '../needs/need-access.js';
import { NeedsRepository, type NeedRow } from '../needs/needs.repository.js';
import { ProposalsService } from '../proposals/proposals.service.js';
import { NextInLine } from './next-in-line.js';
import { NEXT, ReservationEnds } from './reservation-ends.js';
import {
  AWAITING,
  LIVE,
  ReservationsRepository,
  type Reservation,
  type ReservationScope,
} from './reservations.repository.js';
import { Reserving } from './reserving.js';

type ReservationView = z.input<typeof ReservationViewV1>;
type ReleaseReason = EventData<typeof InventoryHoldReleasedV1>['reason'];

/** Releases after which the stock is back on offer: the good goes to the next need in line. */
const STOCK_COMES_BACK: ReadonlySet<ReleaseReason> = new Set([
  'expired',
  'cancelled',
  'approval-refused',
  'released-by-operator',
]);

/** Releases after which the good is out of circulation: its waiting list ends. */
const GOOD_LEAVES: ReadonlySet<ReleaseReason> = new Set(['recalled', 'defect', 'withdrawn']);

/** What an end inventory decided becomes here. */
const ENDED_BY_INVENTORY: Readonly<Record<ReleaseReason, ReservationStatus>> = {
  expired: 'expired',
  cancelled: 'cancelled',
  'approval-refused': 'refused',
  'released-by-operator': 'released',
  recalled: 'released',
  defect: 'released',
  withdrawn: 'released',
};

/** Who approves medical aids for the good's member. */
const APPROVING_ROLES: ReadonlySet<Actor['role']> = new Set(['operator', 'refurbisher']);
/** …and who follows the reservations of their member's goods: a firm those of its lots too. */
const FOLLOWING_ROLES: ReadonlySet<Actor['role']> = new Set([...APPROVING_ROLES, 'firm']);

/**
 * Reservations, matching's side of the saga with inventory. A request is kept as
 * `requested` and told to inventory in the same transaction (the outbox); inventory
 * answers once per request with a hold or a refusal. A medical aid then waits for the
 * approval of the staff of the aid's member; anything else is confirmed with its hold.
 * Hand-over ends it; so do the hold running out, a cancellation, a refused approval, or
 * inventory letting the hold go, and the good then goes to the next need in line. Matching
 * never keeps a hold it does not want: a hold heard of for a reservation that already
 * ended is asked back at once, and a request inventory never answers is ended by a sweep.
 */
@Injectable()
export class ReservationsService {
  private readonly logger = new Logger(ReservationsService.name);

  constructor(
    @Inject(MikroORM) private readonly orm: MikroORM,
    private readonly reservations: ReservationsRepository,
    private readonly needs: NeedsRepository,
    private readonly reserving: Reserving,
    private readonly ends: ReservationEnds,
    private readonly nextInLine: NextInLine,
    private readonly proposals: ProposalsService,
    @Inject(MATCHING_CONFIG) private readonly config: MatchingConfig,
  ) {}

  async request(cmd: z.output<typeof RequestReservationV1>): Promise<ReservationView> {
    return inTransaction(this.orm, async (em) => {
      // The need first: two requests for one need take their turn.
      const need = await this.needs.need(em, cmd.needId, true);
      if (!need || !reachesNeed(cmd.actor, need)) throw notFound('need', cmd.needId);
      if (need.status !== 'open')
        throw invalidTransition(`need ${need.id}`, need.status, 'reserved', []);
      const good = await this.reservations.goodOnOffer(em, cmd.goodId);
      if (!good) throw notFound('good', cmd.goodId);
      const expected = need.kind === 'medical-aid' ? 'item' : 'lot';
      if (good.kind !== expected)
        throw validation(
          'goodId',
          need.kind === 'medical-aid'
            ? 'a need for a medical aid reserves an aid, not a lot'
            : 'a wanted material reserves a lot, not an aid',
        );
      // A need is met in its own unit: square metres are not made of kilograms.
      if (good.kind === 'lot' && need.unit !== null && good.unit !== need.unit)
        throw validation(
          'unit',
          `the lot is counted in ${good.unit} and the need in ${need.unit}: a wanted material reserves a lot of its own unit`,
        );
      // One reservation of a good per need at a time: the need's lock orders two requests.
      const existing = await this.reservations.awaitingOf(em, need.id, cmd.goodId);
      if (existing)
        throw new Refusal(
          'conflict',
          `need ${need.id} already has reservation ${existing.id} of good ${cmd.goodId} (${existing.status}): follow or cancel that one`,
        );
      let quantity: string;
      if (good.kind === 'item') {
        if (cmd.quantity !== undefined && Number(cmd.quantity) !== 1)
          throw validation('quantity', 'an aid is reserved whole: 1');
        quantity = '1';
      } else {
        if (cmd.quantity === undefined) throw validation('quantity', 'say how much of the lot');
        quantity = cmd.quantity;
      }
      // Those already promised it come first: the waiting list, the next in line. Read as
      // committed, without the line's lock: the catalogue's consumers hold it, and a request
      // must not wait behind them (joining the waiting list takes it).
      const free = Number(good.available) - (await this.reservations.promised(em, cmd.goodId));
      const taken = !good.listed || free < Number(quantity);
      const target = { goodId: cmd.goodId, unit: good.unit, kind: good.kind };
      if (good.open && taken && cmd.waitIfTaken === true)
        return this.view(em, await this.reserving.wait(em, need, target, quantity, cmd.actor));
      if (!good.open || taken)
        throw new Refusal(
          'insufficient-quantity',
          `good ${cmd.goodId}: ${good.open ? `${good.available} ${good.unit}` : 'nothing'} available, ${quantity} asked`,
        );
      const row = await this.reserving.reserve(em, need, target, quantity, cmd.actor, {
        offered: false,
        waitIfTaken: cmd.waitIfTaken === true,
      });
      return this.view(em, row);
    });
  }

  async get(query: z.output<typeof GetReservationV1>): Promise<ReservationView> {
    const em = this.orm.em.fork();
    const { row } = await this.reachable(em, query.actor, query.reservationId);
    return this.view(em, row);
  }

  async list(
    query: z.output<typeof ListReservationsV1>,
  ): Promise<z.input<typeof ListReservationsResultV1>> {
    const em = this.orm.em.fork();
    if (query.needId !== undefined) {
      const need = await this.needs.need(em, query.needId);
      if (!need || !reachesNeed(query.actor, need)) throw notFound('need', query.needId);
    }
    const before = query.cursor === undefined ? undefined : seqOf(query.cursor);
    // The approval queue is what the caller may decide: aids of their own member's goods,
    // and never one they asked for themselves (four eyes).
    if (
      query.awaitingApproval === true &&
      !actsForCluster(query.actor) &&
      (!APPROVING_ROLES.has(query.actor.role) || query.actor.organisationId === null)
    )
      return { reservations: [], nextCursor: null };
    const rows = await this.reservations.list(
      em,
      scopeOf(query.actor),
      {
        ...(query.needId !== undefined && { needId: query.needId }),
        ...(query.goodId !== undefined && { goodId: query.goodId }),
        ...(query.status !== undefined && { status: query.status }),
        ...(query.awaitingApproval === true && {
          decidableBy: {
            userId: query.actor.userId,
            organisationId: actsForCluster(query.actor) ? null : query.actor.organisationId,
          },
        }),
      },
      before,
      query.limit + 1,
    );
    const page = rows.slice(0, query.limit);
    return {
      reservations: await Promise.all(page.map((row) => this.view(em, row))),
      nextCursor: rows.length > query.limit ? cursorOf(page[page.length - 1]!.seq) : null,
    };
  }

  /** The staff of the aid's member agree: the reservation is confirmed, ready to hand over. */
  async approve(cmd: z.output<typeof ApproveReservationV1>): Promise<ReservationView> {
    return inTransaction(this.orm, async (em) => {
      const row = await this.decidable(em, cmd.actor, cmd.reservationId, 'confirmed');
      const next = await this.ends.moved(
        em,
        row,
        { status: 'confirmed', decision: 'approved', decided_by: cmd.actor.userId, decided: true },
        cmd.actor,
      );
      return this.view(em, next);
    });
  }

  /** …or do not: the hold goes back, and the aid to the next need in line. */
  async refuse(cmd: z.output<typeof RefuseReservationV1>): Promise<ReservationView> {
    return inTransaction(this.orm, async (em) => {
      const row = await this.decidable(em, cmd.actor, cmd.reservationId, 'refused');
      const next = await this.ends.letGo(em, row, 'refused', 'approval-refused', cmd.actor, {
        by: cmd.actor.userId,
        note: cmd.note,
      });
      return this.view(em, next);
    });
  }

  /** Those who reach the need let it go before its hand-over. */
  async cancel(cmd: z.output<typeof CancelReservationV1>): Promise<ReservationView> {
    return inTransaction(this.orm, async (em) => {
      const { row, need } = await this.reachable(em, cmd.actor, cmd.reservationId, true);
      if (!reachesNeed(cmd.actor, need))
        throw forbidden(
          `reservation ${row.id}: only the beneficiary or those acting for them cancel it; the staff of the good's member refuse it`,
        );
      this.allowed(row, 'cancelled');
      return this.view(em, await this.ends.letGo(em, row, 'cancelled', 'cancelled', cmd.actor));
    });
  }

  /** Inventory held the stock: in the consumer's transaction, once. */
  async onHoldPlaced(
    em: EntityManager,
    hold: EventData<typeof InventoryHoldPlacedV1> & { reservationId: string },
  ): Promise<void> {
    const row = await this.reservations.load(em, hold.reservationId, true);
    if (!row) {
      this.logger.warn(
        `hold ${hold.holdId} is for reservation ${hold.reservationId}, unknown here`,
      );
      return;
    }
    if (row.status === 'waiting' && (await this.reserving.admits(em, row))) {
      // Asked again from its waiting list, unanswered in time and put back in its place: this
      // hold is inventory's late answer to that very request, and what the entry waits for.
      await this.ends.moved(
        em,
        row,
        {
          status: row.approval_required ? 'held' : 'confirmed',
          hold_id: hold.holdId,
          expires_at: hold.expiresAt,
        },
        SYSTEM_ACTOR,
      );
      return;
    }
    if (row.status !== 'requested') {
      // Inventory answers once per request: a hold already known is that answer again.
      if (row.hold_id === hold.holdId) return;
      // The reservation ended before its hold was heard of (cancelled, timed out):
      // compensation, the hold is asked back.
      this.logger.log(`hold ${hold.holdId} came after reservation ${row.id} ended: let go`);
      // A live reservation keeps the hold it has: a second one (a request asked twice, the
      // first answered late) is only asked back.
      const known = AWAITING.includes(row.status)
        ? { ...row, hold_id: hold.holdId }
        : await this.reservations.set(em, row.id, {
            hold_id: hold.holdId,
            expires_at: hold.expiresAt,
          });
      await this.ends.askRelease(
        em,
        known,
        row.end_reason === 'timed-out' ? 'timed-out' : 'cancelled',
        SYSTEM_ACTOR,
      );
      return;
    }
    await this.ends.moved(
      em,
      row,
      {
        status: row.approval_required ? 'held' : 'confirmed',
        hold_id: hold.holdId,
        expires_at: hold.expiresAt,
      },
      SYSTEM_ACTOR,
    );
  }

  /** Inventory could not hold it: the reservation is rejected, with inventory's reason. */
  async onHoldRejected(
    em: EntityManager,
    rejection: EventData<typeof InventoryHoldRejectedV1>,
  ): Promise<void> {
    const row = await this.reservations.load(em, rejection.reservationId, true);
    if (!row || row.status !== 'requested') return;
    if (row.wait_if_taken && rejection.reason === 'insufficient-quantity') {
      // Taken before inventory heard of it: onto the waiting list (back to its place there).
      await this.reservations.lockLine(em, row.good_id);
      await this.ends.moved(
        em,
        row,
        {
          status: 'waiting',
          wait_key: row.wait_key ?? (await this.reservations.backOfWaitingList(em, row.good_id)),
        },
        SYSTEM_ACTOR,
      );
      return;
    }
    await this.ends.moved(
      em,
      row,
      {
        status: 'rejected',
        rejection_reason: rejection.reason,
        rejection_message: rejection.message,
        end_reason: rejection.reason,
      },
      SYSTEM_ACTOR,
    );
    if (!row.offered) return;
    // Offered as the next in line, and refused by inventory: the debt it paid is owed again,
    // to the need after it (the line passes over a need once offered the good).
    await this.reservations.lockLine(em, row.good_id);
    if ((await this.reservations.oweAgain(em, row.good_id, row.id)) > 0)
      await this.nextInLine.offer(em, [row.good_id]);
  }

  /**
   * Inventory let the hold go: a live reservation ends by inventory's reason; one matching
   * had already ended stays as it is. Either way, stock that comes back is owed to the next
   * need in line.
   */
  async onHoldReleased(
    em: EntityManager,
    release: EventData<typeof InventoryHoldReleasedV1>,
  ): Promise<void> {
    // Whoever held it (a reservation here, or an operator in inventory directly).
    if (GOOD_LEAVES.has(release.reason))
      await this.nextInLine.leftForGood(em, release.goodId, release.holdId);
    if (release.reservationId === null) return;
    const row = await this.reservations.load(em, release.reservationId, true);
    if (!row) return;
    // A release of another hold than the one known (never the case in inventory) changes nothing.
    if (row.hold_id !== null && row.hold_id !== release.holdId) return;
    let current = row;
    if (LIVE.includes(row.status)) {
      current = await this.ends.moved(
        em,
        row,
        {
          status: ENDED_BY_INVENTORY[release.reason],
          end_reason: release.reason,
          hold_id: release.holdId,
        },
        SYSTEM_ACTOR,
      );
      if (row.status === 'requested')
        this.logger.warn(`hold ${release.holdId} ended before it was heard of as placed`);
    }
    if (!STOCK_COMES_BACK.has(release.reason) || current.successor_id !== null) return;
    await this.reservations.set(em, row.id, { offer_owed: true });
    await this.nextInLine.offer(em, [row.good_id]);
  }

  /** Handed over: the reservation ends as it should, and the need is met. */
  async onHandedOver(
    em: EntityManager,
    handOver: EventData<typeof InventoryHoldHandedOverV1>,
  ): Promise<void> {
    // An aid handed over to anyone has left; what is left of a lot may still be taken, by
    // those who wait for no more than that.
    await this.nextInLine.leftForGood(em, handOver.goodId, handOver.holdId);
    if (handOver.reservationId === null) return;
    const row = await this.reservations.load(em, handOver.reservationId, true);
    if (!row || row.status === 'handed-over') return;
    if (!LIVE.includes(row.status))
      // Inventory handed over what matching had let go; inventory's fact stands.
      this.logger.warn(`reservation ${row.id} was ${row.status}, yet its hold was handed over`);
    await this.ends.moved(
      em,
      row,
      { status: 'handed-over', hold_id: handOver.holdId, end_reason: null, offer_owed: false },
      SYSTEM_ACTOR,
    );
    const need = await this.needs.need(em, row.need_id, true);
    if (!need || need.status !== 'open') return;
    if (!(await this.met(em, need))) return;
    await this.needs.close(em, need.id, 'fulfilled');
    await recordEvent(
      em,
      MatchingNeedClosedV1,
      { needId: need.id, reason: 'fulfilled' },
      { actor: SYSTEM_ACTOR },
    );
    await this.ends.endForNeed(em, need.id, SYSTEM_ACTOR);
    await this.proposals.redrawClosed(em, need.id);
  }

  /**
   * Ends what inventory has not answered in time; a hold that comes afterwards is asked
   * back. Answers how many ended.
   */
  async sweepUnanswered(limit = 200): Promise<number> {
    // …and what waited on a list longer than the longest wait, or for a good that must be gone.
    const ids = await this.reservations.unanswered(
      this.orm.em.fork(),
      this.config.RESERVATION_ANSWER_TIMEOUT_SECONDS,
      limit,
    );
    let ended = 0;
    for (const id of ids) {
      const done = await inTransaction(this.orm, async (em) => {
        const unlocked = await this.reservations.load(em, id);
        if (!unlocked) return false;
        // The line's lock before the row's, as the waiting list is served.
        await this.reservations.lockLine(em, unlocked.good_id);
        const row = await this.reservations.load(em, id, true);
        if (!row || row.status !== 'requested') return false;
        if (row.wait_key !== null && row.wait_if_taken) {
          // Asked again from its waiting list: inventory's silence says nothing of the good,
          // so the entry goes back to its place rather than losing it. Nothing is asked of
          // inventory: a late hold is taken as this entry's (onHoldPlaced), whereas letting
          // go by the reservation could end the hold a later request of it placed.
          await this.ends.moved(em, row, { status: 'waiting' }, SYSTEM_ACTOR);
          return false;
        }
        await this.ends.letGo(em, row, 'timed-out', 'timed-out', SYSTEM_ACTOR);
        return true;
      });
      if (done) ended++;
    }
    if (ended > 0)
      this.logger.warn(`${ended} reservation(s) ended unanswered by inventory (timed out)`);
    for (const id of await this.reservations.overdueWaiting(
      this.orm.em.fork(),
      this.config.WAITING_MAX_DAYS,
      limit,
    )) {
      await inTransaction(this.orm, async (em) => {
        const row = await this.reservations.load(em, id, true);
        if (row?.status !== 'waiting') return;
        await this.ends.moved(
          em,
          row,
          { status: 'expired', end_reason: 'waited-too-long' },
          SYSTEM_ACTOR,
        );
        ended++;
      });
    }
    return ended;
  }

  private async view(em: EntityManager, row: Reservation): Promise<ReservationView> {
    return view(row, await this.reservations.position(em, row));
  }

  /** A need for an aid is met by one; a wanted material once as much has been taken. */
  private async met(em: EntityManager, need: NeedRow): Promise<boolean> {
    if (need.kind === 'medical-aid') return true;
    return (await this.reservations.handedOver(em, need.id)) >= Number(need.quantity ?? 0);
  }

  /**
   * A reservation and its need, for someone who reaches either: the need's people, or the
   * staff of the good's member (who approve it). To anyone else it does not exist.
   */
  private async reachable(
    em: EntityManager,
    actor: Actor,
    reservationId: string,
    forUpdate = false,
  ): Promise<{ row: Reservation; need: NeedRow }> {
    const row = await this.reservations.load(em, reservationId, forUpdate);
    const need = row && (await this.needs.need(em, row.need_id));
    if (!row || !need) throw notFound('reservation', reservationId);
    if (
      reachesNeed(actor, need) ||
      (await this.staffOfGood(em, actor, row.good_id, FOLLOWING_ROLES))
    )
      return { row, need };
    throw notFound('reservation', reservationId);
  }

  private async staffOfGood(
    em: EntityManager,
    actor: Actor,
    goodId: string,
    roles: ReadonlySet<Actor['role']> = APPROVING_ROLES,
  ): Promise<boolean> {
    if (actsForCluster(actor)) return true;
    if (actor.organisationId === null || !roles.has(actor.role)) return false;
    return (await this.reservations.goodOrganisation(em, goodId)) === actor.organisationId;
  }

  /** A held aid that awaits its member's decision, for the staff who may take it. */
  private async decidable(
    em: EntityManager,
    actor: Actor,
    reservationId: string,
    target: 'confirmed' | 'refused',
  ): Promise<Reservation> {
    const { row } = await this.reachable(em, actor, reservationId, true);
    if (!(await this.staffOfGood(em, actor, row.good_id)))
      throw forbidden(
        `reservation ${row.id}: only the staff of the good's member, or the coordinator, decide on it`,
      );
    // Four eyes: whoever asked for the aid does not also approve it.
    if (row.requested_by === actor.userId)
      throw forbidden(
        `reservation ${row.id}: ${actor.userId} asked for it; another of the member's staff decides`,
      );
    if (!row.approval_required)
      throw invalidTransition(`reservation ${row.id}`, row.status, target, NEXT[row.status]);
    if (row.status !== 'held')
      throw invalidTransition(`reservation ${row.id}`, row.status, target, NEXT[row.status]);
    return row;
  }

  private allowed(row: Reservation, target: ReservationStatus): void {
    if (!NEXT[row.status].includes(target))
      throw invalidTransition(`reservation ${row.id}`, row.status, target, NEXT[row.status]);
  }
}

function scopeOf(actor: Actor): ReservationScope {
  if (actsForCluster(actor)) return { kind: 'cluster' };
  if (actor.role === 'beneficiary') return { kind: 'user', userId: actor.userId };
  // An actor of no member reaches nothing; a scope of nobody's organisation finds nothing.
  return {
    kind: 'organisation',
    organisationId: actor.organisationId ?? '00000000-0000-0000-0000-000000000000',
  };
}

const cursorOf = (seq: string) => Buffer.from(`reservation:${seq}`).toString('base64url');

function seqOf(cursor: string): string {
  const match = /^reservation:(\d{1,18})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw validation('cursor', 'not a cursor this list gave');
  return match[1]!;
}

const iso = (value: string | null) => (value === null ? null : new Date(value).toISOString());

function view(row: Reservation, waitingPosition: number | null): ReservationView {
  return {
    reservationId: row.id,
    goodId: row.good_id,
    needId: row.need_id,
    status: row.status,
    holderRef: row.holder_ref,
    organisationId: row.organisation_id,
    quantity: String(Number(row.quantity)),
    unit: row.unit as ReservationView['unit'],
    holdId: row.hold_id,
    expiresAt: iso(row.expires_at),
    approvalRequired: row.approval_required,
    approval:
      row.decision === null
        ? null
        : {
            decision: row.decision,
            by: row.decided_by!,
            at: iso(row.decided_at)!,
            note: row.decision_note,
          },
    waitingPosition,
    offered: row.offered,
    rejection:
      row.rejection_reason === null
        ? null
        : { reason: row.rejection_reason, message: row.rejection_message ?? '' },
    endReason: row.end_reason,
    requestedAt: iso(row.requested_at)!,
    updatedAt: iso(row.updated_at)!,
  };
}
