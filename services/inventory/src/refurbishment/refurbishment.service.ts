import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { z } from 'zod';
import {
  InventoryItemAvailableV1,
  InventoryItemCertifiedV1,
  InventoryItemRefurbishmentRecordedV1,
  InventoryItemReturnedV1,
  InventoryItemTriagedV1,
  type Actor,
  type CertifyV1,
  type RecordChecklistV1,
  type RecordDisinfectionV1,
  type RecordQualityCheckV1,
  type ReleaseForUseV1,
  type ReturnItemV1,
  type StartRefurbishmentV1,
  type TriageV1,
} from '@boucle/contracts';
import { MikroORM, type EntityManager } from '@boucle/database';
import { inTransaction, recordEvent } from '@boucle/messaging';
import { assertActsFor, assertRole } from '../common/actor.js';
import { Refusal, notFound, validation } from '../common/errors.js';
import { describeGood, loadBalances, loadGood, type GoodRow } from '../goods/good.js';
import { assertTransition } from '../goods/lifecycle.js';
import { StockService } from '../goods/stock.service.js';
import { SitesService } from '../sites/sites.service.js';
import { gatesBefore, missingGates, type Gate } from './gates.js';

interface DeviceModelRow {
  iso_class: string;
  lifetime_years: number;
  checklist: string[];
  instructions_ref: string;
}

/**
 * The gated refurbishment of medical aids. Each step checks the aid's state and
 * that every earlier gate of this cycle is on record, records its own gate and
 * moves the aid on; no aid becomes available until all of them are recorded.
 */
@Injectable()
export class RefurbishmentService {
  constructor(
    @Inject(MikroORM) private readonly orm: MikroORM,
    private readonly stock: StockService,
    private readonly sites: SitesService,
  ) {}

  async triage(cmd: z.output<typeof TriageV1>) {
    return this.step(cmd.actor, cmd.goodId, 'triage', async (em, good) => {
      const to = { repairable: 'triaged', 'parts-donor': 'parts-donor', scrap: 'scrapped' }[
        cmd.decision
      ];
      await this.record(
        em,
        good,
        'triage',
        { decision: cmd.decision, notes: cmd.notes ?? null },
        cmd.actor,
      );
      await this.advance(em, good, to, `triage: ${cmd.decision}`, cmd.actor);
      await recordEvent(
        em,
        InventoryItemTriagedV1,
        { ...identity(good), decision: cmd.decision, cycle: good.refurbishment_cycle },
        { actor: cmd.actor },
      );
    });
  }

  async start(cmd: z.output<typeof StartRefurbishmentV1>) {
    return this.step(cmd.actor, cmd.goodId, 'checklist', async (em, good) => {
      const triage = await this.gateData(em, good, 'triage');
      if (triage?.['decision'] !== 'repairable') {
        throw validation('goodId', `${describeGood(good)} was not triaged as repairable`);
      }
      await this.advance(em, good, 'refurbishing', 'refurbishment started', cmd.actor);
    });
  }

  async recordChecklist(cmd: z.output<typeof RecordChecklistV1>) {
    return this.step(cmd.actor, cmd.goodId, 'checklist', async (em, good) => {
      this.assertState(good, 'refurbishing', 'checklist');
      const model = await this.deviceModel(em, good);
      const done = new Set(cmd.steps.filter((s) => s.done).map((s) => s.step));
      const unknown = cmd.steps.map((s) => s.step).filter((s) => !model.checklist.includes(s));
      if (unknown.length > 0) {
        throw validation(
          'steps',
          `not steps of the ${good.make} ${good.model} checklist: ${unknown.join(', ')}`,
        );
      }
      const missing = model.checklist.filter((s) => !done.has(s));
      if (missing.length > 0)
        throw validation('steps', `checklist incomplete, not done: ${missing.join(', ')}`);
      await this.record(em, good, 'checklist', { steps: cmd.steps }, cmd.actor);
      await this.recorded(em, good, 'checklist', cmd.actor);
    });
  }

  async recordQualityCheck(cmd: z.output<typeof RecordQualityCheckV1>) {
    return this.step(cmd.actor, cmd.goodId, 'quality-check', async (em, good) => {
      await this.record(
        em,
        good,
        'quality-check',
        { passed: true, notes: cmd.notes ?? null },
        cmd.actor,
      );
      await this.advance(em, good, 'quality-checked', 'quality check passed', cmd.actor);
      await this.recorded(em, good, 'quality-check', cmd.actor);
    });
  }

  async recordDisinfection(cmd: z.output<typeof RecordDisinfectionV1>) {
    return this.step(cmd.actor, cmd.goodId, 'disinfection', async (em, good) => {
      if (cmd.performedOn > today()) throw validation('performedOn', 'cannot be in the future');
      const data = { performedOn: cmd.performedOn, method: cmd.method, operatorId: cmd.operatorId };
      await this.record(em, good, 'disinfection', data, cmd.actor);
      await this.advance(em, good, 'disinfected', `disinfection: ${cmd.method}`, cmd.actor);
      await this.recorded(em, good, 'disinfection', cmd.actor);
    });
  }

