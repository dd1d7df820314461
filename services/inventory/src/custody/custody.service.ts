import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { z } from 'zod';
import {
  InventoryGoodCorrectedV1,
  InventoryGoodTransferredV1,
  type Actor,
  type RelocateGoodV1,
  type TransferGoodV1,
} from '@boucle/contracts';
import { MikroORM, type EntityManager } from '@boucle/database';
import { inTransaction, recordEvent } from '@boucle/messaging';
import { assertActsFor } from '../common/actor.js';
import { invalidTransition, validation } from '../common/errors.js';
import { CorrectionsRepository } from '../corrections/corrections.repository.js';
import { assertWholeIfCounted, describeGood, type Good } from '../goods/good.js';
import { GoodsRepository } from '../goods/goods.repository.js';
import { isState, LIFECYCLES } from '../goods/lifecycle.js';
import { LedgerRepository } from '../ledger/ledger.repository.js';
import { LedgerService } from '../ledger/ledger.service.js';
import { LEFT_STOCK } from '../reports/reports.service.js';
import { SitesService } from '../sites/sites.service.js';
import { CustodyRepository } from './custody.repository.js';

/** Part of a good passing to another member as a good of its own (see `passPart`). */
export interface PartTransfer {
  /** Chosen by the caller, whose movements out of the giver already name them. */
  transferId: string;
  goodId: string;
  /** The giver's good, locked by the caller. */
  from: Good;
  /** The caller's movements of the part out of the giver's stock. */
  outMovementIds: string[];
  quantity: string;
  /** The mass those movements carried out, which the part carries in. */
  massKg: number;
  to: { organisationId: string; siteId: string; locationId: string };
  state: string;
  description: Record<string, unknown>;
  /** What the part weighed when it was received, if it was weighed. */
  weighedKg: number | null;
  actor: Actor;
  cause: { type: 'command' | 'event' | 'job'; id: string };
}

/**
 * Where a good is and whose it is: moved between a member's own locations and sites in the
 * same state, or passed to another member by an explicit transfer that both sides can read.
 */
@Injectable()
export class CustodyService {
  constructor(
    @Inject(MikroORM) private readonly orm: MikroORM,
    private readonly goodsRepository: GoodsRepository,
    private readonly ledger: LedgerService,
    private readonly ledgerRepository: LedgerRepository,
    private readonly sites: SitesService,
    private readonly custody: CustodyRepository,
    private readonly corrections: CorrectionsRepository,
  ) {}

  async relocate(cmd: z.output<typeof RelocateGoodV1>): Promise<{ movementId: string }> {
    return inTransaction(this.orm, async (em) => {
      const good = await this.goodsRepository.load(em, cmd.goodId, { forUpdate: true });
      assertActsFor(cmd.actor, good.organisationId, `good ${good.id}`);
      if (!isState(good.kind, cmd.state))
        throw validation('state', `"${cmd.state}" is not a state of a ${good.kind}`);
      if (good.kind === 'item' && cmd.quantity !== '1')
        throw validation('quantity', 'an item moves as a whole: 1');
      assertWholeIfCounted(good, cmd.quantity);
      // Held stock is its hold's, where it was held; what has left or is lost is nowhere to move.
      if (cmd.state === 'held' || LEFT_STOCK.includes(cmd.state))
        throw invalidTransition(
          `${describeGood(good)} (${cmd.state} quantity)`,
          cmd.state,
          'relocated',
          [],
        );
      const owner = await this.sites.locationOwner(em, cmd.toLocationId);
      assertActsFor(cmd.actor, owner.organisationId, `location ${cmd.toLocationId}`);
      if (owner.organisationId !== good.organisationId) {
        throw validation(
          'toLocationId',
          `location ${cmd.toLocationId} is another member's: custody passes by good.transfer`,
        );
      }
      const places = await this.ledgerRepository.balances(em, good.id, cmd.state);
      const from = cmd.fromLocationId
        ? { state: cmd.state, locationId: cmd.fromLocationId }
        : places.length === 1
          ? { state: cmd.state, locationId: places[0]!.locationId }
          : undefined;
      if (!from) {
        throw places.length === 0
          ? validation('state', `nothing of good ${good.id} is ${cmd.state}`)
          : validation('fromLocationId', `good ${good.id} is ${cmd.state} at several locations`);
      }
      if (from.locationId === cmd.toLocationId)
        throw validation('toLocationId', `good ${good.id} is already there`);
      const movementId = await this.ledger.move(em, {
        good,
        quantity: cmd.quantity,
        from,
        to: { state: cmd.state, locationId: cmd.toLocationId },
        reason: 'relocation',
        actor: cmd.actor,
        cause: { type: 'command', id: randomUUID() },
      });
      return { movementId };
    });
  }

