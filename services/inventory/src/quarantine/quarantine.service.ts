import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { z } from 'zod';
import {
  InventoryItemQuarantinedV1,
  InventoryItemScrappedV1,
  InventoryItemTriagedV1,
  type Actor,
  type QuarantineItemV1,
  type RefurbishQuarantinedV1,
  type ScrapQuarantinedV1,
} from '@boucle/contracts';
import { MikroORM, type EntityManager } from '@boucle/database';
import { inTransaction, recordEvent } from '@boucle/messaging';
import { assertActsFor, assertRole } from '../common/actor.js';
import { Refusal, validation } from '../common/errors.js';
import { describeGood, type Good } from '../goods/good.js';
import { GoodsRepository } from '../goods/goods.repository.js';
import { allowedNext, assertTransition } from '../goods/lifecycle.js';
import { HoldsService } from '../holds/holds.service.js';
import { LedgerRepository } from '../ledger/ledger.repository.js';
import { LedgerService } from '../ledger/ledger.service.js';
import { SitesRepository } from '../sites/sites.repository.js';
import { QuarantineRepository, type OpenQuarantine } from './quarantine.repository.js';

/**
 * Leaving the normal path (RBEU, matériovigilance): an aid found defective, or recalled,
 * leaves circulation at once whatever its live state, and its holds end with the reason.
 * From quarantine it goes only back to refurbishing, in a new cycle with every gate to
 * pass again, or to scrap, with its destination recorded like a diverted lot's.
 */
@Injectable()
export class QuarantineService {
  constructor(
    @Inject(MikroORM) private readonly orm: MikroORM,
    private readonly quarantineRepository: QuarantineRepository,
    private readonly goodsRepository: GoodsRepository,
    private readonly ledgerRepository: LedgerRepository,
    private readonly ledger: LedgerService,
    private readonly holds: HoldsService,
    private readonly sitesRepository: SitesRepository,
  ) {}

  async quarantine(
    cmd: z.output<typeof QuarantineItemV1>,
  ): Promise<{ goodId: string; state: string; releasedHoldIds: string[] }> {
    assertRole(cmd.actor, ['operator', 'refurbisher'], 'quarantining a medical aid');
    const answer = await inTransaction(this.orm, async (em) => {
      // The good first, then its holds: the lock order of every stock path.
      let good = await this.loadAid(em, cmd.goodId, cmd.actor);
      const fromState = good.state;
      assertTransition(good.kind, fromState, 'quarantined', describeGood(good));
      const releasedHoldIds = await this.holds.endForQuarantine(em, good.id, cmd.reason, cmd.actor);
      // Ending the holds put the aid back where it was held from.
      if (releasedHoldIds.length > 0) good = await this.goodsRepository.load(em, good.id);
      const id = randomUUID();
      // The note stays in the quarantine record: free text never enters the ledger.
      await this.ledger.advanceItem(
        em,
        good,
        'quarantined',
        `quarantined: ${cmd.reason}`,
        cmd.actor,
        id,
      );
      await this.quarantineRepository.insert(em, {
        id,
        goodId: good.id,
        reason: cmd.reason,
        note: cmd.note ?? null,
        fromState,
        cycle: good.refurbishmentCycle,
        actor: cmd.actor,
      });
      await recordEvent(
        em,
        InventoryItemQuarantinedV1,
        { ...identity(good), reason: cmd.reason, fromState, cycle: good.refurbishmentCycle },
        { actor: cmd.actor },
      );
      return { goodId: good.id, state: good.state, releasedHoldIds };
    });
    await this.holds.forgetEnded(answer.releasedHoldIds);
    return answer;
  }

