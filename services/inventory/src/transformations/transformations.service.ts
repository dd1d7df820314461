import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { z } from 'zod';
import {
  InventoryGoodTransformedV1,
  type Actor,
  type RecordTransformationV1,
} from '@boucle/contracts';
import { MikroORM, type EntityManager } from '@boucle/database';
import { inTransaction, recordEvent } from '@boucle/messaging';
import { assertActsFor, assertRole } from '../common/actor.js';
import { validation } from '../common/errors.js';
import { describeGood, type Good } from '../goods/good.js';
import { GoodsRepository } from '../goods/goods.repository.js';
import { assertTransition } from '../goods/lifecycle.js';
import { LedgerRepository } from '../ledger/ledger.repository.js';
import { LedgerService } from '../ledger/ledger.service.js';
import { SitesService } from '../sites/sites.service.js';
import { TransformationsRepository } from './transformations.repository.js';

type Transformation = z.output<typeof RecordTransformationV1>;
type Kind = Transformation['kind'];

/** Inputs' weight must equal outputs' weight plus the declared loss, within this share. */
const MASS_TOLERANCE = 0.01;

interface Outcome {
  inputGoodIds: string[];
  outputGoodIds: string[];
  inputKg: number | null;
  outputKg: number | null;
  lossKg: number | null;
}

/**
 * Transformations consume inputs and produce outputs with a recorded balance:
 * cardboard shredded into litter bales (weights in and out, a waste-register
 * line), a parts donor dismantled into parts that keep a link to it, a washing
 * batch split into washed and broken containers.
 */
@Injectable()
export class TransformationsService {
  constructor(
    @Inject(MikroORM) private readonly orm: MikroORM,
    private readonly transformationsRepository: TransformationsRepository,
    private readonly goodsRepository: GoodsRepository,
    private readonly ledgerRepository: LedgerRepository,
    private readonly ledger: LedgerService,
    private readonly sites: SitesService,
  ) {}

  async record(cmd: Transformation): Promise<{ transformationId: string } & Outcome> {
    assertRole(cmd.actor, ['operator', 'refurbisher'], 'recording a transformation');
    return inTransaction(this.orm, async (em) => {
      const id = randomUUID();
      const outcome = await this.apply(em, id, cmd);
      await this.transformationsRepository.insert(em, {
        id,
        kind: cmd.kind,
        ...outcome,
        actor: cmd.actor,
      });
      await recordEvent(
        em,
        InventoryGoodTransformedV1,
        { transformationId: id, kind: cmd.kind, ...outcome },
        { actor: cmd.actor },
      );
      return { transformationId: id, ...outcome };
    });
  }

  private apply(em: EntityManager, id: string, cmd: Transformation): Promise<Outcome> {
    switch (cmd.kind) {
      case 'cardboard-to-litter':
        return this.cardboardToLitter(em, id, cmd);
      case 'dismantle':
        return this.dismantle(em, id, cmd);
      case 'washing':
        return this.washing(em, id, cmd);
    }
  }

