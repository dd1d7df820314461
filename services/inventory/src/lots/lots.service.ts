import { randomUUID } from 'node:crypto';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { z } from 'zod';
import {
  InventoryLotDivertedV1,
  InventoryLotOfferedV1,
  InventoryLotWindowAmendedV1,
  InventoryLotWithdrawnV1,
  type Actor,
  type AmendLotWindowV1,
  type DivertLotV1,
  type OfferLotV1,
  type WithdrawLotV1,
} from '@boucle/contracts';
import { MikroORM, type EntityManager } from '@boucle/database';
import { inTransaction, recordEvent } from '@boucle/messaging';
import { jobCorrelation } from '@boucle/service';
import { assertActsFor, assertRole, SYSTEM_ACTOR } from '../common/actor.js';
import { insufficientQuantity, invalidTransition, Refusal, validation } from '../common/errors.js';
import { CustodyService } from '../custody/custody.service.js';
import { assertWholeIfCounted, type Good } from '../goods/good.js';
import { GoodsRepository } from '../goods/goods.repository.js';
import { HoldsService } from '../holds/holds.service.js';
import { LedgerRepository } from '../ledger/ledger.repository.js';
import { LedgerService, normalise } from '../ledger/ledger.service.js';
import { SitesService } from '../sites/sites.service.js';
import { divertJobOptions, LOTS_QUEUE, LotJob, type DivertUntakenPayload } from './lots.jobs.js';
import { LotsRepository } from './lots.repository.js';

type Destination = z.output<typeof DivertLotV1>['destination'];

/** What a collection round took of a lot from its site, as its completed pickup says. */
export interface LotCollection {
  pickupId: string;
  lotGoodId: string;
  /** The lot's goods the crew recorded, added up, in the lot's unit. */
  quantity: string;
  unit: Good['unit'];
  /** What the load weighed, if it was weighed. */
  weighedKg: number | null;
  deliverTo: { siteId: string; locationId: string };
  /** The event that said so. */
  eventId: string;
}

/**
 * Lots offered from construction sites (PEMD): supply that is ephemeral, offered
 * for a window tied to the works. Takers hold part or all of a lot; what nobody
 * takes before `mustBeGoneBy` is diverted to the recycling route the firm named,
 * and where it went is recorded for the owner's récolement.
 */
@Injectable()
export class LotsService {
  private readonly logger = new Logger(LotsService.name);

  constructor(
    @Inject(MikroORM) private readonly orm: MikroORM,
    private readonly sites: SitesService,
    private readonly lotsRepository: LotsRepository,
    private readonly goodsRepository: GoodsRepository,
    private readonly ledgerRepository: LedgerRepository,
    private readonly ledger: LedgerService,
    private readonly holds: HoldsService,
    private readonly custody: CustodyService,
    @InjectQueue(LOTS_QUEUE) private readonly queue: Queue<DivertUntakenPayload>,
  ) {}

  async offer(cmd: z.output<typeof OfferLotV1>): Promise<{ goodId: string }> {
    assertRole(cmd.actor, ['firm', 'operator'], 'offering a lot');
    if (new Date(cmd.mustBeGoneBy) <= new Date())
      throw validation('mustBeGoneBy', 'must be in the future');
    const { goodId } = await inTransaction(this.orm, async (em) => {
      const site = await this.sites.loadSite(em, cmd.siteId);
      assertActsFor(cmd.actor, site.organisationId, `site ${site.id}`);
      if (site.kind !== 'construction-site') {
        throw validation(
          'siteId',
          `lots are offered from a construction site; site ${site.id} is a ${site.kind}`,
        );
      }
      await this.sites.assertLocationOnSite(em, cmd.locationId, site.id);
      const id = randomUUID();
      const {
        actor: _actor,
        siteId: _site,
        locationId: _location,
        quantity: _q,
        unit,
        weightKg,
        ...description
      } = cmd;
      const good = await this.goodsRepository.insert(em, {
        id,
        kind: 'lot',
        organisationId: site.organisationId,
        siteId: site.id,
        unit,
        state: 'offered',
        description,
        weightKg: weightKg ?? null,
        // Still on its site, unweighed: what the firm declares is the only mass known.
        weighedKg: weightKg ?? null,
        availableFrom: cmd.availableFrom,
        mustBeGoneBy: cmd.mustBeGoneBy,
      });
      await this.ledger.move(em, {
        good,
        quantity: cmd.quantity,
        from: null,
        to: { state: 'offered', locationId: cmd.locationId },
        // Ids and codes only: a site's name or a facility is typed by people, and the ledger is never erased.
        reason: `offered from site ${site.id}`,
        actor: cmd.actor,
        cause: { type: 'command', id },
        weightKg: weightKg ?? null,
      });
      await recordEvent(
        em,
        InventoryLotOfferedV1,
        {
          goodId: id,
          siteId: site.id,
          organisationId: site.organisationId,
          materialFamily: cmd.materialFamily,
          quantity: normalise(cmd.quantity),
          unit,
          estimated: cmd.estimated,
          conditionGrade: cmd.conditionGrade,
          availableFrom: new Date(cmd.availableFrom).toISOString(),
          mustBeGoneBy: new Date(cmd.mustBeGoneBy).toISOString(),
        },
        { actor: cmd.actor },
      );
      return { goodId: id };
    });
    await this.scheduleDiversion(goodId, cmd.mustBeGoneBy);
    return { goodId };
  }

