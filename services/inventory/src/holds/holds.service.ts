import { randomUUID } from 'node:crypto';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { Histogram, type Registry } from 'prom-client';
import type { z } from 'zod';
import {
  InventoryHoldHandedOverV1,
  InventoryHoldPlacedV1,
  InventoryHoldRejectedV1,
  InventoryHoldReleasedV1,
  type Actor,
  type HandOverHoldV1,
  type PlaceHoldV1,
  type ReleaseHoldV1,
} from '@boucle/contracts';
import { MikroORM, type EntityManager } from '@boucle/database';
import { detached, inTransaction, recordEvent } from '@boucle/messaging';
import { assertActsFor, SYSTEM_ACTOR } from '../common/actor.js';
import {
  asRefusal,
  insufficientQuantity,
  notFound,
  Refusal,
  validation,
} from '../common/errors.js';
import { jobCorrelation, METRICS_REGISTRY } from '@boucle/service';
import {
  assertFitForUse,
  assertStillOffered,
  assertWholeIfCounted,
  describeGood,
  type Good,
} from '../goods/good.js';
import { GoodsRepository } from '../goods/goods.repository.js';
import { assertNotRecalled } from '../goods/recall.js';
import { LIFECYCLES } from '../goods/lifecycle.js';
import { LedgerRepository } from '../ledger/ledger.repository.js';
import { LedgerService, normalise } from '../ledger/ledger.service.js';
import { expireJobOptions, HOLDS_QUEUE, HoldJob, type ExpireHoldPayload } from './holds.jobs.js';
import { HoldsRepository, type Hold } from './holds.repository.js';

/** Holds expiring sooner than this also get an in-process timer. */
const LOCAL_TIMER_HORIZON_MS = 15 * 60_000;

/**
 * Holds: the only lock on stock. Placing one moves the quantity into `held`
 * through the ledger, so the balance guard in the database makes holding more
 * than there is impossible, whatever the concurrency. Each hold ends exactly
 * once: released (with a reason), expired by its job, or handed over.
 */
@Injectable()
export class HoldsService implements OnModuleDestroy {
  private readonly logger = new Logger(HoldsService.name);
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly expiryLateness: Histogram;