  private async cardboardToLitter(
    em: EntityManager,
    id: string,
    cmd: Extract<Transformation, { kind: 'cardboard-to-litter' }>,
  ): Promise<Outcome> {
    const owner = await this.sites.locationOwner(em, cmd.locationId);
    assertActsFor(cmd.actor, owner.organisationId, `location ${cmd.locationId}`);
    const inputKg = sum(cmd.inputs.map((i) => i.weightKg));
    const outputKg = sum(cmd.bales.map((b) => b.weightKg));
    assertMassBalance(inputKg, outputKg, cmd.lossKg);
    let consumedKg = 0;
    for (const [index, input] of cmd.inputs.entries()) {
      const good = await this.ownGood(em, input.goodId, cmd.actor);
      if (good.kind !== 'bulk' || good.description['material'] !== 'cardboard') {
        throw validation(`inputs.${index}.goodId`, `${describeGood(good)} is not cardboard`);
      }
      // Bulk is counted in kilograms: the weight declared is the quantity consumed, or the balance could be faked.
      if (Math.abs(Number(input.quantity) - input.weightKg) > 0.0005) {
        throw validation(
          `inputs.${index}.weightKg`,
          `must equal the quantity consumed (${input.quantity} kg)`,
        );
      }
      consumedKg += await this.ledgerRepository.massOf(em, good.id, input.quantity);
      await this.consume(
        em,
        good,
        'collected',
        'transformed',
        input.quantity,
        id,
        cmd.actor,
        cmd.kind,
      );
    }
    const [balesMassKg] = conservedMass(consumedKg, [outputKg], cmd.lossKg);
    const bales = await this.createGood(em, cmd.kind, id, cmd.actor, {
      kind: 'bulk',
      organisationId: owner.organisationId,
      siteId: owner.siteId,
      unit: 'kg',
      description: { material: 'litter-bale', bales: cmd.bales.length },
      quantity: String(outputKg),
      state: 'available',
      locationId: cmd.locationId,
      weightKg: outputKg,
      weighedKg: balesMassKg!,
    });
    return {
      inputGoodIds: cmd.inputs.map((i) => i.goodId),
      outputGoodIds: [bales],
      inputKg,
      outputKg,
      lossKg: cmd.lossKg,
    };
  }

  private async dismantle(
    em: EntityManager,
    id: string,
    cmd: Extract<Transformation, { kind: 'dismantle' }>,
  ): Promise<Outcome> {
    const donor = await this.ownGood(em, cmd.donorId, cmd.actor);
    if (donor.kind !== 'item')
      throw validation('donorId', `good ${donor.id} is a ${donor.kind}, not an item`);
    const outputKg = sum(cmd.parts.map((p) => p.weightKg));
    assertMassBalance(cmd.donorWeightKg, outputKg, cmd.lossKg);
    const [balance] = await this.ledgerRepository.balances(em, donor.id);
    if (!balance) throw validation('donorId', `${describeGood(donor)} is not in stock`);
    const partsMassKg = conservedMass(
      await this.ledgerRepository.massOf(em, donor.id, '1'),
      cmd.parts.map((p) => p.weightKg),
      cmd.lossKg,
    );
    await this.consume(em, donor, donor.state, 'scrapped', '1', id, cmd.actor, cmd.kind);
    const parts: string[] = [];
    for (const [index, part] of cmd.parts.entries()) {
      parts.push(
        await this.createGood(em, cmd.kind, id, cmd.actor, {
          kind: 'item',
          organisationId: donor.organisationId,
          siteId: donor.siteId,
          unit: 'unit',
          description: { part: part.name, donorSerialNumber: donor.serialNumber },
          quantity: '1',
          state: 'received',
          locationId: balance.locationId,
          weightKg: part.weightKg,
          weighedKg: partsMassKg[index]!,
          serialNumber: `${donor.serialNumber}/P${index + 1}`,
          make: donor.make!,
          model: `${donor.model} — ${part.name}`,
          donorId: donor.id,
        }),
      );
    }
    return {
      inputGoodIds: [donor.id],
      outputGoodIds: parts,
      inputKg: cmd.donorWeightKg,
      outputKg,
      lossKg: cmd.lossKg,
    };
  }

  private async washing(
    em: EntityManager,
    id: string,
    cmd: Extract<Transformation, { kind: 'washing' }>,
  ): Promise<Outcome> {
    const pool = await this.ownGood(em, cmd.poolId, cmd.actor);
    if (pool.kind !== 'pool')
      throw validation('poolId', `good ${pool.id} is a ${pool.kind}, not a container pool`);
    const batch = (await this.ledgerRepository.balances(em, pool.id)).find(
      (b) => b.state === 'washing',
    );
    const inBatch = Number(batch?.quantity ?? 0);
    if (cmd.washed + cmd.broken !== inBatch) {
      throw validation(
        'washed',
        `washed + broken must count every container in the batch: ${inBatch}`,
      );
    }
    for (const [state, count] of [
      ['washed', cmd.washed],
      ['broken', cmd.broken],
    ] as const) {
      if (count > 0)
        await this.consume(em, pool, 'washing', state, String(count), id, cmd.actor, cmd.kind);
    }
    return {
      inputGoodIds: [pool.id],
      outputGoodIds: [pool.id],
      inputKg: null,
      outputKg: null,
      lossKg: null,
    };
  }

