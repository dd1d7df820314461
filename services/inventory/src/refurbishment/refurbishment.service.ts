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
import { assertActsFor, assertOnlyRole, assertRole } from '../common/actor.js';
import { addMonths, addYears, localToday, wholeMonthsBetween } from '../common/dates.js';
import { Refusal, notFound, validation } from '../common/errors.js';
import type { LifetimeBasis } from '../database/schema.js';
import { assertFitForUse, describeGood, type Good } from '../goods/good.js';
import { GoodsRepository } from '../goods/goods.repository.js';
import { assertTransition } from '../goods/lifecycle.js';
import { LedgerRepository } from '../ledger/ledger.repository.js';
import { LedgerService } from '../ledger/ledger.service.js';
import { SitesRepository, type DeviceModel } from '../sites/sites.repository.js';
import { SitesService } from '../sites/sites.service.js';
import {
  gatesBefore,
  latestRecord,
  missingGates,
  recordsInEffect,
  type Gate,
  type GateRecord,
} from './gates.js';
import { RefurbishmentRepository } from './refurbishment.repository.js';

/**
 * The gated refurbishment of medical aids. Each step checks the aid's state and
 * that every earlier gate of this cycle is on record, records its own gate and
 * moves the aid on; no aid becomes available until all of them are recorded.
 * Records are only ever added: a failed quality check is one, and undoes the
 * checklist and what followed it (see `recordsInEffect`).
 */