  constructor(
    @Inject(MikroORM) private readonly orm: MikroORM,
    private readonly holdsRepository: HoldsRepository,
    private readonly goodsRepository: GoodsRepository,
    private readonly ledgerRepository: LedgerRepository,
    private readonly ledger: LedgerService,
    @InjectQueue(HOLDS_QUEUE) private readonly queue: Queue<ExpireHoldPayload>,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.expiryLateness = new Histogram({
      name: 'boucle_hold_expiry_lateness_seconds',
      help: 'How long after its expiry a hold was released (by its timer, its job or the sweep).',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900],
      registers: [registry],
    });
  }

  async place(cmd: z.output<typeof PlaceHoldV1>): Promise<{ holdId: string; expiresAt: string }> {
    const result = await inTransaction(this.orm, (em) => this.placeIn(em, cmd));
    // Scheduled after the commit: a job must never point at a hold that was rolled back.
    // Were this process to die right here, the sweep releases the hold instead.
    await this.scheduleExpiry(result.holdId, new Date(result.expiresAt));
    return result;
  }

  /**
   * The reservation saga's step in inventory: hold the good for the reservation,
   * or say why not. Runs in the consumer's transaction, with its inbox row, so a
   * redelivered request never holds twice. The expiry is scheduled before the
   * commit; should the transaction roll back, the job finds no hold and ends.
   */
  async holdForReservation(
    em: EntityManager,
    request: {
      reservationId: string;
      goodId: string;
      holderId: string;
      quantity: string;
      holdForSeconds: number;
    },
    causationId: string,
    correlationId: string,
  ): Promise<void> {
    const context = { actor: SYSTEM_ACTOR, causationId, correlationId };
    try {
      const { holdId, expiresAt } = await em.transactional((inner) =>
        this.placeIn(
          inner,
          {
            actor: SYSTEM_ACTOR,
            goodId: request.goodId,
            quantity: request.quantity,
            holderId: request.holderId,
            reservationId: request.reservationId,
            ttlSeconds: request.holdForSeconds,
          },
          context,
        ),
      );
      await this.scheduleExpiry(holdId, new Date(expiresAt));
    } catch (error) {
      const refusal = asRefusal(error);
      // Anything else (the database going away) is retried by the consumer.
      if (!refusal) throw error;
      await recordEvent(
        em,
        InventoryHoldRejectedV1,
        {
          reservationId: request.reservationId,
          goodId: request.goodId,
          // The saga acts as inventory itself: it is never unauthenticated.
          // nor sends an If-Match: a stale revision cannot be its refusal.
          reason:
            refusal.code === 'unauthenticated' || refusal.code === 'precondition-failed'
              ? 'forbidden'
              : refusal.code,
          message: refusal.message,
        },
        context,
      );
    }
  }

  private async placeIn(
    em: EntityManager,
    cmd: z.output<typeof PlaceHoldV1>,
    context: { actor: Actor; causationId?: string; correlationId?: string } = { actor: cmd.actor },
  ): Promise<{ holdId: string; expiresAt: string }> {
    // The good first, then its balances: the lock order of every stock path.
    const good = await this.goodsRepository.load(em, cmd.goodId, { forUpdate: true });
    assertActsFor(cmd.actor, good.organisationId, `good ${good.id}`);
    if (good.kind === 'item' && cmd.quantity !== '1')
      throw validation('quantity', 'an item is held as a whole: 1');
    assertWholeIfCounted(good, cmd.quantity);
    assertStillOffered(good);
    assertFitForUse(good);
    assertNotRecalled(good, await this.goodsRepository.activeRecall(em, good), 'held');
    const lifecycle = LIFECYCLES[good.kind];
    // The place with the most available; the guarded move below settles any race for it.
    const source = await this.ledgerRepository.largestAtLeast(
      em,
      good.id,
      [...lifecycle.holdable],
      cmd.quantity,
    );
    if (!source) {
      throw insufficientQuantity(
        `${describeGood(good)}: less than ${cmd.quantity} ${good.unit} is ${[...lifecycle.holdable].join(' or ')}`,
      );
    }
    const holdId = randomUUID();
    const expiresMs = await this.holdsRepository.insert(em, {
      id: holdId,
      goodId: good.id,
      fromState: source.state,
      locationId: source.locationId,
      quantity: cmd.quantity,
      holderId: cmd.holderId,
      reservationId: cmd.reservationId ?? null,
      ttlSeconds: ttlWithinWindow(good, cmd.ttlSeconds),
      actor: cmd.actor,
    });
    await this.ledger.move(em, {
      good,
      quantity: cmd.quantity,
      from: { state: source.state, locationId: source.locationId },
      to: { state: 'held', locationId: source.locationId },
      reason: `held for ${cmd.holderId}`,
      actor: cmd.actor,
      cause: { type: 'command', id: holdId },
      holdId,
    });
    // Rounded up to the millisecond: the job must not fire before the database's expiry.
    const expiresAt = new Date(expiresMs).toISOString();
    await recordEvent(
      em,
      InventoryHoldPlacedV1,
      {
        holdId,
        goodId: good.id,
        holderId: cmd.holderId,
        quantity: normalise(cmd.quantity),
        unit: good.unit,
        expiresAt,
        reservationId: cmd.reservationId ?? null,
      },
      context,
    );
    return { holdId, expiresAt };
  }

  /**
   * Matching let a reservation go (cancelled, approval refused, unanswered in time, its
   * need closed): its hold, if inventory placed one and it is still active, is released,
   * in the consumer's transaction. Only a hold placed for that very reservation: matching
   * never ends a hold an operator placed. A hold not placed yet is not waited for: when
   * matching hears of it, it asks again.
   */
  async releaseForReservation(
    em: EntityManager,
    request: { reservationId: string; holdId: string | null; reason: string },
  ): Promise<'released' | 'ended' | 'none'> {
    const holdId =
      request.holdId ?? (await this.holdsRepository.ofReservation(em, request.reservationId));
    if (!holdId) return 'none';
    const goodId = await this.holdsRepository.goodOf(em, holdId);
    if (!goodId) return 'none';
    await this.goodsRepository.load(em, goodId, { forUpdate: true });
    const hold = await this.holdsRepository.lock(em, holdId);
    if (!hold || hold.reservationId !== request.reservationId) {
      this.logger.warn(
        `reservation ${request.reservationId} let go of hold ${holdId}, which is not its own: ignored`,
      );
      return 'none';
    }
    if (hold.status !== 'active') return 'ended';
    const reason = request.reason === 'approval-refused' ? 'approval-refused' : 'cancelled';
    await this.end(em, hold, 'released', reason, SYSTEM_ACTOR);
    // The expiry job finds the hold ended; the local timer is cleared now.
    this.cancelTimer(holdId);
    return 'released';
  }

  async release(
    cmd: z.output<typeof ReleaseHoldV1>,
  ): Promise<{ holdId: string; status: 'released' }> {
    const answer = await inTransaction(this.orm, async (em) => {
      const { hold, good } = await this.lockHold(em, cmd.holdId);
      assertActsFor(cmd.actor, good.organisationId, `hold ${hold.id}`);
      await this.end(em, hold, 'released', cmd.reason, cmd.actor);
      return { holdId: cmd.holdId, status: 'released' as const };
    });
    this.cancelTimer(cmd.holdId);
    await this.queue.remove(expireJobOptions(cmd.holdId, 0).jobId).catch(() => undefined);
    return answer;
  }

  async handOver(
    cmd: z.output<typeof HandOverHoldV1>,
  ): Promise<{ holdId: string; status: 'handed-over' }> {
    const answer = await inTransaction(this.orm, async (em) => {
      const { hold, good } = await this.lockHold(em, cmd.holdId);
      assertActsFor(cmd.actor, good.organisationId, `hold ${hold.id}`);
      assertFitForUse(good);
      assertNotRecalled(good, await this.goodsRepository.activeRecall(em, good), 'handed over');
      // Its expiry may not have been processed yet; an expired hold is no longer the taker's.
      if (hold.status === 'active' && hold.due) {
        throw new Refusal(
          'invalid-transition',
          `hold ${hold.id} expired at ${new Date(hold.expiresAt).toISOString()}: it can no longer be handed over`,
          { currentState: 'expired', allowedStates: [] },
        );
      }
      await this.end(em, hold, 'handed-over', 'handed over', cmd.actor, cmd.beneficiaryRef);
      return { holdId: cmd.holdId, status: 'handed-over' as const };
    });
    this.cancelTimer(cmd.holdId);
    await this.queue.remove(expireJobOptions(cmd.holdId, 0).jobId).catch(() => undefined);
    return answer;
  }

  /**
   * A quarantine ends every active hold on the aid, in the caller's transaction, each
   * released with the quarantine's reason and its quantity put back where it was held
   * from (whence the quarantine moves it on). The caller has locked the good.
   */
  async endForQuarantine(
    em: EntityManager,
    goodId: string,
    reason: 'recalled' | 'defect',
    actor: Actor,
  ): Promise<string[]> {
    const holdIds = await this.holdsRepository.activeIds(em, goodId);
    for (const holdId of holdIds)
      await this.end(em, await this.loadHold(em, holdId), 'released', reason, actor);
    return holdIds;
  }

  /**
   * A withdrawn offer ends the holds placed on it (those held from `offered`), in the caller's
   * transaction, each released with the reason `withdrawn` and its quantity put back on offer
   * (whence the withdrawal takes it). The caller has locked the good.
   */
  async endForWithdrawal(em: EntityManager, goodId: string, actor: Actor): Promise<string[]> {
    const holdIds = await this.holdsRepository.activeIds(em, goodId, 'offered');
    for (const holdId of holdIds)
      await this.end(em, await this.loadHold(em, holdId), 'released', 'withdrawn', actor);
    return holdIds;
  }

  /** The ids of the good's active holds placed on its offer (held from `offered`). */
  activeOnOffer(em: EntityManager, goodId: string): Promise<string[]> {
    return this.holdsRepository.activeIds(em, goodId, 'offered');
  }

  /**
   * A collection round took `quantity` of a lot from its site for another member, in the
   * caller's transaction (the caller has locked the lot). The pickup names no hold, so the
   * holds it collected are chosen here: a hold on the offer of exactly that quantity, else
   * those holds oldest first; what they do not cover comes from what is still offered, held
   * for the receiving member at once. Each hold ends handed over to its holder (reason
   * `collected`), so the lot's record names who took each part; a hold collected in part
   * ends too, its rest back on offer. Returns each part, with its movement to `handed-over`.
   * Refused, before anything is written, when the holds and the offer keep less than that.
   */
  async endForCollection(
    em: EntityManager,
    good: Good,
    collection: { quantity: string; receiverId: string; reason: string },
    actor: Actor,
    cause: { type: 'event'; id: string },
  ): Promise<{ holdId: string; holderId: string; quantity: string; movementId: string }[]> {
    const wanted = thousandths(collection.quantity);
    const onOffer: Hold[] = [];
    for (const holdId of await this.holdsRepository.activeIds(em, good.id, 'offered'))
      onOffer.push(await this.loadHold(em, holdId));
    const exact = onOffer.find((hold) => thousandths(hold.quantity) === wanted);
    const holds = exact ? [exact] : onOffer;
    const offered = (await this.ledgerRepository.balances(em, good.id, 'offered')).sort(
      (a, b) => thousandths(b.quantity) - thousandths(a.quantity),
    );
    const held = holds.reduce((sum, hold) => sum + thousandths(hold.quantity), 0);
    const free = offered.reduce((sum, place) => sum + thousandths(place.quantity), 0);
    if (wanted > held + free) {
      throw insufficientQuantity(
        `${describeGood(good)}: ${normalise(collection.quantity)} ${good.unit} collected, but only ` +
          `${quantityOf(held)} held and ${quantityOf(free)} offered on its site`,
      );
    }
    const parts: { holdId: string; holderId: string; quantity: string; movementId: string }[] = [];
    let rest = wanted;
    for (const hold of holds) {
      if (rest === 0) break;
      const taken = Math.min(rest, thousandths(hold.quantity));
      parts.push(
        await this.endCollected(em, good, hold, quantityOf(taken), collection, actor, cause),
      );
      rest -= taken;
    }
    for (const place of offered) {
      if (rest === 0) break;
      const taken = Math.min(rest, thousandths(place.quantity));
      const hold = await this.holdCollected(
        em,
        good,
        place.locationId,
        quantityOf(taken),
        collection,
        actor,
        cause,
      );
      parts.push(await this.endCollected(em, good, hold, hold.quantity, collection, actor, cause));
      rest -= taken;
    }
    return parts;
  }

  /**
   * A lot's window was shortened: its holds that would outlive the new `mustBeGoneBy` now
   * expire at it (as `ttlWithinWindow` caps a new hold), in the caller's transaction. They
   * are capped rather than ended, so that a taker may still collect before the new date.
   * The caller has locked the good; `rescheduleExpiry` once committed.
   */
  async capToWindow(
    em: EntityManager,
    goodId: string,
    mustBeGoneBy: string,
  ): Promise<{ holdId: string; reservationId: string | null; expiresAt: string }[]> {
    const capped = await this.holdsRepository.capExpiry(em, goodId, mustBeGoneBy);
    return capped.map((c) => ({
      holdId: c.id,
      reservationId: c.reservationId,
      expiresAt: new Date(c.expiresMs).toISOString(),
    }));
  }

  /**
   * Once committed: the capped holds' jobs fire at their new expiry. BullMQ's `add` with an
   * existing job id leaves the delayed job as it was, so the old one is removed first; should
   * that fail (the job is running), it finds the hold not due or ended, and the sweep backs it.
   */
  async rescheduleExpiry(holds: readonly { holdId: string; expiresAt: string }[]): Promise<void> {
    for (const { holdId, expiresAt } of holds) {
      this.cancelTimer(holdId);
      await this.queue.remove(expireJobOptions(holdId, 0).jobId).catch(() => undefined);
      await this.scheduleExpiry(holdId, new Date(expiresAt));
    }
  }

  /** Once the quarantine committed: its holds' timers and jobs have nothing left to do. */
  async forgetEnded(holdIds: readonly string[]): Promise<void> {
    for (const holdId of holdIds) {
      this.cancelTimer(holdId);
      await this.queue.remove(expireJobOptions(holdId, 0).jobId).catch(() => undefined);
    }
  }

  /**
   * Called by the expiry job: idempotent, and a hold that already ended is left
   * alone. A job that runs before the hold's expiry (clocks of two machines
   * disagree) is told so, and BullMQ retries it later.
   */
  async expire(holdId: string): Promise<'released' | 'ended' | 'not-yet'> {
    const outcome = await inTransaction(this.orm, async (em) => {
      const goodId = await this.holdsRepository.goodOf(em, holdId);
      if (goodId) await this.goodsRepository.load(em, goodId, { forUpdate: true });
      const hold = await this.holdsRepository.lock(em, holdId);
      if (!hold || hold.status !== 'active') return { result: 'ended' as const };
      if (!hold.due) return { result: 'not-yet' as const };
      await this.end(em, hold, 'released', 'expired', SYSTEM_ACTOR);
      // The driver may hand the timestamp over as text.
      return { result: 'released' as const, expiresAt: new Date(hold.expiresAt) };
    });
    // Observed once committed, when the release took effect; the one place every expiry passes.
    if (outcome.result === 'released')
      this.expiryLateness.observe(Math.max(0, Date.now() - outcome.expiresAt.getTime()) / 1000);
    return outcome.result;
  }

  /** Releases every hold past its expiry; returns how many. */
  async sweep(limit = 500): Promise<number> {
    const overdue = await this.holdsRepository.overdue(this.orm.em.fork(), limit);
    let released = 0;
    for (const id of overdue) if ((await this.expire(id)) === 'released') released++;
    if (released > 0)
      this.logger.warn(`released ${released} overdue hold(s) whose expiry job had not run`);
    return released;
  }

  /**
   * The BullMQ job is the durable schedule: it survives restarts and runs on any
   * replica. Its timing is only as fine as Redis's timers (about 100 ms here), so
   * the replica that placed a short hold also sets a timer of its own; whichever
   * fires first releases the hold, and the other finds it already ended.
   */
  private async scheduleExpiry(holdId: string, expiresAt: Date): Promise<void> {
    const delay = expiresAt.getTime() - Date.now();
    if (delay < LOCAL_TIMER_HORIZON_MS) {
      const timer = setTimeout(
        detached(() => {
          this.timers.delete(holdId);
          this.expire(holdId).catch((error: unknown) =>
            this.logger.warn(`hold ${holdId}: ${String(error)}`),
          );
        }),
        Math.max(0, delay),
      );
      timer.unref();
      this.timers.set(holdId, timer);
    }
    try {
      await this.queue.add(
        HoldJob.expire,
        { holdId, ...jobCorrelation() },
        expireJobOptions(holdId, delay),
      );
    } catch (error) {
      this.logger.error(
        `could not schedule the expiry of hold ${holdId}; the sweep will release it: ${String(error)}`,
      );
    }
  }

  private cancelTimer(holdId: string): void {
    clearTimeout(this.timers.get(holdId));
    this.timers.delete(holdId);
  }

  onModuleDestroy(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  /** A hold locked for ending, in the lock order of every stock path: its good first, then the hold. */
  private async lockHold(em: EntityManager, holdId: string): Promise<{ hold: Hold; good: Good }> {
    const goodId = await this.holdsRepository.goodOf(em, holdId);
    if (!goodId) throw notFound('hold', holdId);
    const good = await this.goodsRepository.load(em, goodId, { forUpdate: true });
    return { hold: await this.loadHold(em, holdId), good };
  }

  /** The hold, locked; its good must already be locked by the caller. */
  private async loadHold(em: EntityManager, holdId: string): Promise<Hold> {
    const hold = await this.holdsRepository.lock(em, holdId);
    if (!hold) throw notFound('hold', holdId);
    return hold;
  }

  /**
   * What a pickup took of the offer beyond its holds, held for the receiving member as it
   * went: the same two steps as a taker's hold (offered → held → handed over), never a jump.
   */
  private async holdCollected(
    em: EntityManager,
    good: Good,
    locationId: string,
    quantity: string,
    collection: { receiverId: string },
    actor: Actor,
    cause: { type: 'event'; id: string },
  ): Promise<Hold> {
    const holdId = randomUUID();
    // Ended in this transaction: no expiry job, and the sweep would find it ended.
    const expiresMs = await this.holdsRepository.insert(em, {
      id: holdId,
      goodId: good.id,
      fromState: 'offered',
      locationId,
      quantity,
      holderId: collection.receiverId,
      reservationId: null,
      ttlSeconds: 60,
      actor,
    });
    await this.ledger.move(em, {
      good,
      quantity,
      from: { state: 'offered', locationId },
      to: { state: 'held', locationId },
      reason: `held for ${collection.receiverId}`,
      actor,
      cause,
      holdId,
    });
    await recordEvent(
      em,
      InventoryHoldPlacedV1,
      {
        holdId,
        goodId: good.id,
        holderId: collection.receiverId,
        quantity: normalise(quantity),
        unit: good.unit,
        expiresAt: new Date(expiresMs).toISOString(),
        reservationId: null,
      },
      { actor },
    );
    return (await this.holdsRepository.lock(em, holdId))!;
  }

  /**
   * A hold whose stock a pickup took, `quantity` of it: handed over to its holder, the rest
   * (if the crew took less than was held) back where it was held from.
   */
  private async endCollected(
    em: EntityManager,
    good: Good,
    hold: Hold,
    quantity: string,
    collection: { reason: string },
    actor: Actor,
    cause: { type: 'event'; id: string },
  ): Promise<{ holdId: string; holderId: string; quantity: string; movementId: string }> {
    await this.holdsRepository.end(em, hold.id, {
      status: 'handed-over',
      reason: 'collected',
      handedTo: hold.holderId,
    });
    const movementId = await this.ledger.move(em, {
      good,
      quantity,
      from: { state: 'held', locationId: hold.locationId },
      to: { state: LIFECYCLES[good.kind].handedOver, locationId: hold.locationId },
      reason: `handed over to ${hold.holderId}: ${collection.reason}`,
      actor,
      cause,
      holdId: hold.id,
    });
    const left = thousandths(hold.quantity) - thousandths(quantity);
    if (left > 0) {
      await this.ledger.move(em, {
        good,
        quantity: quantityOf(left),
        from: { state: 'held', locationId: hold.locationId },
        to: { state: hold.fromState, locationId: hold.locationId },
        reason: 'hold ended: not collected',
        actor,
        cause,
        holdId: hold.id,
      });
    }
    await recordEvent(
      em,
      InventoryHoldHandedOverV1,
      {
        holdId: hold.id,
        goodId: good.id,
        quantity: normalise(quantity),
        beneficiaryRef: hold.holderId,
        reservationId: hold.reservationId,
      },
      { actor },
    );
    return { holdId: hold.id, holderId: hold.holderId, quantity, movementId };
  }

  private async end(
    em: EntityManager,
    hold: Hold,
    status: 'released' | 'handed-over',
    reason: string,
    actor: Actor,
    handedTo?: string,
  ): Promise<void> {
    if (hold.status !== 'active') {
      throw new Refusal(
        'invalid-transition',
        `hold ${hold.id} is ${hold.status}: it has already ended`,
        {
          currentState: hold.status,
          allowedStates: [],
        },
      );
    }
    const good = await this.goodsRepository.load(em, hold.goodId, { forUpdate: true });
    await this.holdsRepository.end(em, hold.id, { status, reason, handedTo: handedTo ?? null });
    const to = status === 'released' ? hold.fromState : LIFECYCLES[good.kind].handedOver;
    await this.ledger.move(em, {
      good,
      quantity: hold.quantity,
      from: { state: 'held', locationId: hold.locationId },
      to: { state: to, locationId: hold.locationId },
      reason: status === 'released' ? `hold released: ${reason}` : `handed over to ${handedTo}`,
      actor,
      cause: { type: actor.role === 'system' ? 'job' : 'command', id: hold.id },
      holdId: hold.id,
    });
    if (status === 'released') {
      await recordEvent(
        em,
        InventoryHoldReleasedV1,
        {
          holdId: hold.id,
          goodId: good.id,
          reason: reason as z.output<typeof InventoryHoldReleasedV1.schema>['reason'],
          reservationId: hold.reservationId,
        },
        { actor },
      );
    } else {
      await recordEvent(
        em,
        InventoryHoldHandedOverV1,
        {
          holdId: hold.id,
          goodId: good.id,
          quantity: normalise(hold.quantity),
          beneficiaryRef: handedTo!,
          reservationId: hold.reservationId,
        },
        { actor },
      );
    }
  }
}

/** Quantities (at most 3 decimals) in thousandths, so that parts add up exactly. */
const thousandths = (quantity: string): number => Math.round(Number(quantity) * 1000);
const quantityOf = (thousandths: number): string => normalise((thousandths / 1000).toFixed(3));

/**
 * A lot's hold ends when its window does: past `mustBeGoneBy` the lot is diverted, so a
 * taker can never hold (or be handed) what will by then be gone.
 */
function ttlWithinWindow(good: Good, ttlSeconds: number): number {
  if (!good.mustBeGoneBy) return ttlSeconds;
  const untilGone = Math.floor((new Date(good.mustBeGoneBy).getTime() - Date.now()) / 1000);
  return Math.max(1, Math.min(ttlSeconds, untilGone));
}
