import type { Actor } from '@boucle/contracts';
import { InventoryRpc, type RpcRequestInput } from '@boucle/contracts';
import { addYears, localToday } from '../src/common/dates.js';
import type { Fixture, InventoryHarness } from './harness.js';

/*
 * Test data with defaults, so that a test states only what it is about: a member with a
 * site comes from `h.member()`; these add a device model, aids taken in or ready for
 * use, lots in stock or offered from a construction site.
 */

export const WHEELCHAIR_CHECKLIST = [
  'frame',
  'wheels and tyres',
  'brakes',
  'upholstery',
  'footrests',
];

/** The coordinator records the cluster's reference for a manual wheelchair (a new version each time). */
export async function registerWheelchairModel(
  h: InventoryHarness,
  overrides: Partial<RpcRequestInput<typeof InventoryRpc.registerDeviceModel>> = {},
) {
  return h.rpc.request(InventoryRpc.registerDeviceModel, {
    actor: h.coordinator,
    make: 'Invacare',
    model: 'Action 3',
    isoClass: '12 22 03',
    lifetimeYears: 8,
    checklist: WHEELCHAIR_CHECKLIST,
    instructionsRef: 'doc://invacare/action3/manual-fr.pdf',
    ...overrides,
  });
}

export async function intakeWheelchairs(
  h: InventoryHarness,
  fixture: Fixture,
  serials: string[],
  make = 'Invacare',
  model = 'Action 3',
): Promise<string[]> {
  const { goodIds } = await h.rpc.request(InventoryRpc.recordIntake, {
    actor: fixture.operator,
    siteId: fixture.siteId,
    locationId: fixture.locationId,
    grossWeightKg: 20 * serials.length + 5,
    tareKg: 5,
    provenance: { locality: 'Amiens', donorRef: 'donor-42' },
    collectionMode: 'drop-off',
    goods: serials.map((serialNumber) => ({
      kind: 'item' as const,
      serialNumber,
      make,
      model,
      manufacturedOn: addYears(localToday(), -1),
      attributes: { seatWidthCm: 45 },
      weightKg: 20,
    })),
  });
  return goodIds;
}

type IntakeRequest = RpcRequestInput<typeof InventoryRpc.recordIntake>;
type IntakeItemInput = Extract<IntakeRequest['goods'][number], { kind: 'item' }>;

/**
 * One Invacare Action 3 taken in at the member's site, made a year ago; `item` changes
 * the aid (`manufacturedOn: undefined` for one whose manufacture date is unknown),
 * `intake` the intake.
 */
export async function intakeWheelchair(
  h: InventoryHarness,
  fixture: Fixture,
  serialNumber: string,
  item: Partial<IntakeItemInput> = {},
  intake: Partial<Omit<IntakeRequest, 'goods'>> = {},
): Promise<string> {
  const { goodIds } = await h.rpc.request(InventoryRpc.recordIntake, {
    actor: fixture.operator,
    siteId: fixture.siteId,
    locationId: fixture.locationId,
    grossWeightKg: 25,
    tareKg: 5,
    provenance: { locality: 'Amiens', donorRef: 'donor-42' },
    collectionMode: 'drop-off',
    ...intake,
    goods: [
      {
        kind: 'item',
        serialNumber,
        make: 'Invacare',
        model: 'Action 3',
        manufacturedOn: addYears(localToday(), -1),
        weightKg: 20,
        ...item,
      },
    ],
  });
  return goodIds[0]!;
}

