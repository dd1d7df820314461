import { InventoryRpc, type Actor, type RpcRequestInput } from '@boucle/contracts';
import { forgeIdentity } from '@boucle/testing';
import { addMonths, addYears, localToday } from '../src/common/dates.js';
import { GoodsService } from '../src/goods/goods.service.js';
import { HoldsService } from '../src/holds/holds.service.js';
import { RefurbishmentService } from '../src/refurbishment/refurbishment.service.js';
import { SitesService } from '../src/sites/sites.service.js';
import {
  intakeWheelchair,
  refurbish,
  refusal,
  registerWheelchairModel,
  startInventory,
  WHEELCHAIR_CHECKLIST,
  type Fixture,
  type InventoryHarness,
} from './harness.js';

let h: InventoryHarness;
let fixture: Fixture;
let serial = 0;

beforeAll(async () => {
  h = await startInventory();
  fixture = await h.member();
  await registerWheelchairModel(h);
});

afterAll(async () => {
  await h?.close();
});

type IntakeItem = Parameters<typeof intakeWheelchair>[3];
type Intake = Parameters<typeof intakeWheelchair>[4];

const today = () => localToday();
const daysAgo = (days: number) => localToday(new Date(Date.now() - days * 86_400_000));
const SYSTEM: Actor = { userId: 'inventory', role: 'system', organisationId: null };

/** A wheelchair just taken in (`received`), made a year ago unless `item` says otherwise. */
const receivedAid = (item?: IntakeItem, intake?: Intake) =>
  intakeWheelchair(h, fixture, `GATE-${serial++}`, item, intake);

/** Triaged, started and its checklist done: `refurbishing`, ready for its quality check. */
async function checkedListAid(item?: IntakeItem): Promise<string> {
  const goodId = await receivedAid(item);
  const actor = fixture.refurbisher;
  await h.rpc.request(InventoryRpc.triage, { actor, goodId, decision: 'repairable' });
  await h.rpc.request(InventoryRpc.startRefurbishment, { actor, goodId });
  await checklist(goodId);
  return goodId;
}

/** Through every gate before certification: `disinfected`. */
async function disinfectedAid(item?: IntakeItem): Promise<string> {
  const goodId = await receivedAid(item);
  await refurbish(h, fixture, goodId, 'certification').catch(() => undefined);
  expect(await state(goodId)).toBe('disinfected');
  return goodId;
}

const checklist = (goodId: string) =>
  h.rpc.request(InventoryRpc.recordChecklist, {
    actor: fixture.refurbisher,
    goodId,
    steps: WHEELCHAIR_CHECKLIST.map((step) => ({ step, done: true })),
  });

const certify = (
  goodId: string,
  overrides: Partial<RpcRequestInput<typeof InventoryRpc.certify>> = {},
) =>
  h.rpc.request(InventoryRpc.certify, {
    actor: fixture.refurbisher,
    goodId,
    certificateId: fixture.certificateId,
    newUseMonths: 24,
    instructionsRef: 'doc://invacare/action3/manual-fr.pdf',
    ...overrides,
  });

const release = (goodId: string) =>
  h.rpc.request(InventoryRpc.releaseForUse, { actor: fixture.refurbisher, goodId });

const placeHold = (goodId: string, holderId: string) =>
  h.rpc.request(InventoryRpc.placeHold, {
    actor: h.coordinator,
    goodId,
    quantity: '1',
    holderId,
    ttlSeconds: 600,
  });

const recordCertificate = (siteId = fixture.siteId, reference = 'NF S97-414 n° 2026-201') =>
  h.rpc.request(InventoryRpc.recordCertificate, {
    actor: h.coordinator,
    siteId,
    reference,
    validFrom: '2025-01-01',
    validUntil: '2028-12-31',
  });

const state = async (goodId: string) =>
  (await h.rpc.request(InventoryRpc.getGood, { actor: fixture.operator, goodId })).state;

const passport = (goodId: string) =>
  h.rpc.request(InventoryRpc.passport, { actor: fixture.operator, goodId });