  async certify(cmd: z.output<typeof CertifyV1>) {
    return this.step(cmd.actor, cmd.goodId, 'certification', async (em, good) => {
      assertRole(cmd.actor, ['refurbisher'], 'certifying a medical aid');
      const [certificate] = await em.execute<
        { organisation_id: string; valid_now: boolean; reference: string }[]
      >(
        `SELECT s.organisation_id, c.reference, (current_date BETWEEN c.valid_from AND c.valid_until) AS valid_now
           FROM centre_certificate c JOIN site s ON s.id = c.site_id WHERE c.id = ?`,
        [cmd.certificateId],
      );
      if (!certificate) throw notFound('centre certificate', cmd.certificateId);
      assertActsFor(cmd.actor, certificate.organisation_id, `certificate ${cmd.certificateId}`);
      if (!certificate.valid_now) {
        throw validation(
          'certificateId',
          `centre certificate ${certificate.reference} is not valid today`,
        );
      }
      const model = await this.deviceModel(em, good);
      if (cmd.newUseMonths > model.lifetime_years * 12) {
        throw validation(
          'newUseMonths',
          `may not exceed the manufacturer's lifetime of ${model.lifetime_years} years (${model.lifetime_years * 12} months)`,
        );
      }
      const data = {
        certificateId: cmd.certificateId,
        certificateReference: certificate.reference,
        newUseMonths: cmd.newUseMonths,
        instructionsRef: cmd.instructionsRef,
        certifiedBy: cmd.actor.userId,
      };
      await this.record(em, good, 'certification', data, cmd.actor);
      await this.advance(em, good, 'certified', `certified by ${cmd.actor.userId}`, cmd.actor);
      await recordEvent(
        em,
        InventoryItemCertifiedV1,
        {
          ...identity(good),
          certificateId: cmd.certificateId,
          newUseMonths: cmd.newUseMonths,
          cycle: good.refurbishment_cycle,
        },
        { actor: cmd.actor },
      );
    });
  }

  /** The last step: only with every gate of this cycle on record. */
  async releaseForUse(cmd: z.output<typeof ReleaseForUseV1>) {
    return this.step(cmd.actor, cmd.goodId, 'release', async (em, good) => {
      const model = await this.deviceModel(em, good);
      await this.advance(em, good, 'available', 'every refurbishment gate recorded', cmd.actor);
      await recordEvent(
        em,
        InventoryItemAvailableV1,
        {
          ...identity(good),
          isoClass: model.iso_class,
          siteId: good.site_id,
          attributes: attributesOf(good),
        },
        { actor: cmd.actor },
      );
    });
  }

  /**
   * A handed-over aid comes back: it is received again at a location of the
   * actor's organisation and starts a new refurbishment cycle, all gates to pass.
   */
  async returnItem(
    cmd: z.output<typeof ReturnItemV1>,
  ): Promise<{ goodId: string; state: string; cycle: number }> {
    return inTransaction(this.orm, async (em) => {
      const good = await loadGood(em, cmd.goodId, true);
      if (good.kind !== 'item')
        throw validation('goodId', `good ${good.id} is a ${good.kind}, not a medical aid`);
      const location = await this.sites.locationOwner(em, cmd.locationId);
      // It comes back to the organisation that owns it, into one of its own locations.
      assertActsFor(cmd.actor, good.organisation_id, `good ${good.id}`);
      if (location.organisationId !== good.organisation_id) {
        throw validation(
          'locationId',
          `location ${cmd.locationId} does not belong to the aid's organisation`,
        );
      }
      assertTransition(good.kind, good.state, 'returned', describeGood(good));
      const [handedOver] = await loadBalances(em, good.id);
      const cause = { type: 'command' as const, id: randomUUID() };
      await this.stock.move(em, {
        good,
        quantity: '1',
        from: { state: 'handed-over', locationId: handedOver!.location_id },
        to: { state: 'returned', locationId: cmd.locationId },
        reason: 'returned by its beneficiary',
        actor: cmd.actor,
        cause,
      });
      good.refurbishment_cycle += 1;
      await em.execute('UPDATE good SET refurbishment_cycle = ? WHERE id = ?', [
        good.refurbishment_cycle,
        good.id,
      ]);
      await this.stock.move(em, {
        good,
        quantity: '1',
        from: { state: 'returned', locationId: cmd.locationId },
        to: { state: 'received', locationId: cmd.locationId },
        reason: `received back for refurbishment cycle ${good.refurbishment_cycle}`,
        actor: cmd.actor,
        cause,
      });
      await recordEvent(
        em,
        InventoryItemReturnedV1,
        { ...identity(good), cycle: good.refurbishment_cycle },
        { actor: cmd.actor },
      );
      return { goodId: good.id, state: good.state, cycle: good.refurbishment_cycle };
    });
  }

