import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { z } from 'zod';
import { InventoryGoodCorrectedV1, type CorrectGoodV1 } from '@boucle/contracts';
import { MikroORM, type EntityManager } from '@boucle/database';
import { inTransaction, recordEvent } from '@boucle/messaging';
import { assertActsFor } from '../common/actor.js';
import { invalidTransition, notFound, validation } from '../common/errors.js';
import { assertWholeIfCounted, describeGood, type Good } from '../goods/good.js';
import { GoodsRepository } from '../goods/goods.repository.js';
import { isState } from '../goods/lifecycle.js';
import { LedgerRepository, type Place } from '../ledger/ledger.repository.js';
import { LedgerService, normalise } from '../ledger/ledger.service.js';
import { LEFT_STOCK } from '../reports/reports.service.js';
import { SitesService } from '../sites/sites.service.js';
import { CorrectionsRepository } from './corrections.repository.js';

type CorrectGood = z.output<typeof CorrectGoodV1>;

/**
 * Corrections of what was recorded wrong: never an edit (the ledger is append-only), always a
 * new record with its reason code and who made it. Stock added or removed at a place, lost
 * (out of stock, guarded) and found again, or a new weighed mass; the tonnage report counts
 * each as a `correction` when it was made.
 */
@Injectable()
export class CorrectionsService {
  constructor(
    @Inject(MikroORM) private readonly orm: MikroORM,
    private readonly goodsRepository: GoodsRepository,
    private readonly ledger: LedgerService,
    private readonly ledgerRepository: LedgerRepository,
    private readonly sites: SitesService,
    private readonly corrections: CorrectionsRepository,
  ) {}

  async correct(cmd: CorrectGood) {
    return inTransaction(this.orm, async (em) => {
      // The good first, then its balances: the lock order of every stock change.
      const good = await this.goodsRepository.load(em, cmd.goodId, { forUpdate: true });
      assertActsFor(cmd.actor, good.organisationId, `good ${good.id}`);
      const correctionId = randomUUID();
      const cause = { type: 'command' as const, id: correctionId };
      const event = {
        correctionId,
        goodId: good.id,
        organisationId: good.organisationId,
        kind: cmd.kind,
        movementId: null as string | null,
        quantity: null as string | null,
        from: null as Place | null,
        to: null as Place | null,
        weighedKgBefore: null as number | null,
        weighedKgAfter: null as number | null,
      };
      let reason: 'weighing-error' | 'estimate-settled' | 'counting-error' | 'lost' | 'found';
      switch (cmd.kind) {
        case 'weight': {
          reason = cmd.reason;
          const { before } = await this.corrections.changeWeight(em, {
            id: correctionId,
            goodId: good.id,
            organisationId: good.organisationId,
            weighedKg: cmd.weighedKg,
            reason,
            actor: cmd.actor,
            leftStock: LEFT_STOCK,
          });
          event.weighedKgBefore = Number(before);
          event.weighedKgAfter = cmd.weighedKg;
          break;
        }
        case 'quantity': {
          reason = cmd.reason;
          // An item is one: a missing aid is lost, a found one found.
          if (good.kind === 'item')
            throw validation('kind', 'an item is corrected as lost or found, not by quantity');
          assertWholeIfCounted(good, cmd.quantity);
          assertInStock(good, cmd.state, 'state');
          await this.assertOwnLocation(em, cmd, good, cmd.locationId);
          const place = { state: cmd.state, locationId: cmd.locationId };
          event.quantity = normalise(cmd.quantity);
          event.from = cmd.direction === 'remove' ? place : null;
          event.to = cmd.direction === 'add' ? place : null;
          break;
        }
        case 'lost': {
          reason = 'lost';
          assertQuantity(good, cmd.quantity);
          assertInStock(good, cmd.state, 'state');
          const from = await this.place(em, good, cmd.state, cmd.locationId);
          event.quantity = normalise(cmd.quantity);
          event.from = from;
          event.to = { state: 'lost', locationId: from.locationId };
          break;
        }
        case 'found': {
          reason = 'found';
          assertQuantity(good, cmd.quantity);
          const loss = await this.corrections.latestLoss(em, good.id);
          if (!loss) throw validation('goodId', `nothing of good ${good.id} was lost`);
          if (cmd.locationId) await this.assertOwnLocation(em, cmd, good, cmd.locationId);
          event.quantity = normalise(cmd.quantity);
          event.from = { state: 'lost', locationId: loss.locationId };
          // Back to the state it was lost in: a find skips no gate it had not passed.
          event.to = { state: loss.fromState, locationId: cmd.locationId ?? loss.locationId };
          break;
        }
      }
      if (event.quantity !== null) {
        const movementId = await this.ledger.move(em, {
          good,
          quantity: event.quantity,
          from: event.from,
          to: event.to,
          reason: `correction ${correctionId} (${reason})`,
          actor: cmd.actor,
          cause,
        });
        await this.corrections.insert(em, {
          id: correctionId,
          goodId: good.id,
          organisationId: good.organisationId,
          kind: cmd.kind as 'quantity' | 'lost' | 'found',
          reason,
          movementId,
          actor: cmd.actor,
        });
        event.movementId = movementId;
      }
      await recordEvent(em, InventoryGoodCorrectedV1, { ...event, reason }, { actor: cmd.actor });
      const weighed = await this.goodsRepository.load(em, good.id);
      return {
        correctionId,
        goodId: good.id,
        movementId: event.movementId,
        state: weighed.state,
        weighedKg: event.weighedKgAfter ?? null,
      };
    });
  }

  private async assertOwnLocation(
    em: EntityManager,
    cmd: CorrectGood,
    good: Good,
    locationId: string,
  ): Promise<void> {
    const owner = await this.sites.locationOwner(em, locationId);
    assertActsFor(cmd.actor, owner.organisationId, `location ${locationId}`);
    // Even the coordinator corrects a member's stock at that member's own places.
    if (owner.organisationId !== good.organisationId) throw notFound('location', locationId);
  }

  /** Where the good is in that state: the location given, or the only one. */
  private async place(
    em: EntityManager,
    good: Good,
    state: string,
    locationId: string | undefined,
  ): Promise<Place> {
    if (locationId) return { state, locationId };
    const places = await this.ledgerRepository.balances(em, good.id, state);
    if (places.length === 0) throw validation('state', `nothing of good ${good.id} is ${state}`);
    if (places.length > 1)
      throw validation('locationId', `good ${good.id} is ${state} at several locations: name one`);
    return { state, locationId: places[0]!.locationId };
  }
}

function assertQuantity(good: Good, quantity: string): void {
  if (good.kind === 'item' && Number(quantity) !== 1)
    throw validation('quantity', 'an item is one: 1');
  assertWholeIfCounted(good, quantity);
}

/**
 * Corrections change stock the member still holds: never a hold's (it leaves by its hold), never
 * what has left (handed over, diverted…) or is lost (found again by its own correction).
 */
function assertInStock(good: Good, state: string, field: string): void {
  if (!isState(good.kind, state))
    throw validation(field, `"${state}" is not a state of a ${good.kind}`);
  if (state === 'held' || LEFT_STOCK.includes(state))
    throw invalidTransition(`${describeGood(good)} (${state} quantity)`, state, 'corrected', []);
}