@Injectable()
export class RefurbishmentService {
  constructor(
    @Inject(MikroORM) private readonly orm: MikroORM,
    private readonly refurbishmentRepository: RefurbishmentRepository,
    private readonly goodsRepository: GoodsRepository,
    private readonly ledgerRepository: LedgerRepository,
    private readonly ledger: LedgerService,
    private readonly sites: SitesService,
    private readonly sitesRepository: SitesRepository,
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
      await this.ledger.advanceItem(em, good, to, `triage: ${cmd.decision}`, cmd.actor);
      await recordEvent(
        em,
        InventoryItemTriagedV1,
        { ...identity(good), decision: cmd.decision, cycle: good.refurbishmentCycle },
        { actor: cmd.actor },
      );
    });
  }

  async start(cmd: z.output<typeof StartRefurbishmentV1>) {
    return this.step(cmd.actor, cmd.goodId, 'checklist', async (em, good, records) => {
      const triage = latestRecord(records, 'triage')?.data;
      if (triage?.['decision'] !== 'repairable') {
        throw validation('goodId', `${describeGood(good)} was not triaged as repairable`);
      }
      // The cycle follows the model as it is now, whatever version the coordinator
      // records while the aid is in the workshop.
      const model = await this.deviceModel(em, { ...good, deviceModelVersion: null });
      await this.goodsRepository.pinDeviceModelVersion(em, good.id, model.version);
      good.deviceModelVersion = model.version;
      await this.ledger.advanceItem(em, good, 'refurbishing', 'refurbishment started', cmd.actor);
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
      if (cmd.passed) {
        await this.record(
          em,
          good,
          'quality-check',
          { passed: true, notes: cmd.notes ?? null },
          cmd.actor,
        );
        await this.ledger.advanceItem(
          em,
          good,
          'quality-checked',
          'quality check passed',
          cmd.actor,
        );
        await this.recorded(em, good, 'quality-check', cmd.actor);
        return;
      }
      // A failed check is a record too; it sends the aid back to refurbishing, where its
      // checklist and this check must be passed again. Its reason stays in the record, out
      // of the ledger's movement reason (free text never enters the ledger). No
      // refurbishment-recorded event: its consumers read it as a gate passed.
      if (good.state !== 'quality-checked') this.assertState(good, 'refurbishing', 'quality-check');
      await this.record(
        em,
        good,
        'quality-check',
        { passed: false, reason: cmd.reason ?? null, notes: cmd.notes ?? null },
        cmd.actor,
      );
      if (good.state === 'quality-checked') {
        await this.ledger.advanceItem(em, good, 'refurbishing', 'quality check failed', cmd.actor);
      }
    });
  }

  async recordDisinfection(cmd: z.output<typeof RecordDisinfectionV1>) {
    return this.step(cmd.actor, cmd.goodId, 'disinfection', async (em, good) => {
      if (cmd.performedOn > localToday())
        throw validation('performedOn', 'cannot be in the future');
      // Gates happen in order: not before the aid arrived, nor before the gate before it.
      const { intakeDay, lastGateDay } = await this.refurbishmentRepository.gateDays(em, good.id);
      if (intakeDay && cmd.performedOn < intakeDay) {
        throw validation('performedOn', `cannot be before the aid's intake, on ${intakeDay}`);
      }
      if (lastGateDay && cmd.performedOn < lastGateDay) {
        throw validation(
          'performedOn',
          `cannot be before the last recorded gate, on ${lastGateDay}`,
        );
      }
      const data = { performedOn: cmd.performedOn, method: cmd.method, operatorId: cmd.operatorId };
      await this.record(em, good, 'disinfection', data, cmd.actor);
      await this.ledger.advanceItem(
        em,
        good,
        'disinfected',
        `disinfection: ${cmd.method}`,
        cmd.actor,
      );
      await this.recorded(em, good, 'disinfection', cmd.actor);
    });
  }

  /**
   * Only a refurbisher of the aid's organisation certifies (no coordinator or system
   * bypass), under a certificate of the site holding the aid, valid that day and not
   * revoked, for at most what is left of the manufacturer's lifetime. An aid already
   * certified may be certified again (its certificate lapsed or was revoked): it stays
   * certified, under the new record.
   */
  async certify(cmd: z.output<typeof CertifyV1>) {
    return this.step(cmd.actor, cmd.goodId, 'certification', async (em, good) => {
      assertOnlyRole(cmd.actor, 'refurbisher', 'certifying a medical aid');
      const today = localToday();
      const certificate = await this.sitesRepository.findCertificate(em, cmd.certificateId, today);
      if (!certificate) throw notFound('centre certificate', cmd.certificateId);
      assertActsFor(
        cmd.actor,
        certificate.organisationId,
        `centre certificate ${cmd.certificateId}`,
      );
      const siteId = await this.holdingSite(em, good);
      if (certificate.siteId !== siteId) {
        throw validation(
          'certificateId',
          `centre certificate ${certificate.reference} is not one of site ${siteId}, which holds the aid`,
        );
      }
      if (certificate.revokedAt) {
        throw validation(
          'certificateId',
          `centre certificate ${certificate.reference} was revoked on ${new Date(certificate.revokedAt).toISOString()}`,
        );
      }
      if (!certificate.validOn) {
        throw validation(
          'certificateId',
          `centre certificate ${certificate.reference} is not valid today`,
        );
      }
      const model = await this.deviceModel(em, good);
      const lifetime = lifetimeFor(good, cmd, model, today);
      const data = {
        certificateId: cmd.certificateId,
        certificateReference: certificate.reference,
        newUseMonths: cmd.newUseMonths,
        instructionsRef: cmd.instructionsRef,
        certifiedBy: cmd.actor.userId,
        lifetimeStartsOn: lifetime.startsOn,
        lifetimeBasis: lifetime.basis,
        lifetimeEndsOn: lifetime.endsOn,
        fitForUseUntil: lifetime.fitForUseUntil,
      };
      await this.record(em, good, 'certification', data, cmd.actor);
      await this.refurbishmentRepository.setLifetime(em, good.id, lifetime);
      if (good.state !== 'certified') {
        await this.ledger.advanceItem(
          em,
          good,
          'certified',
          `certified by ${cmd.actor.userId}`,
          cmd.actor,
        );
      }
      await recordEvent(
        em,
        InventoryItemCertifiedV1,
        {
          ...identity(good),
          certificateId: cmd.certificateId,
          newUseMonths: cmd.newUseMonths,
          cycle: good.refurbishmentCycle,
        },
        { actor: cmd.actor },
      );
    });
  }

  /**
   * The last step: only with every gate of this cycle on record, within the aid's
   * fit-for-use date, and while the certificate it was certified under is still valid
   * and not revoked (a lapsed or revoked one stops release until certified again).
   */
  async releaseForUse(cmd: z.output<typeof ReleaseForUseV1>) {
    return this.step(cmd.actor, cmd.goodId, 'release', async (em, good, records) => {
      const today = localToday();
      const certification = latestRecord(records, 'certification')!.data;
      if (typeof certification['fitForUseUntil'] !== 'string') {
        throw blocked(
          good,
          `${describeGood(good)} was certified before its remaining lifetime was checked: certify it again`,
        );
      }
      assertFitForUse(good, today);
      const certificate = await this.sitesRepository.findCertificate(
        em,
        String(certification['certificateId']),
        today,
      );
      if (!certificate?.validOn || certificate.revokedAt) {
        const standing = certificate?.revokedAt
          ? `was revoked on ${new Date(certificate.revokedAt).toISOString()}`
          : 'is no longer valid';
        throw blocked(
          good,
          `${describeGood(good)} was certified under centre certificate ${String(certification['certificateReference'])}, which ${standing}: certify it again under a valid certificate`,
        );
      }
      const model = await this.deviceModel(em, good);
      await this.ledger.advanceItem(
        em,
        good,
        'available',
        'every refurbishment gate recorded',
        cmd.actor,
      );
      await recordEvent(
        em,
        InventoryItemAvailableV1,
        {
          ...identity(good),
          isoClass: model.isoClass,
          siteId: good.siteId,
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
      const good = await this.goodsRepository.load(em, cmd.goodId, { forUpdate: true });
      // Ownership first: another member learns nothing of the good, not even its kind.
      assertActsFor(cmd.actor, good.organisationId, `good ${good.id}`);
      if (good.kind !== 'item')
        throw validation('goodId', `good ${good.id} is a ${good.kind}, not a medical aid`);
      const location = await this.sites.locationOwner(em, cmd.locationId);
      // It comes back to the organisation that owns it, into one of its own locations.
      if (location.organisationId !== good.organisationId) {
        throw validation(
          'locationId',
          `location ${cmd.locationId} does not belong to the aid's organisation`,
        );
      }
      assertTransition(good.kind, good.state, 'returned', describeGood(good));
      const [handedOver] = await this.ledgerRepository.balances(em, good.id);
      const cause = { type: 'command' as const, id: randomUUID() };
      await this.ledger.move(em, {
        good,
        quantity: '1',
        from: { state: 'handed-over', locationId: handedOver!.locationId },
        to: { state: 'returned', locationId: cmd.locationId },
        reason: 'returned by its beneficiary',
        actor: cmd.actor,
        cause,
      });
      good.refurbishmentCycle += 1;
      await this.goodsRepository.setRefurbishmentCycle(em, good.id, good.refurbishmentCycle);
      await this.ledger.move(em, {
        good,
        quantity: '1',
        from: { state: 'returned', locationId: cmd.locationId },
        to: { state: 'received', locationId: cmd.locationId },
        reason: `received back for refurbishment cycle ${good.refurbishmentCycle}`,
        actor: cmd.actor,
        cause,
      });
      await recordEvent(
        em,
        InventoryItemReturnedV1,
        { ...identity(good), cycle: good.refurbishmentCycle },
        { actor: cmd.actor },
      );
      return { goodId: good.id, state: good.state, cycle: good.refurbishmentCycle };
    });
  }

  /** Common frame: lock the aid, check it is a medical aid of the actor's organisation and the gates before. */
  private async step(
    actor: Actor,
    goodId: string,
    gate: Gate | 'release',
    body: (em: EntityManager, good: Good, records: readonly GateRecord[]) => Promise<void>,
  ): Promise<{ goodId: string; state: string }> {
    assertRole(actor, ['refurbisher', 'operator'], 'refurbishment');
    return inTransaction(this.orm, async (em) => {
      const good = await this.goodsRepository.load(em, goodId, { forUpdate: true });
      assertActsFor(actor, good.organisationId, `good ${good.id}`);
      if (good.kind !== 'item')
        throw validation('goodId', `good ${good.id} is a ${good.kind}, not a medical aid`);
      const records = await this.refurbishmentRepository.cycleRecords(
        em,
        good.id,
        good.refurbishmentCycle,
      );
      const missing = missingGates(
        recordsInEffect(records).map((r) => r.gate),
        gatesBefore(gate),
      );
      if (missing.length > 0) {
        throw new Refusal(
          'invalid-transition',
          `${describeGood(good)} is ${good.state}: ${gate} needs the gate(s) ${missing.join(', ')} recorded first`,
          { currentState: good.state, allowedStates: [] },
        );
      }
      await body(em, good, records);
      return { goodId: good.id, state: good.state };
    });
  }

  private assertState(good: Good, state: string, gate: string): void {
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

  private async record(
    em: EntityManager,
    good: Good,
    gate: Gate,
    data: Record<string, unknown>,
    actor: Actor,
  ): Promise<void> {
    await this.refurbishmentRepository.record(em, {
      goodId: good.id,
      cycle: good.refurbishmentCycle,
      gate,
      data,
      actor,
    });
  }

  private async recorded(
    em: EntityManager,
    good: Good,
    gate: 'checklist' | 'quality-check' | 'disinfection',
    actor: Actor,
  ) {
    await recordEvent(
      em,
      InventoryItemRefurbishmentRecordedV1,
      { ...identity(good), gate, cycle: good.refurbishmentCycle },
      { actor },
    );
  }

  /** The site of the location the aid is at, whose centre certificate may certify it. */
  private async holdingSite(em: EntityManager, good: Good): Promise<string> {
    const [balance] = await this.ledgerRepository.balances(em, good.id);
    if (!balance) throw validation('goodId', `${describeGood(good)} is not in stock`);
    return (await this.sites.locationOwner(em, balance.locationId)).siteId;
  }

  /** The model version the aid's current cycle follows, or the current one before it starts. */
  private async deviceModel(em: EntityManager, good: Good): Promise<DeviceModel> {
    const model = await this.sitesRepository.findDeviceModel(
      em,
      good.make!,
      good.model!,
      good.deviceModelVersion ?? undefined,
    );
    if (!model) throw notFound('device model', `${good.make} ${good.model}`);
    return model;
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

function attributesOf(good: Good): Record<string, unknown> {
  const attributes = good.description['attributes'];
  return typeof attributes === 'object' && attributes !== null
    ? (attributes as Record<string, unknown>)
    : {};
}

function blocked(good: Good, message: string): Refusal {
  return new Refusal('invalid-transition', message, {
    currentState: good.state,
    allowedStates: [],
  });
}

interface Lifetime {
  startsOn: string;
  basis: LifetimeBasis;
  endsOn: string;
  fitForUseUntil: string;
}

/**
 * What a certification may grant (RBEU): the manufacturer's lifetime counts from the
 * aid's manufacture, or its first use when that is unknown, and is never restarted by
 * a return; the new-use duration may not exceed what is left of it. Intake's
 * `manufacturedOn`, or one fixed by an earlier certification, wins; the command's date
 * is taken only when none is known, and may not contradict one that is.
 */
function lifetimeFor(
  good: Good,
  cmd: z.output<typeof CertifyV1>,
  model: DeviceModel,
  today: string,
): Lifetime {
  const given = cmd.manufacturedOn
    ? { field: 'manufacturedOn', startsOn: cmd.manufacturedOn, basis: 'manufacture' as const }
    : cmd.firstUsedOn
      ? { field: 'firstUsedOn', startsOn: cmd.firstUsedOn, basis: 'first-use' as const }
      : undefined;
  if (given && given.startsOn > today) throw validation(given.field, 'cannot be in the future');
  const intakeDate = good.description['manufacturedOn'];
  const known = good.lifetimeStartsOn
    ? { startsOn: good.lifetimeStartsOn, basis: good.lifetimeBasis ?? ('manufacture' as const) }
    : typeof intakeDate === 'string'
      ? { startsOn: intakeDate, basis: 'manufacture' as const }
      : undefined;
  if (known && given && given.startsOn !== known.startsOn) {
    throw validation(
      given.field,
      `the lifetime of ${describeGood(good)} already counts from ${known.startsOn} (its ${known.basis}); it is never restarted`,
    );
  }
  const start = known ?? given;
  if (!start) {
    throw validation(
      'manufacturedOn',
      `the manufacture date of ${describeGood(good)} is not known: give manufacturedOn, or firstUsedOn when it is unknown`,
    );
  }
  const endsOn = addYears(start.startsOn, model.lifetimeYears);
  if (endsOn <= today) {
    throw validation(
      'goodId',
      `${describeGood(good)} reached the end of its ${model.lifetimeYears}-year lifetime on ${endsOn} (counted from its ${start.basis} on ${start.startsOn}): it can no longer be certified`,
    );
  }
  const monthsLeft = wholeMonthsBetween(today, endsOn);
  if (cmd.newUseMonths > monthsLeft) {
    throw validation(
      'newUseMonths',
      `may not exceed the ${monthsLeft} month(s) left of the manufacturer's lifetime of ${model.lifetimeYears} years, which ends on ${endsOn}`,
    );
  }
  const until = addMonths(today, cmd.newUseMonths);
  return {
    startsOn: start.startsOn,
    basis: start.basis,
    endsOn,
    fitForUseUntil: until < endsOn ? until : endsOn,
  };
}