  /** Common frame: lock the aid, check it is a medical aid of the actor's organisation and the gates before. */
  private async step(
    actor: Actor,
    goodId: string,
    gate: Gate | 'release',
    body: (em: EntityManager, good: GoodRow) => Promise<void>,
  ): Promise<{ goodId: string; state: string }> {
    assertRole(actor, ['refurbisher', 'operator'], 'refurbishment');
    return inTransaction(this.orm, async (em) => {
      const good = await loadGood(em, goodId, true);
      assertActsFor(actor, good.organisation_id, `good ${good.id}`);
      if (good.kind !== 'item')
        throw validation('goodId', `good ${good.id} is a ${good.kind}, not a medical aid`);
      const recorded = await this.recordedGates(em, good);
      const missing = missingGates(recorded, gatesBefore(gate));
      if (missing.length > 0) {
        throw new Refusal(
          'invalid-transition',
          `${describeGood(good)} is ${good.state}: ${gate} needs the gate(s) ${missing.join(', ')} recorded first`,
          { currentState: good.state, allowedStates: [] },
        );
      }
      await body(em, good);
      return { goodId: good.id, state: good.state };
    });
  }

  private assertState(good: GoodRow, state: string, gate: string): void {
    if (good.state !== state) {
      throw new Refusal(
        'invalid-transition',
        `${describeGood(good)} is ${good.state}: ${gate} is recorded while ${state}`,
        {
          currentState: good.state,
          allowedStates: [],
        },
      );
    }
  }

  private async advance(
    em: EntityManager,
    good: GoodRow,
    to: string,
    reason: string,
    actor: Actor,
  ): Promise<void> {
    assertTransition(good.kind, good.state, to, describeGood(good));
    const [balance] = await loadBalances(em, good.id);
    if (!balance) throw validation('goodId', `${describeGood(good)} is not in stock`);
    await this.stock.move(em, {
      good,
      quantity: '1',
      from: { state: good.state, locationId: balance.location_id },
      to: { state: to, locationId: balance.location_id },
      reason,
      actor,
      cause: { type: 'command', id: randomUUID() },
    });
  }

  private async record(
    em: EntityManager,
    good: GoodRow,
    gate: Gate,
    data: Record<string, unknown>,
    actor: Actor,
  ): Promise<void> {
    await em.execute(
      `INSERT INTO refurbishment_record (good_id, cycle, gate, data, actor) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (good_id, cycle, gate) DO UPDATE SET data = EXCLUDED.data, actor = EXCLUDED.actor,
         recorded_at = clock_timestamp()`,
      [good.id, good.refurbishment_cycle, gate, JSON.stringify(data), JSON.stringify(actor)],
    );
  }

  private async recorded(
    em: EntityManager,
    good: GoodRow,
    gate: 'checklist' | 'quality-check' | 'disinfection',
    actor: Actor,
  ) {
    await recordEvent(
      em,
      InventoryItemRefurbishmentRecordedV1,
      { ...identity(good), gate, cycle: good.refurbishment_cycle },
      { actor },
    );
  }

  private async recordedGates(em: EntityManager, good: GoodRow): Promise<string[]> {
    const rows = await em.execute<{ gate: string }[]>(
      'SELECT gate FROM refurbishment_record WHERE good_id = ? AND cycle = ?',
      [good.id, good.refurbishment_cycle],
    );
    return rows.map((r) => r.gate);
  }

  private async gateData(
    em: EntityManager,
    good: GoodRow,
    gate: Gate,
  ): Promise<Record<string, unknown> | undefined> {
    const [row] = await em.execute<{ data: Record<string, unknown> }[]>(
      'SELECT data FROM refurbishment_record WHERE good_id = ? AND cycle = ? AND gate = ?',
      [good.id, good.refurbishment_cycle, gate],
    );
    return row?.data;
  }

  private async deviceModel(em: EntityManager, good: GoodRow): Promise<DeviceModelRow> {
    const [model] = await em.execute<DeviceModelRow[]>(
      'SELECT iso_class, lifetime_years, checklist, instructions_ref FROM device_model WHERE make = ? AND model = ?',
      [good.make, good.model],
    );
    if (!model) throw notFound('device model', `${good.make} ${good.model}`);
    return model;
  }
}

function identity(good: GoodRow) {
  return {
    goodId: good.id,
    make: good.make!,
    model: good.model!,
    serialNumber: good.serial_number!,
  };
}

function attributesOf(good: GoodRow): Record<string, unknown> {
  const attributes = good.description['attributes'];
  return typeof attributes === 'object' && attributes !== null
    ? (attributes as Record<string, unknown>)
    : {};
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}