  private async ownGood(em: EntityManager, goodId: string, actor: Actor): Promise<Good> {
    const good = await this.goodsRepository.load(em, goodId, { forUpdate: true });
    assertActsFor(actor, good.organisationId, `good ${good.id}`);
    return good;
  }

  private async consume(
    em: EntityManager,
    good: Good,
    from: string,
    to: string,
    quantity: string,
    transformationId: string,
    actor: Actor,
    kind: Kind,
  ): Promise<void> {
    assertTransition(good.kind, from, to, describeGood(good));
    const source = (await this.ledgerRepository.balances(em, good.id)).find(
      (b) => b.state === from && Number(b.quantity) >= Number(quantity),
    );
    if (!source) throw validation('inputs', `nothing of ${describeGood(good)} is ${from}`);
    await this.ledger.move(em, {
      good,
      quantity,
      from: { state: from, locationId: source.locationId },
      to: { state: to, locationId: source.locationId },
      reason: `transformation ${kind}`,
      actor,
      cause: { type: 'command', id: transformationId },
    });
  }

  private async createGood(
    em: EntityManager,
    kind: Kind,
    transformationId: string,
    actor: Actor,
    good: {
      kind: 'item' | 'bulk';
      organisationId: string;
      siteId: string;
      unit: 'unit' | 'kg';
      description: Record<string, unknown>;
      quantity: string;
      state: string;
      locationId: string;
      weightKg: number;
      /** Its share of the mass its inputs carried into the transformation. */
      weighedKg: number;
      serialNumber?: string;
      make?: string;
      model?: string;
      donorId?: string;
    },
  ): Promise<string> {
    // It enters stock by its first movement, as every good does.
    const { quantity, state, locationId, ...fields } = good;
    const row = await this.goodsRepository.insert(em, {
      ...fields,
      id: randomUUID(),
      state: 'new',
    });
    await this.ledger.move(em, {
      good: row,
      quantity,
      from: null,
      to: { state, locationId },
      reason: `produced by transformation ${kind}`,
      actor,
      cause: { type: 'command', id: transformationId },
      weightKg: good.weighedKg,
    });
    return row.id;
  }
}

function sum(values: number[]): number {
  return Math.round(values.reduce((a, b) => a + b, 0) * 1000) / 1000;
}

/**
 * Nothing appears in a transformation: the outputs carry the mass their inputs carried in stock
 * (their weighed mass, which may differ from the weights declared now by the scale's tolerance),
 * shared in the proportions the transformation weighed, to the gram rounded down; the rest is
 * its loss, so that the tonnage report's loss is the inputs' mass less the outputs', never
 * negative.
 */
export function conservedMass(
  consumedKg: number,
  outputsKg: readonly number[],
  lossKg: number,
): number[] {
  const consumed = Math.round(consumedKg * 1000);
  const weighed = outputsKg.reduce((a, b) => a + b, 0) + lossKg;
  return outputsKg.map((kg) => Math.floor((consumed * kg) / weighed) / 1000);
}

function assertMassBalance(inputKg: number, outputKg: number, lossKg: number): void {
  if (Math.abs(inputKg - outputKg - lossKg) > inputKg * MASS_TOLERANCE) {
    throw validation(
      'lossKg',
      `mass balance broken: ${inputKg} kg in, ${outputKg} kg out and ${lossKg} kg lost (must match within 1 %)`,
    );
  }
}
