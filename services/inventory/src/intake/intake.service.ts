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
import { LedgerService } from '../ledger/ledger.service.js';
import type { Site } from '../sites/sites.repository.js';
import { assertOnSite, SitesService } from '../sites/sites.service.js';
import { IntakeRepository, type IntakeEntry } from './intake.repository.js';
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
    const entries = cmd.goods.map((input, index) => entryOf(input, site, weighed.goodsKg[index]!));
    refuseRepeatedItems(cmd.goods);
    const reason = `intake ${intakeId} (${cmd.collectionMode})`;
    const movementIds = await this.intakeRepository
      .insertWithGoods(
        em,
        {
          id: intakeId,
          organisationId: site.organisationId,
          siteId: site.id,
          locationId: cmd.locationId,
          receivedAt,
          grossWeightKg: cmd.grossWeightKg,
          tareKg: cmd.tareKg,
          provenance: cmd.provenance,
          collectionMode: cmd.collectionMode,
          unsortedKg: weighed.unsortedKg,
          actor: cmd.actor,
        },
        entries,
        reason,
      )
      .catch((error: unknown) => {
        throw alreadyInStock(error, cmd.goods) ?? error;
      });
    for (const [index, entry] of entries.entries()) {
      await this.ledger.recordMoved(
        em,
        {
          good: { id: entry.id, kind: entry.kind, unit: entry.unit },
          quantity: entry.quantity,
          from: null,
          to: { state: entry.state, locationId: cmd.locationId },
          reason,
          actor: cmd.actor,
          weightKg: entry.weighedKg,
          correlationId,
        },
        movementIds[index]!,
      );
    }
    const goodIds = entries.map((entry) => entry.id);
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
}

/** What an intake writes of one of its goods. */
function entryOf(input: IntakeGoodInput, site: Site, weighedKg: number): IntakeEntry {
  const { kind, weightKg, ...description } = input;
  const item = kind === 'item' ? input : undefined;
  return {
    id: randomUUID(),
    kind,
    unit: kind === 'lot' ? input.unit : kind === 'bulk' ? 'kg' : 'unit',
    state: initialState(input, site),
    description,
    serialNumber: item?.serialNumber ?? null,
    make: item?.make ?? null,
    model: item?.model ?? null,
    weightKg: weightKg ?? null,
    weighedKg,
    quantity: quantityOf(input),
  };
}

const itemKey = (item: { make: string; model: string; serialNumber: string }) =>
  `${item.make}\n${item.model}\n${item.serialNumber}`;

function alreadyInStockRefusal(index: number, item: Extract<IntakeGoodInput, { kind: 'item' }>) {
  return new Refusal(
    'conflict',
    `goods.${index}.serialNumber: ${item.make} ${item.model} ${item.serialNumber} is already in stock`,
    { issues: [{ path: `goods.${index}.serialNumber`, message: 'already in stock' }] },
  );
}

/** One item twice in one intake: the second is refused as already in stock, before anything is written. */
function refuseRepeatedItems(goods: readonly IntakeGoodInput[]): void {
  const seen = new Set<string>();
  for (const [index, input] of goods.entries()) {
    if (input.kind !== 'item') continue;
    const key = itemKey(input);
    if (seen.has(key)) throw alreadyInStockRefusal(index, input);
    seen.add(key);
  }
}

/**
 * The unique index on (make, model, serial) refused an item: the one its message names
 * (PostgreSQL writes the key as `(make, model, serial)`), else the first item.
 */
function alreadyInStock(error: unknown, goods: readonly IntakeGoodInput[]): Refusal | undefined {
  const { code, constraint, detail } = error as {
    code?: string;
    constraint?: string;
    detail?: string;
  };
  if (code !== '23505' || constraint !== 'good_item_serial_idx') return undefined;
  const items = [...goods.entries()].filter(
    (entry): entry is [number, Extract<IntakeGoodInput, { kind: 'item' }>] =>
      entry[1].kind === 'item',
  );
  const named = items.find(([, item]) =>
    detail?.includes(`=(${item.make}, ${item.model}, ${item.serialNumber})`),
  );
  const [index, item] = named ?? items[0] ?? [];
  return item === undefined ? undefined : alreadyInStockRefusal(index!, item);
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