/** Takes a received aid through every gate to `available`. */
export async function refurbish(
  h: InventoryHarness,
  fixture: Fixture,
  goodId: string,
  skip?: string,
): Promise<void> {
  const actor = fixture.refurbisher;
  const steps: [string, () => Promise<unknown>][] = [
    ['triage', () => h.rpc.request(InventoryRpc.triage, { actor, goodId, decision: 'repairable' })],
    ['start', () => h.rpc.request(InventoryRpc.startRefurbishment, { actor, goodId })],
    [
      'checklist',
      () =>
        h.rpc.request(InventoryRpc.recordChecklist, {
          actor,
          goodId,
          steps: WHEELCHAIR_CHECKLIST.map((step) => ({ step, done: true })),
        }),
    ],
    [
      'quality-check',
      () => h.rpc.request(InventoryRpc.recordQualityCheck, { actor, goodId, passed: true }),
    ],
    [
      'disinfection',
      () =>
        h.rpc.request(InventoryRpc.recordDisinfection, {
          actor,
          goodId,
          performedOn: localToday(),
          method: 'steam 134 °C then quaternary ammonium',
          operatorId: actor.userId,
        }),
    ],
    [
      'certification',
      () =>
        h.rpc.request(InventoryRpc.certify, {
          actor,
          goodId,
          certificateId: fixture.certificateId,
          newUseMonths: 24,
          instructionsRef: 'doc://invacare/action3/manual-fr.pdf',
        }),
    ],
    ['release', () => h.rpc.request(InventoryRpc.releaseForUse, { actor, goodId })],
  ];
  for (const [name, step] of steps) {
    if (name === skip) continue;
    await step();
  }
}

/** A wheelchair taken in and through every gate: `available`, ready to hold. */
export async function availableWheelchair(
  h: InventoryHarness,
  fixture: Fixture,
  serial: string,
): Promise<string> {
  const [goodId] = await intakeWheelchairs(h, fixture, [serial]);
  await refurbish(h, fixture, goodId!);
  return goodId!;
}

/** A lot of reclaimed tiles taken in at the member's site and put on sale: `available`. */
export async function availableLot(
  h: InventoryHarness,
  fixture: Fixture,
  quantity: string,
): Promise<string> {
  const { goodIds } = await h.rpc.request(InventoryRpc.recordIntake, {
    actor: fixture.operator,
    siteId: fixture.siteId,
    locationId: fixture.locationId,
    grossWeightKg: 500,
    tareKg: 10,
    provenance: { locality: 'Amiens' },
    collectionMode: 'construction-site',
    goods: [
      {
        kind: 'lot',
        materialFamily: 'terracotta tiles',
        quantity,
        unit: 'm2',
        conditionGrade: 'A',
        wasteCode: '17 01 03',
      },
    ],
  });
  const goodId = goodIds[0]!;
  await h.rpc.request(InventoryRpc.moveGood, {
    actor: fixture.operator,
    goodId,
    quantity,
    fromState: 'stored',
    toState: 'available',
    reason: 'put-on-sale',
  });
  return goodId;
}

/** A user of the construction firm that owns `site` (a member made with `h.member('construction-site')`). */
export const firmUser = (site: Fixture): Actor => ({
  userId: `firm-${site.organisationId.slice(0, 6)}`,
  role: 'firm',
  organisationId: site.organisationId,
});

/**
 * Oak parquet offered from a construction site for the hour around now, going to a
 * wood recycling platform if nobody takes it; `overrides` changes any field.
 */
export function lotOffer(
  site: Fixture,
  overrides: Partial<RpcRequestInput<typeof InventoryRpc.offerLot>> = {},
): RpcRequestInput<typeof InventoryRpc.offerLot> {
  return {
    actor: firmUser(site),
    siteId: site.siteId,
    locationId: site.locationId,
    materialFamily: 'oak parquet',
    quantity: '84.5',
    unit: 'm2',
    estimated: true,
    conditionGrade: 'B',
    wasteCode: '17 02 01',
    availableFrom: new Date(Date.now() - 3_600_000).toISOString(),
    mustBeGoneBy: new Date(Date.now() + 3_600_000).toISOString(),
    fallback: { route: 'recycling', facility: 'plateforme bois Amiens Est' },
    ...overrides,
  };
}

/** Offers `lotOffer(site, overrides)`: an `offered` lot on the firm's site. */
export function offerLot(
  h: InventoryHarness,
  site: Fixture,
  overrides: Partial<RpcRequestInput<typeof InventoryRpc.offerLot>> = {},
) {
  return h.rpc.request(InventoryRpc.offerLot, lotOffer(site, overrides));
}