/** Time passing, as far as the aid is concerned: its fit-for-use date was yesterday. */
async function fitForUseDatePassed(goodId: string): Promise<void> {
  await h.orm.em
    .fork()
    .execute(`UPDATE good SET fit_for_use_until = ?::date WHERE id = ?`, [daysAgo(1), goodId]);
}

describe(RefurbishmentService.name, () => {
  it('should make an aid available once every gate is recorded', async () => {
    const goodId = await receivedAid();
    await refurbish(h, fixture, goodId);
    expect(await state(goodId)).toBe('available');
  });

  describe.each([
    ['triage', /triage/],
    ['checklist', /checklist/],
    ['quality-check', /quality-check/],
    ['disinfection', /disinfection/],
    ['certification', /certification/],
  ])('without the %s gate', (gate, named) => {
    it('should never let the aid become available, and say which gate is missing', async () => {
      const goodId = await receivedAid();
      await refurbish(h, fixture, goodId, gate).catch(() => undefined);

      const error = await refusal(release(goodId));
      expect(error.code).toBe('invalid-transition');
      expect(error.message).toMatch(named);
      expect(await state(goodId)).not.toBe('available');
      const holds = await refusal(placeHold(goodId, 'ben-1'));
      expect(holds.code).toBe('insufficient-quantity');
    });
  });

  describe('recordChecklist', () => {
    it('should refuse an incomplete checklist, naming the steps not done', async () => {
      const goodId = await receivedAid();
      await h.rpc.request(InventoryRpc.triage, {
        actor: fixture.refurbisher,
        goodId,
        decision: 'repairable',
      });
      await h.rpc.request(InventoryRpc.startRefurbishment, { actor: fixture.refurbisher, goodId });
      const error = await refusal(
        h.rpc.request(InventoryRpc.recordChecklist, {
          actor: fixture.refurbisher,
          goodId,
          steps: WHEELCHAIR_CHECKLIST.map((step) => ({ step, done: step !== 'brakes' })),
        }),
      );
      expect(error.code).toBe('validation');
      expect(error.body.issues).toEqual([
        { path: 'steps', message: 'checklist incomplete, not done: brakes' },
      ]);
    });
  });

  describe('recordQualityCheck', () => {
    const fail = (goodId: string, reason?: string) =>
      h.rpc.request(InventoryRpc.recordQualityCheck, {
        actor: fixture.refurbisher,
        goodId,
        passed: false,
        ...(reason === undefined ? {} : { reason }),
      });
    const pass = (goodId: string) =>
      h.rpc.request(InventoryRpc.recordQualityCheck, {
        actor: fixture.refurbisher,
        goodId,
        passed: true,
      });

    it('should keep a failed aid in refurbishing until its checklist and check are passed again', async () => {
      const goodId = await checkedListAid();

      const failed = await fail(goodId, 'left brake does not hold on a slope');

      expect(failed.state).toBe('refurbishing');
      const again = await refusal(pass(goodId));
      expect(again.code).toBe('invalid-transition');
      expect(again.message).toMatch(/checklist/);
      await checklist(goodId);
      expect((await pass(goodId)).state).toBe('quality-checked');
    });

    it('should send a quality-checked aid back to refurbishing when a later check fails', async () => {
      const goodId = await checkedListAid();
      await pass(goodId);

      const failed = await fail(goodId, 'frame cracked near the left hinge');

      expect(failed.state).toBe('refurbishing');
      expect(await state(goodId)).toBe('refurbishing');
      const disinfection = await refusal(
        h.rpc.request(InventoryRpc.recordDisinfection, {
          actor: fixture.refurbisher,
          goodId,
          performedOn: today(),
          method: 'steam',
          operatorId: fixture.refurbisher.userId,
        }),
      );
      expect(disinfection.message).toMatch(/checklist, quality-check/);
    });

    it('should refuse a failed quality check when it gives no reason', async () => {
      const goodId = await checkedListAid();
      const error = await refusal(fail(goodId));
      expect(error.code).toBe('validation');
      expect(error.body.issues?.map((i) => i.path)).toEqual(['reason']);
      expect(await state(goodId)).toBe('refurbishing');
    });
  });

  describe('recordDisinfection', () => {
    const disinfect = (goodId: string, performedOn: string) =>
      h.rpc.request(InventoryRpc.recordDisinfection, {
        actor: fixture.refurbisher,
        goodId,
        performedOn,
        method: 'steam 134 °C',
        operatorId: fixture.refurbisher.userId,
      });

    /** Taken in `receivedDaysAgo` days ago, its gates recorded today up to the quality check. */
    async function qualityCheckedAid(receivedDaysAgo: number): Promise<string> {
      const goodId = await receivedAid(
        {},
        { receivedAt: new Date(Date.now() - receivedDaysAgo * 86_400_000).toISOString() },
      );
      await refurbish(h, fixture, goodId, 'disinfection').catch(() => undefined);
      expect(await state(goodId)).toBe('quality-checked');
      return goodId;
    }

    it("should refuse a disinfection dated before the aid's intake", async () => {
      const goodId = await qualityCheckedAid(3);
      const error = await refusal(disinfect(goodId, daysAgo(5)));
      expect(error.body.issues).toEqual([
        { path: 'performedOn', message: expect.stringMatching(/before the aid's intake/) },
      ]);
    });

    it('should refuse a disinfection dated before the last recorded gate', async () => {
      const goodId = await qualityCheckedAid(10);
      const error = await refusal(disinfect(goodId, daysAgo(5)));
      expect(error.body.issues).toEqual([
        { path: 'performedOn', message: expect.stringMatching(/before the last recorded gate/) },
      ]);
    });

    it('should refuse a disinfection dated in the future', async () => {
      const goodId = await qualityCheckedAid(0);
      const error = await refusal(disinfect(goodId, addMonths(today(), 1)));
      expect(error.body.issues?.[0]?.path).toBe('performedOn');
    });
  });

  describe('certify', () => {
    it("should refuse a new-use duration beyond the manufacturer's lifetime", async () => {
      const goodId = await disinfectedAid();
      const error = await refusal(certify(goodId, { newUseMonths: 97 }));
      expect(error.body.issues?.[0]?.path).toBe('newUseMonths');
    });

    it('should refuse certification when the aid is past its lifetime', async () => {
      const goodId = await disinfectedAid({ manufacturedOn: '2010-03-01' });
      const error = await refusal(certify(goodId, { newUseMonths: 24 }));
      expect(error.code).toBe('validation');
      expect(error.message).toMatch(/end of its 8-year lifetime on 2018-03-01/);
      expect(await state(goodId)).toBe('disinfected');
    });

    it('should allow at most the remaining lifetime when the aid is seven years old', async () => {
      const goodId = await disinfectedAid({ manufacturedOn: addYears(today(), -7) });

      const error = await refusal(certify(goodId, { newUseMonths: 13 }));
      expect(error.body.issues).toEqual([
        { path: 'newUseMonths', message: expect.stringMatching(/12 month/) },
      ]);
      await certify(goodId, { newUseMonths: 12 });
      expect((await passport(goodId)).fitForUseUntil).toBe(addMonths(today(), 12));
    });

    it('should record the aid fit for use until the certification day plus the new-use duration', async () => {
      const goodId = await disinfectedAid();

      await certify(goodId, { newUseMonths: 24 });

      const { fitForUseUntil, lifetimeStartsOn, refurbishment } = await passport(goodId);
      expect(fitForUseUntil).toBe(addMonths(today(), 24));
      expect(lifetimeStartsOn).toBe(addYears(today(), -1));
      expect(refurbishment.at(-1)?.data).toMatchObject({
        newUseMonths: 24,
        fitForUseUntil: addMonths(today(), 24),
      });
    });

    it('should refuse certification, naming manufacturedOn, when the manufacture date is unknown', async () => {
      const goodId = await disinfectedAid({ manufacturedOn: undefined });
      const error = await refusal(certify(goodId));
      expect(error.body.issues).toEqual([
        { path: 'manufacturedOn', message: expect.stringMatching(/firstUsedOn/) },
      ]);
    });

    it('should count the lifetime from firstUsedOn when intake did not record the manufacture date', async () => {
      const goodId = await disinfectedAid({ manufacturedOn: undefined });
      const firstUsedOn = addYears(today(), -7);

      const error = await refusal(certify(goodId, { firstUsedOn, newUseMonths: 24 }));
      expect(error.body.issues?.[0]?.path).toBe('newUseMonths');
      await certify(goodId, { firstUsedOn, newUseMonths: 12 });
      expect((await passport(goodId)).lifetimeStartsOn).toBe(firstUsedOn);
    });

    it('should refuse a manufacture date that contradicts the one recorded at intake', async () => {
      const goodId = await disinfectedAid({ manufacturedOn: addYears(today(), -7) });
      const error = await refusal(certify(goodId, { manufacturedOn: addYears(today(), -1) }));
      expect(error.body.issues?.[0]?.path).toBe('manufacturedOn');
    });

    it('should refuse certification by the coordinator, who is not a refurbisher', async () => {
      const goodId = await disinfectedAid();
      const error = await refusal(certify(goodId, { actor: h.coordinator }));
      expect(error.code).toBe('forbidden');
      expect(await state(goodId)).toBe('disinfected');
    });

    it('should refuse certification by the system, which no request ever speaks as', async () => {
      const goodId = await disinfectedAid();
      const error = await refusal(
        h.rpc.send(
          InventoryRpc.certify.subject,
          {
            goodId,
            certificateId: fixture.certificateId,
            newUseMonths: 24,
            instructionsRef: 'doc://manual',
          },
          { identity: forgeIdentity({ sub: SYSTEM.userId, role: 'system', org: null }) },
        ),
      );
      expect(error.code).toBe('unauthenticated');
      expect(await state(goodId)).toBe('disinfected');
    });

    it('should refuse a certification by someone who is not a refurbisher', async () => {
      const goodId = await disinfectedAid();
      const error = await refusal(certify(goodId, { actor: fixture.operator }));
      expect(error.code).toBe('forbidden');
    });

    it("should refuse certification under another organisation's certificate", async () => {
      const other = await h.member();
      const goodId = await disinfectedAid();
      const error = await refusal(certify(goodId, { certificateId: other.certificateId }));
      // Another member's certificate is answered as a missing one.
      expect(error.code).toBe('not-found');
      expect(await state(goodId)).toBe('disinfected');
    });

    it('should refuse certification under a certificate of a site that does not hold the aid', async () => {
      const workshop = await h.rpc.request(InventoryRpc.registerSite, {
        actor: fixture.operator,
        organisationId: fixture.organisationId,
        name: 'Atelier de Longueau',
        kind: 'workshop',
        locality: 'Longueau',
        locations: ['établi'],
      });
      const { certificateId } = await recordCertificate(workshop.siteId, 'NF S97-414 n° 2026-088');
      const goodId = await disinfectedAid();

      const error = await refusal(certify(goodId, { certificateId }));

      expect(error.body.issues).toEqual([
        { path: 'certificateId', message: expect.stringMatching(/site/) },
      ]);
    });

    it('should refuse certification under a centre certificate that is not valid that day', async () => {
      const goodId = await disinfectedAid();
      const { certificateId } = await h.rpc.request(InventoryRpc.recordCertificate, {
        actor: h.coordinator,
        siteId: fixture.siteId,
        reference: 'NF S97-414 n° 2019-003 (expired)',
        validFrom: '2019-01-01',
        validUntil: '2023-01-01',
      });
      const error = await refusal(certify(goodId, { certificateId }));
      expect(error.body.issues?.[0]).toEqual({
        path: 'certificateId',
        message: expect.stringMatching(/not valid today/),
      });
    });

    it('should refuse certification under a revoked certificate', async () => {
      const { certificateId } = await recordCertificate();
      await h.rpc.request(InventoryRpc.revokeCertificate, {
        actor: h.coordinator,
        certificateId,
        reason: 'audit: suspended by the certification body',
      });
      const goodId = await disinfectedAid();

      const error = await refusal(certify(goodId, { certificateId }));

      expect(error.body.issues).toEqual([
        { path: 'certificateId', message: expect.stringMatching(/revoked/) },
      ]);
    });
  });

  describe('releaseForUse', () => {
    it('should refuse release once the fit-for-use date has passed', async () => {
      const goodId = await disinfectedAid();
      await certify(goodId);
      await fitForUseDatePassed(goodId);

      const error = await refusal(release(goodId));

      expect(error.code).toBe('invalid-transition');
      expect(error.message).toMatch(/fit for use until/);
      expect(await state(goodId)).toBe('certified');
    });

    it('should refuse release under a revoked certificate until the aid is certified again under a valid one', async () => {
      const { certificateId } = await recordCertificate();
      const goodId = await disinfectedAid();
      await certify(goodId, { certificateId });
      await h.rpc.request(InventoryRpc.revokeCertificate, {
        actor: h.coordinator,
        certificateId,
        reason: 'audit: suspended by the certification body',
      });

      const error = await refusal(release(goodId));
      expect(error.code).toBe('invalid-transition');
      expect(error.message).toMatch(/revoked/);

      await certify(goodId, { certificateId: fixture.certificateId });
      expect((await release(goodId)).state).toBe('available');
    });

    it('should refuse release when the certificate has lapsed since the certification', async () => {
      const { certificateId } = await recordCertificate();
      const goodId = await disinfectedAid();
      await certify(goodId, { certificateId });
      await h.orm.em
        .fork()
        .execute(`UPDATE centre_certificate SET valid_until = ?::date WHERE id = ?`, [
          daysAgo(1),
          certificateId,
        ]);

      const error = await refusal(release(goodId));

      expect(error.code).toBe('invalid-transition');
      expect(error.message).toMatch(/no longer valid/);
    });
  });

  describe('returnItem', () => {
    async function handOver(goodId: string, beneficiaryRef: string): Promise<void> {
      const { holdId } = await placeHold(goodId, beneficiaryRef);
      await h.rpc.request(InventoryRpc.handOverHold, {
        actor: fixture.operator,
        holdId,
        beneficiaryRef,
      });
    }

    it('should send a returned aid through every gate again', async () => {
      const goodId = await receivedAid();
      await refurbish(h, fixture, goodId);
      await handOver(goodId, 'ben-5');

      const back = await h.rpc.request(InventoryRpc.returnItem, {
        actor: fixture.operator,
        goodId,
        locationId: fixture.otherLocationId,
      });

      expect(back).toMatchObject({ state: 'received', cycle: 1 });
      const error = await refusal(release(goodId));
      expect(error.message).toMatch(
        /triage, checklist, quality-check, disinfection, certification/,
      );
      await refurbish(h, fixture, goodId);
      expect(await state(goodId)).toBe('available');
    });

    it('should keep the manufacture date, so that the next certification gets only what is left', async () => {
      const goodId = await disinfectedAid({ manufacturedOn: addYears(today(), -7) });
      await certify(goodId, { newUseMonths: 6 });
      await release(goodId);
      await handOver(goodId, 'ben-6');
      await h.rpc.request(InventoryRpc.returnItem, {
        actor: fixture.operator,
        goodId,
        locationId: fixture.locationId,
      });
      await refurbish(h, fixture, goodId, 'certification').catch(() => undefined);

      const error = await refusal(certify(goodId, { newUseMonths: 13 }));

      expect(error.body.issues?.[0]?.path).toBe('newUseMonths');
      await certify(goodId, { newUseMonths: 12 });
      expect((await passport(goodId)).lifetimeStartsOn).toBe(addYears(today(), -7));
    });
  });

  it('should refuse a plain move that would skip the gates', async () => {
    const goodId = await receivedAid();
    const error = await refusal(
      h.rpc.request(InventoryRpc.moveGood, {
        actor: fixture.operator,
        goodId,
        quantity: '1',
        fromState: 'received',
        toState: 'available',
        reason: 'put-on-sale',
      }),
    );
    expect(error.body).toMatchObject({ code: 'invalid-transition', currentState: 'received' });
  });
});

describe(HoldsService.name, () => {
  describe('place', () => {
    it("should refuse a hold once the aid's fit-for-use date has passed", async () => {
      const goodId = await receivedAid();
      await refurbish(h, fixture, goodId);
      await fitForUseDatePassed(goodId);

      const error = await refusal(placeHold(goodId, 'ben-7'));

      expect(error.code).toBe('invalid-transition');
      expect(error.message).toMatch(/fit for use until/);
    });
  });

  describe('handOver', () => {
    it("should refuse the hand-over once the aid's fit-for-use date has passed", async () => {
      const goodId = await receivedAid();
      await refurbish(h, fixture, goodId);
      const { holdId } = await placeHold(goodId, 'ben-8');
      await fitForUseDatePassed(goodId);

      const error = await refusal(
        h.rpc.request(InventoryRpc.handOverHold, {
          actor: fixture.operator,
          holdId,
          beneficiaryRef: 'ben-8',
        }),
      );

      expect(error.code).toBe('invalid-transition');
      expect(error.message).toMatch(/fit for use until/);
      expect(await state(goodId)).toBe('held');
    });
  });
});

describe(SitesService.name, () => {
  describe('recordCertificate', () => {
    it.each(['refurbisher', 'operator', 'driver'] as const)(
      "should refuse a member's %s recording its own centre certificate",
      async (role) => {
        const error = await refusal(
          h.rpc.request(InventoryRpc.recordCertificate, {
            actor: { userId: `${role}-1`, role, organisationId: fixture.organisationId },
            siteId: fixture.siteId,
            reference: 'NF S97-414 n° 2000-001',
            validFrom: '2000-01-01',
            validUntil: '2999-12-31',
          }),
        );
        expect(error.code).toBe('forbidden');
      },
    );
  });

  describe('revokeCertificate', () => {
    it('should refuse a member revoking a certificate', async () => {
      const { certificateId } = await recordCertificate();
      const error = await refusal(
        h.rpc.request(InventoryRpc.revokeCertificate, {
          actor: fixture.refurbisher,
          certificateId,
          reason: 'no longer audited',
        }),
      );
      expect(error.code).toBe('forbidden');
    });

    it('should refuse revoking a certificate again when it is already revoked', async () => {
      const { certificateId } = await recordCertificate();
      const revoke = () =>
        h.rpc.request(InventoryRpc.revokeCertificate, {
          actor: h.coordinator,
          certificateId,
          reason: 'audit: suspended by the certification body',
        });
      expect(await revoke()).toMatchObject({ certificateId });
      const error = await refusal(revoke());
      expect(error.code).toBe('invalid-transition');
    });
  });
});

describe(GoodsService.name, () => {
  describe('passport', () => {
    it('should show every gate record in order, the failed quality check included', async () => {
      const goodId = await checkedListAid();
      await h.rpc.request(InventoryRpc.recordQualityCheck, {
        actor: fixture.refurbisher,
        goodId,
        passed: false,
        reason: 'footrest bracket bent',
      });
      await checklist(goodId);
      await h.rpc.request(InventoryRpc.recordQualityCheck, {
        actor: fixture.refurbisher,
        goodId,
        passed: true,
      });
      await h.rpc.request(InventoryRpc.recordDisinfection, {
        actor: fixture.refurbisher,
        goodId,
        performedOn: today(),
        method: 'steam 134 °C',
        operatorId: fixture.refurbisher.userId,
      });
      await certify(goodId);
      await release(goodId);

      const { refurbishment } = await passport(goodId);

      expect(refurbishment.map((r) => r.gate)).toEqual([
        'triage',
        'checklist',
        'quality-check',
        'checklist',
        'quality-check',
        'disinfection',
        'certification',
      ]);
      expect(refurbishment[2]?.data).toMatchObject({
        passed: false,
        reason: 'footrest bracket bent',
      });
      expect(await state(goodId)).toBe('available');
    });
  });
});