  /**
   * The works moved: the lot gets a new window and its diversion job follows `mustBeGoneBy`.
   * Holds that would outlive the new window expire at it (capped, not ended: a taker may
   * still collect in time); holders learn it from the event, which lists them.
   */
  async amendWindow(cmd: z.output<typeof AmendLotWindowV1>): Promise<{
    goodId: string;
    availableFrom: string;
    mustBeGoneBy: string;
    cappedHoldIds: string[];
  }> {
    assertRole(cmd.actor, ['firm', 'operator'], "amending a lot's window");
    if (new Date(cmd.mustBeGoneBy) <= new Date())
      throw validation('mustBeGoneBy', 'must be in the future');
    const availableFrom = new Date(cmd.availableFrom).toISOString();
    const mustBeGoneBy = new Date(cmd.mustBeGoneBy).toISOString();
    const answer = await inTransaction(this.orm, async (em) => {
      const good = await this.lockOpenOffer(em, cmd.goodId, cmd.actor, 'amended');
      await this.lotsRepository.amendWindow(em, good.id, { availableFrom, mustBeGoneBy });
      const cappedHolds = await this.holds.capToWindow(em, good.id, mustBeGoneBy);
      await recordEvent(
        em,
        InventoryLotWindowAmendedV1,
        { goodId: good.id, availableFrom, mustBeGoneBy, cappedHolds },
        { actor: cmd.actor },
      );
      return {
        goodId: good.id,
        availableFrom,
        mustBeGoneBy,
        cappedHoldIds: cappedHolds.map((c) => c.holdId),
      };
    });
    // After the commit: a job must never follow a window that was rolled back. A retried
    // command answered from the command log reschedules to the same window, harmlessly.
    await this.scheduleDiversion(answer.goodId, answer.mustBeGoneBy, { replace: true });
    await this.holds.rescheduleExpiry(
      answer.cappedHoldIds.map((holdId) => ({ holdId, expiresAt: answer.mustBeGoneBy })),
    );
    return answer;
  }

  /**
   * The firm keeps its lot: its holds end (reason `withdrawn`, their quantity back on offer),
   * then everything offered becomes `withdrawn`, still the firm's stock on its site (the
   * tonnage report keeps counting it as held), and the diversion job finds nothing to divert.
   */
  async withdraw(
    cmd: z.output<typeof WithdrawLotV1>,
  ): Promise<{ goodId: string; withdrawn: string; releasedHoldIds: string[] }> {
    assertRole(cmd.actor, ['firm', 'operator'], 'withdrawing a lot');
    const answer = await inTransaction(this.orm, async (em) => {
      const good = await this.lockOpenOffer(em, cmd.goodId, cmd.actor, 'withdrawn');
      const releasedHoldIds = await this.holds.endForWithdrawal(em, good.id, cmd.actor);
      let total = 0;
      for (const balance of await this.ledgerRepository.balances(em, good.id, 'offered')) {
        await this.ledger.move(em, {
          good,
          quantity: balance.quantity,
          from: { state: 'offered', locationId: balance.locationId },
          to: { state: 'withdrawn', locationId: balance.locationId },
          reason: 'offer withdrawn',
          actor: cmd.actor,
          cause: { type: 'command', id: good.id },
        });
        total += Number(balance.quantity);
      }
      const withdrawn = normalise(total.toFixed(3));
      await recordEvent(
        em,
        InventoryLotWithdrawnV1,
        { goodId: good.id, quantity: withdrawn, unit: good.unit, releasedHoldIds },
        { actor: cmd.actor },
      );
      return { goodId: good.id, withdrawn, releasedHoldIds };
    });
    await this.holds.forgetEnded(answer.releasedHoldIds);
    // The job would find nothing offered; removed so that it does not linger until then.
    await this.queue.remove(divertJobOptions(cmd.goodId, 0).jobId).catch(() => undefined);
    return answer;
  }

