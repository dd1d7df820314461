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
import { describeGood, loadBalances, loadGood, type GoodRow } from '../goods/good.js';
import { assertTransition } from '../goods/lifecycle.js';
import { StockService } from '../goods/stock.service.js';
import { SitesService } from '../sites/sites.service.js';

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
    private readonly stock: StockService,
    private readonly sites: SitesService,
  ) {}

  async record(cmd: Transformation): Promise<{ transformationId: string } & Outcome> {
    assertRole(cmd.actor, ['operator', 'refurbisher'], 'recording a transformation');
    return inTransaction(this.orm, async (em) => {
      const id = randomUUID();
      const outcome = await this.apply(em, id, cmd);
      await em.execute(
        `INSERT INTO transformation (id, kind, input_good_ids, output_good_ids, input_kg, output_kg, loss_kg, actor)
         VALUES (?, ?, ?::uuid[], ?::uuid[], ?, ?, ?, ?)`,
        [
          id,
          cmd.kind,
          `{${outcome.inputGoodIds.join(',')}}`,
          `{${outcome.outputGoodIds.join(',')}}`,
          outcome.inputKg,
          outcome.outputKg,
          outcome.lossKg,
          JSON.stringify(cmd.actor),
        ],
      );
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
    const [balance] = await loadBalances(em, donor.id);
    if (!balance) throw validation('donorId', `${describeGood(donor)} is not in stock`);
    await this.consume(em, donor, donor.state, 'scrapped', '1', id, cmd.actor, cmd.kind);
    const parts: string[] = [];
    for (const [index, part] of cmd.parts.entries()) {
      parts.push(
        await this.createGood(em, cmd.kind, id, cmd.actor, {
          kind: 'item',
          organisationId: donor.organisation_id,
          siteId: donor.site_id,
          unit: 'unit',
          description: { part: part.name, donorSerialNumber: donor.serial_number },
          quantity: '1',
          state: 'received',
          locationId: balance.location_id,
          weightKg: part.weightKg,
          serialNumber: `${donor.serial_number}/P${index + 1}`,
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
    const batch = (await loadBalances(em, pool.id)).find((b) => b.state === 'washing');
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

  private async ownGood(em: EntityManager, goodId: string, actor: Actor): Promise<GoodRow> {
    const good = await loadGood(em, goodId, true);
    assertActsFor(actor, good.organisation_id, `good ${good.id}`);
    return good;
  }

  private async consume(
    em: EntityManager,
    good: GoodRow,
    from: string,
    to: string,
    quantity: string,
    transformationId: string,
    actor: Actor,
    kind: Kind,
  ): Promise<void> {
    assertTransition(good.kind, from, to, describeGood(good));
    const source = (await loadBalances(em, good.id)).find(
      (b) => b.state === from && Number(b.quantity) >= Number(quantity),
    );
    if (!source) throw validation('inputs', `nothing of ${describeGood(good)} is ${from}`);
    await this.stock.move(em, {
      good,
      quantity,
      from: { state: from, locationId: source.location_id },
      to: { state: to, locationId: source.location_id },
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
      serialNumber?: string;
      make?: string;
      model?: string;
      donorId?: string;
    },
  ): Promise<string> {
    const [row] = await em.execute<GoodRow[]>(
      `INSERT INTO good (id, kind, organisation_id, site_id, unit, state, description, serial_number, make, model,
                         donor_id, weight_kg)
       VALUES (?, ?, ?, ?, ?, 'new', ?, ?, ?, ?, ?, ?) RETURNING *`,
      [
        randomUUID(),
        good.kind,
        good.organisationId,
        good.siteId,
        good.unit,
        JSON.stringify(good.description),
        good.serialNumber ?? null,
        good.make ?? null,
        good.model ?? null,
        good.donorId ?? null,
        good.weightKg,
      ],
    );
    await this.stock.move(em, {
      good: row!,
      quantity: good.quantity,
      from: null,
      to: { state: good.state, locationId: good.locationId },
      reason: `produced by transformation ${kind}`,
      actor,
      cause: { type: 'command', id: transformationId },
      weightKg: good.weightKg,
    });
    return row!.id;
  }
}

function sum(values: number[]): number {
  return Math.round(values.reduce((a, b) => a + b, 0) * 1000) / 1000;
}

function assertMassBalance(inputKg: number, outputKg: number, lossKg: number): void {
  if (Math.abs(inputKg - outputKg - lossKg) > inputKg * MASS_TOLERANCE) {
    throw validation(
      'lossKg',
      `mass balance broken: ${inputKg} kg in, ${outputKg} kg out and ${lossKg} kg lost (must match within 1 %)`,
    );
  }
}