  /**
   * Back to refurbishing in a new cycle, as a returned aid starts one: the decision is
   * the new cycle's triage (repairable), the cycle follows the device model as it is
   * now, and every later gate must be recorded again before the aid is available.
   */
  async refurbish(
    cmd: z.output<typeof RefurbishQuarantinedV1>,
  ): Promise<{ goodId: string; state: string; cycle: number }> {
    assertRole(cmd.actor, ['refurbisher', 'operator'], 'refurbishment');
    return inTransaction(this.orm, async (em) => {
      const good = await this.loadAid(em, cmd.goodId, cmd.actor);
      const quarantine = await this.openQuarantine(em, good, 'refurbishing');
      const model = await this.sitesRepository.findDeviceModel(em, good.make!, good.model!);
      if (!model)
        throw validation('goodId', `${good.make} ${good.model} is not a registered device model`);
      good.refurbishmentCycle += 1;
      await this.goodsRepository.setRefurbishmentCycle(em, good.id, good.refurbishmentCycle);
      await this.goodsRepository.pinDeviceModelVersion(em, good.id, model.version);
      await this.quarantineRepository.recordRepairableTriage(em, {
        goodId: good.id,
        cycle: good.refurbishmentCycle,
        quarantineId: quarantine.id,
        actor: cmd.actor,
      });
      await this.ledger.advanceItem(
        em,
        good,
        'refurbishing',
        `out of quarantine (${quarantine.reason}): refurbishment cycle ${good.refurbishmentCycle}`,
        cmd.actor,
        quarantine.id,
      );
      await this.quarantineRepository.end(em, quarantine.id, 'refurbishing', cmd.actor);
      await recordEvent(
        em,
        InventoryItemTriagedV1,
        { ...identity(good), decision: 'repairable', cycle: good.refurbishmentCycle },
        { actor: cmd.actor },
      );
      return { goodId: good.id, state: good.state, cycle: good.refurbishmentCycle };
    });
  }

  /** Scrapped to a recorded route and facility, which the tonnage report counts it under. */
  async scrap(
    cmd: z.output<typeof ScrapQuarantinedV1>,
  ): Promise<{ goodId: string; state: string }> {
    assertRole(cmd.actor, ['operator', 'refurbisher'], 'scrapping a medical aid');
    return inTransaction(this.orm, async (em) => {
      const good = await this.loadAid(em, cmd.goodId, cmd.actor);
      const quarantine = await this.openQuarantine(em, good, 'scrapped');
      const { route, facility } = cmd.destination;
      const movementId = await this.ledger.advanceItem(
        em,
        good,
        'scrapped',
        `scrapped out of quarantine (${quarantine.reason}): ${route} at ${facility}`,
        cmd.actor,
        quarantine.id,
      );
      await this.quarantineRepository.insertScrapping(em, {
        movementId,
        goodId: good.id,
        route,
        facility,
        actor: cmd.actor,
      });
      await this.quarantineRepository.end(em, quarantine.id, 'scrapped', cmd.actor);
      await recordEvent(
        em,
        InventoryItemScrappedV1,
        { ...identity(good), route, facility },
        { actor: cmd.actor },
      );
      return { goodId: good.id, state: good.state };
    });
  }

  /** Locks the aid: a medical aid of the actor's organisation (or any, for the coordinator). */
  private async loadAid(em: EntityManager, goodId: string, actor: Actor): Promise<Good> {
    const good = await this.goodsRepository.load(em, goodId, { forUpdate: true });
    assertActsFor(actor, good.organisationId, `good ${good.id}`);
    if (good.kind !== 'item')
      throw validation('goodId', `good ${good.id} is a ${good.kind}, not a medical aid`);
    return good;
  }

  private async openQuarantine(
    em: EntityManager,
    good: Good,
    to: 'refurbishing' | 'scrapped',
  ): Promise<OpenQuarantine> {
    const quarantine =
      good.state === 'quarantined'
        ? await this.quarantineRepository.lockOpen(em, good.id)
        : undefined;
    if (!quarantine) {
      throw new Refusal(
        'invalid-transition',
        `${describeGood(good)} is ${good.state}: only a quarantined aid becomes ${to} this way (allowed next: ${allowedNext(good.kind, good.state).join(', ') || 'none'})`,
        { currentState: good.state, allowedStates: [...allowedNext(good.kind, good.state)] },
      );
    }
    return quarantine;
  }
}

function identity(good: Good) {
  return {
    goodId: good.id,
    make: good.make!,
    model: good.model!,
    serialNumber: good.serialNumber!,
  };
}