  /** The firm diverts what is still offered (say the works moved forward). */
  async divert(cmd: z.output<typeof DivertLotV1>): Promise<{ goodId: string; diverted: string }> {
    return inTransaction(this.orm, async (em) => {
      const good = await this.goodsRepository.load(em, cmd.goodId, { forUpdate: true });
      assertActsFor(cmd.actor, good.organisationId, `good ${good.id}`);
      const diverted = await this.divertOffered(em, good, cmd.destination, cmd.actor, false);
      if (diverted === null) {
        throw new Refusal('insufficient-quantity', `nothing of lot ${cmd.goodId} is still offered`);
      }
      return { goodId: cmd.goodId, diverted };
    });
  }

  /** The job at `mustBeGoneBy`: idempotent, since a lot with nothing left offered is left alone. */
  async divertUntaken(goodId: string): Promise<'diverted' | 'nothing-left' | 'not-yet'> {
    return inTransaction(this.orm, async (em) => {
      const good = await this.goodsRepository.load(em, goodId, { forUpdate: true });
      if (!(await this.lotsRepository.isPastWindow(em, goodId))) return 'not-yet';
      const fallback = good.description['fallback'] as Destination;
      return (await this.divertOffered(em, good, fallback, SYSTEM_ACTOR, true)) === null
        ? 'nothing-left'
        : 'diverted';
    });
  }

  /** Every lot still offered past its window; returns how many were diverted. */
  async sweepOverdue(limit = 500): Promise<number> {
    const overdue = await this.lotsRepository.overdue(this.orm.em.fork(), limit);
    let diverted = 0;
    for (const id of overdue) if ((await this.divertUntaken(id)) === 'diverted') diverted++;
    return diverted;
  }

  /**
   * A collection round took part or all of the lot from the firm's site to a location of
   * inventory's, in the consumer's transaction (with its inbox row: a pickup delivered twice
   * is collected once). The lot is not taken in again: it came into the cluster's stock when
   * offered. For another member, what the crew took leaves the lot handed over (the holds it
   * collected end, see `HoldsService.endForCollection`; the rest stays offered, and is
   * diverted at `mustBeGoneBy` if nobody takes it) and comes in at the receiver as a lot of
   * its own, `collected`, by one transfer (`CustodyService.passPart`): the firm keeps its lot
   * and its record of where each part went, the receiver owns what it received. For the
   * firm's own location, the lot itself moves there, offered → collected.
   *
   * Refused (then dead-lettered with the reason, for someone to reconcile) when the good is
   * no lot offered from a site, its unit is not the pickup's, nothing of it is offered or held
   * any more (withdrawn, diverted, already collected), or the pickup took more than is left.
   */
  async collectIn(
    em: EntityManager,
    pickup: LotCollection,
  ): Promise<{ goodId: string; collectedGoodId: string; transferId: string | null }> {
    const actor = SYSTEM_ACTOR;
    const cause = { type: 'event' as const, id: pickup.eventId };
    const good = await this.goodsRepository.load(em, pickup.lotGoodId, { forUpdate: true });
    if (good.kind !== 'lot' || !good.mustBeGoneBy)
      throw validation(
        'lotGoodId',
        `good ${good.id} is not a lot offered from a construction site`,
      );
    if (pickup.unit !== good.unit)
      throw validation('goods', `lot ${good.id} is counted in ${good.unit}, not ${pickup.unit}`);
    assertWholeIfCounted(good, pickup.quantity);
    await this.sites.assertLocationOnSite(em, pickup.deliverTo.locationId, pickup.deliverTo.siteId);
    const receiver = await this.sites.loadSite(em, pickup.deliverTo.siteId);
    const onOffer = await this.ledgerRepository.balances(em, good.id, 'offered');
    if (onOffer.length === 0 && (await this.holds.activeOnOffer(em, good.id)).length === 0) {
      throw new Refusal(
        'invalid-transition',
        `lot ${good.id} is ${good.state}: nothing of it is offered or held on its site any more`,
        { currentState: good.state, allowedStates: [] },
      );
    }
    if (receiver.organisationId === good.organisationId) {
      // The firm's own depot: its lot, off the offer, there; others' holds stay as they are.
      const source = await this.ledgerRepository.largestAtLeast(
        em,
        good.id,
        ['offered'],
        pickup.quantity,
      );
      if (!source) {
        throw insufficientQuantity(
          `lot ${good.id}: ${normalise(pickup.quantity)} ${good.unit} collected, more than is offered and not held`,
        );
      }
      await this.ledger.move(em, {
        good,
        quantity: pickup.quantity,
        from: source,
        to: { state: 'collected', locationId: pickup.deliverTo.locationId },
        reason: `collected by pickup ${pickup.pickupId}`,
        actor,
        cause,
        weightKg: pickup.weighedKg,
      });
      return { goodId: good.id, collectedGoodId: good.id, transferId: null };
    }
    const transferId = randomUUID();
    const collectedGoodId = randomUUID();
    const parts = await this.holds.endForCollection(
      em,
      good,
      {
        quantity: pickup.quantity,
        receiverId: receiver.organisationId,
        reason: `pickup ${pickup.pickupId}, transfer ${transferId} to ${receiver.organisationId}`,
      },
      actor,
      cause,
    );
    // Each part weighed as its movement out is, so that the transfer carries the mass it took.
    let grams = 0;
    for (const part of parts)
      grams += Math.round((await this.ledgerRepository.massOf(em, good.id, part.quantity)) * 1000);
    const { fallback: _fallback, estimated: _estimated, ...described } = good.description;
    await this.custody.passPart(em, {
      transferId,
      goodId: collectedGoodId,
      from: good,
      outMovementIds: parts.map((p) => p.movementId),
      quantity: pickup.quantity,
      massKg: grams / 1000,
      to: {
        organisationId: receiver.organisationId,
        siteId: receiver.id,
        locationId: pickup.deliverTo.locationId,
      },
      state: 'collected',
      description: {
        ...described,
        fromLotId: good.id,
        fromSiteId: good.siteId,
        pickupId: pickup.pickupId,
      },
      weighedKg: pickup.weighedKg,
      actor,
      cause,
    });
    return { goodId: good.id, collectedGoodId, transferId };
  }

