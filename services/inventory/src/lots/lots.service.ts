import { randomUUID } from 'node:crypto';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { z } from 'zod';
import {
  InventoryLotDivertedV1,
  InventoryLotOfferedV1,
  type Actor,
  type DivertLotV1,
  type OfferLotV1,
} from '@boucle/contracts';
import { MikroORM, type EntityManager } from '@boucle/database';
import { inTransaction, recordEvent } from '@boucle/messaging';
import { jobCorrelation } from '@boucle/service';
import { assertActsFor, assertRole, SYSTEM_ACTOR } from '../common/actor.js';
import { Refusal, validation } from '../common/errors.js';
import type { Good } from '../goods/good.js';
import { GoodsRepository } from '../goods/goods.repository.js';
import { LedgerRepository } from '../ledger/ledger.repository.js';
import { LedgerService, normalise } from '../ledger/ledger.service.js';
import { SitesService } from '../sites/sites.service.js';
import { divertJobOptions, LOTS_QUEUE, LotJob, type DivertUntakenPayload } from './lots.jobs.js';
import { LotsRepository } from './lots.repository.js';

type Destination = z.output<typeof DivertLotV1>['destination'];

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
        reason: `offered from ${site.name} until ${cmd.mustBeGoneBy}`,
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
    await this.queue
      .add(
        LotJob.divertUntaken,
        { goodId, ...jobCorrelation() },
        divertJobOptions(goodId, new Date(cmd.mustBeGoneBy).getTime() - Date.now()),
      )
      .catch((error: unknown) =>
        this.logger.error(`could not schedule the diversion of lot ${goodId}: ${String(error)}`),
      );
    return { goodId };
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
        reason: `${automatic ? 'not taken in time: ' : ''}${destination.route} at ${destination.facility}`,
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
