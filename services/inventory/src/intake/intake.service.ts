import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { z } from 'zod';
import {
  InventoryIntakeRecordedV1,
  type IntakeGoodInput,
  type RecordIntakeV1,
} from '@boucle/contracts';
import { MikroORM, type EntityManager } from '@boucle/database';
import { currentWorkContext, inTransaction, recordEvent } from '@boucle/messaging';
import { assertActsFor } from '../common/actor.js';
import { Refusal, validation } from '../common/errors.js';
import type { Good } from '../goods/good.js';
import { GoodsRepository } from '../goods/goods.repository.js';
import { LedgerService } from '../ledger/ledger.service.js';
import type { Site } from '../sites/sites.repository.js';
import { assertOnSite, SitesService } from '../sites/sites.service.js';
import { IntakeRepository } from './intake.repository.js';
import { shareNet } from './weighed-mass.js';

type RecordIntake = z.output<typeof RecordIntakeV1>;

/**
 * One weighed intake at a site: gross weight and container tare, where it came
 * from and how, and the goods it brought, each entering stock by a movement.
 * All or nothing: one bad good refuses the whole intake.
 */
const FUTURE_MARGIN_MS = 5 * 60_000;

@Injectable()
export class IntakeService {
  constructor(
    @Inject(MikroORM) private readonly orm: MikroORM,
    private readonly sites: SitesService,
    private readonly intakeRepository: IntakeRepository,
    private readonly goodsRepository: GoodsRepository,
    private readonly ledger: LedgerService,
  ) {}

  async record(cmd: RecordIntake): Promise<{ intakeId: string; goodIds: string[] }> {
    return inTransaction(this.orm, (em) => this.recordIn(em, cmd));
  }

  /**
   * The intake in the caller's transaction: a command's own, or that of a consumer
   * recording a collected pickup, whose inbox row then commits with it.
   */
  async recordIn(
    em: EntityManager,
    cmd: RecordIntake,
  ): Promise<{ intakeId: string; goodIds: string[] }> {
    // What is weighed has arrived: a date ahead is a typing mistake (a tablet's clock may
    // run a little ahead, hence the margin).
    if (cmd.receivedAt && new Date(cmd.receivedAt).getTime() > Date.now() + FUTURE_MARGIN_MS)
      throw validation('receivedAt', 'must not be in the future');
    const { site, locationSiteId } = await this.sites.loadSiteAndLocation(
      em,
      cmd.siteId,
      cmd.locationId,
    );
    assertActsFor(cmd.actor, site.organisationId, `site ${site.id}`);
    assertOnSite(cmd.locationId, locationSiteId, site.id);
    if (site.kind === 'construction-site') {
      // Supply still on a site is offered with its window (lot.offer), not weighed in.
      throw validation(
        'siteId',
        'goods on a construction site are offered with lot.offer, not taken in',
      );
    }
    // The report counts the net weighed, shared among the goods; refused before anything is written.
    const weighed = shareNet(
      cmd.grossWeightKg - cmd.tareKg,
      cmd.goods.map((good) => good.weightKg),
    );
    const intakeId = randomUUID();
    // One intake's events share a correlation: the request's, or the intake's own.
    const correlationId = currentWorkContext()?.correlationId ?? intakeId;
    const receivedAt = cmd.receivedAt
      ? new Date(cmd.receivedAt).toISOString()
      : new Date().toISOString();
    await this.intakeRepository.insert(em, {
      id: intakeId,
      siteId: site.id,
      locationId: cmd.locationId,
      receivedAt,
      grossWeightKg: cmd.grossWeightKg,
      tareKg: cmd.tareKg,
      provenance: cmd.provenance,
      collectionMode: cmd.collectionMode,
      unsortedKg: weighed.unsortedKg,
      actor: cmd.actor,
    });
    const goodIds: string[] = [];
    for (const [index, input] of cmd.goods.entries()) {
      const good = await this.insertGood(em, site, intakeId, input, index, weighed.goodsKg[index]!);
      goodIds.push(good.id);
      await this.ledger.move(em, {
        good,
        quantity: quantityOf(input),
        from: null,
        to: { state: initialState(input, site), locationId: cmd.locationId },
        reason: `intake ${intakeId} (${cmd.collectionMode})`,
        actor: cmd.actor,
        cause: { type: 'command', id: intakeId },
        weightKg: weighed.goodsKg[index]!,
        correlationId,
      });
    }
    await recordEvent(
      em,
      InventoryIntakeRecordedV1,
      {
        intakeId,
        siteId: site.id,
        receivedAt,
        collectionMode: cmd.collectionMode,
        grossWeightKg: cmd.grossWeightKg,
        tareKg: cmd.tareKg,
        goodIds,
      },
      { actor: cmd.actor, correlationId },
    );
    return { intakeId, goodIds };
  }

  private async insertGood(
    em: EntityManager,
    site: Site,
    intakeId: string,
    input: IntakeGoodInput,
    index: number,
    weighedKg: number,
  ): Promise<Good> {
    const id = randomUUID();
    const { kind, weightKg, ...description } = input;
    const item = kind === 'item' ? input : undefined;
    const unit = kind === 'lot' ? input.unit : kind === 'bulk' ? 'kg' : 'unit';
    // The unique index on (make, model, serial) is the guard; its refusal names the field.
    return this.goodsRepository
      .insert(em, {
        id,
        kind,
        organisationId: site.organisationId,
        siteId: site.id,
        intakeId,
        unit,
        state: 'new',
        description,
        serialNumber: item?.serialNumber ?? null,
        make: item?.make ?? null,
        model: item?.model ?? null,
        weightKg: weightKg ?? null,
        weighedKg,
      })
      .catch((error: unknown) => {
        if ((error as { code?: string }).code === '23505' && item) {
          throw new Refusal(
            'conflict',
            `goods.${index}.serialNumber: ${item.make} ${item.model} ${item.serialNumber} is already in stock`,
            { issues: [{ path: `goods.${index}.serialNumber`, message: 'already in stock' }] },
          );
        }
        throw error;
      });
  }
}

function quantityOf(input: IntakeGoodInput): string {
  switch (input.kind) {
    case 'item':
      return '1';
    case 'lot':
      return input.quantity;
    case 'pool':
      return String(input.count);
    case 'bulk':
      return String(input.weightKg);
  }
}

/** Where a good enters its lifecycle when it is weighed in at this kind of site. */
function initialState(input: IntakeGoodInput, site: Site): string {
  switch (input.kind) {
    case 'item':
      return 'received';
    case 'lot':
      return 'stored';
    case 'pool':
      return site.kind === 'partner-shop' ? 'returned' : 'collected';
    case 'bulk':
      return 'collected';
  }
}