  /**
   * The lot, locked, whose offer is still open: a lot offered from a site, its window not yet
   * closed by the database's clock, with something still offered or held on the offer.
   */
  private async lockOpenOffer(
    em: EntityManager,
    goodId: string,
    actor: Actor,
    verb: 'amended' | 'withdrawn',
  ): Promise<Good> {
    const good = await this.goodsRepository.load(em, goodId, { forUpdate: true });
    assertActsFor(actor, good.organisationId, `good ${good.id}`);
    if (good.kind !== 'lot' || !good.mustBeGoneBy)
      throw validation('goodId', `good ${good.id} is not a lot offered from a site`);
    if (await this.lotsRepository.isPastWindow(em, good.id)) {
      throw new Refusal(
        'invalid-transition',
        `lot ${good.id} had to be gone by ${new Date(good.mustBeGoneBy).toISOString()}: its offer can no longer be ${verb}`,
        { currentState: good.state, allowedStates: [] },
      );
    }
    const onOffer = await this.ledgerRepository.balances(em, good.id, 'offered');
    const heldFromOffer = await this.holds.activeOnOffer(em, good.id);
    if (onOffer.length === 0 && heldFromOffer.length === 0)
      throw invalidTransition(`lot ${good.id}`, good.state, verb, []);
    return good;
  }

  /**
   * The diversion job at `mustBeGoneBy`. BullMQ's `add` with the id of a delayed job leaves
   * that job as it was, so a new window removes it first; should the removal fail (the job is
   * running), the job checks the database's window and the sweep backs it.
   */
  private async scheduleDiversion(
    goodId: string,
    mustBeGoneBy: string,
    { replace = false } = {},
  ): Promise<void> {
    const options = divertJobOptions(goodId, new Date(mustBeGoneBy).getTime() - Date.now());
    try {
      if (replace) await this.queue.remove(options.jobId);
      await this.queue.add(LotJob.divertUntaken, { goodId, ...jobCorrelation() }, options);
    } catch (error) {
      this.logger.error(`could not schedule the diversion of lot ${goodId}: ${String(error)}`);
    }
  }

  private async divertOffered(
    em: EntityManager,
    good: Good,
    destination: Destination,
    actor: Actor,
    automatic: boolean,
  ): Promise<string | null> {
    if (good.kind !== 'lot')
      throw validation('goodId', `good ${good.id} is a ${good.kind}, not a lot`);
    const offered = await this.ledgerRepository.balances(em, good.id, 'offered');
    if (offered.length === 0) return null;
    let total = 0;
    for (const balance of offered) {
      await this.ledger.move(em, {
        good,
        quantity: balance.quantity,
        from: { state: 'offered', locationId: balance.locationId },
        to: { state: 'diverted', locationId: balance.locationId },
        // The facility is recorded with the diversion, outside the append-only ledger.
        reason: `${automatic ? 'not taken in time: ' : ''}diverted to ${destination.route}`,
        actor,
        cause: { type: automatic ? 'job' : 'command', id: good.id },
      });
      await this.lotsRepository.insertDiversion(em, {
        goodId: good.id,
        quantity: balance.quantity,
        route: destination.route,
        facility: destination.facility,
        automatic,
        actor,
      });
      total += Number(balance.quantity);
    }
    const quantity = normalise(total.toFixed(3));
    await recordEvent(
      em,
      InventoryLotDivertedV1,
      {
        goodId: good.id,
        quantity,
        unit: good.unit,
        route: destination.route,
        facility: destination.facility,
        automatic,
      },
      { actor },
    );
    return quantity;
  }
}