  /**
   * The whole good passes to the receiving member: each of its balances leaves the giver and
   * comes in at the receiver's location in the same state, the good keeping its id, serial and
   * passport; the receiver owns it from then on. Refused while any of it is held (its hold ends
   * first), lost, or in a state only a command may leave (a quarantine's outcome).
   */
  async transfer(cmd: z.output<typeof TransferGoodV1>) {
    return inTransaction(this.orm, async (em) => {
      const good = await this.goodsRepository.load(em, cmd.goodId, { forUpdate: true });
      // The giving member initiates, or the coordinator.
      assertActsFor(cmd.actor, good.organisationId, `good ${good.id}`);
      if (cmd.toOrganisationId === good.organisationId)
        throw validation(
          'toOrganisationId',
          `good ${good.id} is already this member's: relocate it`,
        );
      const receiver = await this.sites.locationOwner(em, cmd.toLocationId);
      if (receiver.organisationId !== cmd.toOrganisationId)
        throw validation(
          'toLocationId',
          `location ${cmd.toLocationId} is not organisation ${cmd.toOrganisationId}'s`,
        );
      const balances = await this.ledgerRepository.balances(em, good.id);
      if (balances.length === 0) throw validation('goodId', `nothing of good ${good.id} is left`);
      const stuck = balances.find(
        (b) =>
          b.state === 'held' ||
          b.state === 'lost' ||
          LIFECYCLES[good.kind].leftOnlyByCommand?.has(b.state),
      );
      if (stuck)
        throw invalidTransition(
          `${describeGood(good)} (${stuck.state} quantity)`,
          stuck.state,
          'transferred',
          [],
        );
      const transferId = randomUUID();
      const fromOrganisationId = good.organisationId;
      await this.custody.insertTransfer(em, {
        id: transferId,
        goodId: good.id,
        fromOrganisationId,
        toOrganisationId: cmd.toOrganisationId,
        toSiteId: receiver.siteId,
        actor: cmd.actor,
      });
      const cause = { type: 'command' as const, id: transferId };
      const movementIds: string[] = [];
      for (const b of balances) {
        movementIds.push(
          await this.ledger.move(em, {
            good,
            quantity: b.quantity,
            from: { state: b.state, locationId: b.locationId },
            to: null,
            reason: `transfer ${transferId} to ${cmd.toOrganisationId}`,
            actor: cmd.actor,
            cause,
          }),
          await this.ledger.move(em, {
            good,
            quantity: b.quantity,
            from: null,
            to: { state: b.state, locationId: cmd.toLocationId },
            reason: `transfer ${transferId} from ${fromOrganisationId}`,
            actor: cmd.actor,
            cause,
          }),
        );
      }
      await this.custody.linkMovements(em, transferId, movementIds);
      await this.custody.changeOwner(em, good.id, {
        organisationId: cmd.toOrganisationId,
        siteId: receiver.siteId,
      });
      await recordEvent(
        em,
        InventoryGoodTransferredV1,
        {
          transferId,
          goodId: good.id,
          kind: good.kind,
          fromOrganisationId,
          toOrganisationId: cmd.toOrganisationId,
          toSiteId: receiver.siteId,
          movementIds,
        },
        { actor: cmd.actor },
      );
      return {
        transferId,
        goodId: good.id,
        fromOrganisationId,
        toOrganisationId: cmd.toOrganisationId,
        movementIds,
      };
    });
  }

  /**
   * Part of a good passes to another member as a good of its own, in the caller's transaction:
   * what a collection round took from a lot still offered on a firm's site. The giver keeps
   * its good, with the rest and the record of where each part went (the owner's récolement);
   * the receiver owns the part, described as the giver described it and linked to it, at its
   * location. The caller's movements out of the giver and the part's movement in are one
   * transfer, carrying the same mass, so the cluster's figures count neither. A weighing on
   * receipt then settles the giver's estimate for the part, as a weight correction
   * (`estimate-settled`) the report counts when it is made.
   */
  async passPart(em: EntityManager, part: PartTransfer): Promise<{ movementId: string }> {
    await this.custody.insertTransfer(em, {
      id: part.transferId,
      goodId: part.from.id,
      fromOrganisationId: part.from.organisationId,
      toOrganisationId: part.to.organisationId,
      toSiteId: part.to.siteId,
      actor: part.actor,
    });
    const good = await this.goodsRepository.insert(em, {
      id: part.goodId,
      kind: part.from.kind,
      organisationId: part.to.organisationId,
      siteId: part.to.siteId,
      unit: part.from.unit,
      state: part.state,
      description: part.description,
      weightKg: part.weighedKg ?? part.massKg,
      weighedKg: part.massKg,
    });
    const movementId = await this.ledger.move(em, {
      good,
      quantity: part.quantity,
      from: null,
      to: { state: part.state, locationId: part.to.locationId },
      reason: `transfer ${part.transferId} from ${part.from.organisationId}: part of ${part.from.kind} ${part.from.id}`,
      actor: part.actor,
      cause: part.cause,
      weightKg: part.weighedKg,
    });
    await this.custody.linkMovements(em, part.transferId, [...part.outMovementIds, movementId]);
    if (
      part.weighedKg !== null &&
      Math.round(part.weighedKg * 1000) !== Math.round(part.massKg * 1000)
    ) {
      const correctionId = randomUUID();
      const { before } = await this.corrections.changeWeight(em, {
        id: correctionId,
        goodId: good.id,
        organisationId: part.to.organisationId,
        weighedKg: part.weighedKg,
        reason: 'estimate-settled',
        actor: part.actor,
        leftStock: LEFT_STOCK,
      });
      await recordEvent(
        em,
        InventoryGoodCorrectedV1,
        {
          correctionId,
          goodId: good.id,
          organisationId: part.to.organisationId,
          kind: 'weight',
          reason: 'estimate-settled',
          movementId: null,
          quantity: null,
          from: null,
          to: null,
          weighedKgBefore: Number(before),
          weighedKgAfter: part.weighedKg,
        },
        { actor: part.actor },
      );
    }
    return { movementId };
  }
}
