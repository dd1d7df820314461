import { randomUUID } from 'node:crypto';
import { CollectionRpc, type Actor, type RpcRequestInput } from '@boucle/contracts';
import { addDays, parisDay, parisInstant } from '../src/common/paris-time.js';
import type { CollectionHarness } from './harness.js';

/*
 * Test data with defaults, so that a test states only what it is about: pickups at a
 * donor's home, a shop or a construction site, collection points, vehicles.
 */

/** Where loads are taken: a site and location of inventory's (ids only, as collection knows them). */
export const RESSOURCERIE = { siteId: randomUUID(), locationId: randomUUID() };

/** Tomorrow in Paris, the day most tests plan. */
export const tomorrow = () => addDays(parisDay(), 1);

/** A window on a Paris day, local times. */
export const windowOn = (day: string, from = '09:00', until = '12:00') => ({
  from: parisInstant(day, from).toISOString(),
  until: parisInstant(day, until).toISOString(),
});

type PickupRequest = RpcRequestInput<typeof CollectionRpc.requestPickup>;

/** A wheelchair at a donor's home in Amiens, tomorrow morning, two people and a tail-lift. */
export function requestHomePickup(
  h: CollectionHarness,
  actor: Actor,
  overrides: Partial<PickupRequest> = {},
) {
  return h.rpc.request(CollectionRpc.requestPickup, {
    actor,
    kind: 'home',
    address: '12 rue des Lilas, 80000 Amiens',
    position: { latitude: 49.8941, longitude: 2.2958 },
    locality: 'Amiens',
    donorRef: 'donor-42',
    windows: [windowOn(tomorrow())],
    expectedLoad: { kg: 22, m3: 0.4, crates: 0, items: 1 },
    skills: ['two-person', 'tail-lift'],
    goods: [{ kind: 'item', make: 'Invacare', model: 'Action 3' }],
    deliverTo: RESSOURCERIE,
    ...overrides,
  });
}

/** A firm's oak parquet lot, to fetch from its site before `mustBeGoneBy`. */
export function requestLotPickup(
  h: CollectionHarness,
  actor: Actor,
  mustBeGoneBy: string,
  overrides: Partial<PickupRequest> = {},
) {
  return h.rpc.request(CollectionRpc.requestPickup, {
    actor,
    kind: 'construction-site',
    address: 'Chantier Citadelle, 80000 Amiens',
    position: { latitude: 49.9015, longitude: 2.2901 },
    locality: 'Amiens',
    windows: [windowOn(tomorrow(), '08:00', '16:00')],
    expectedLoad: { kg: 800, m3: 4, crates: 0, items: 0 },
    skills: ['heavy-licence'],
    goods: [
      {
        kind: 'lot',
        materialFamily: 'oak parquet',
        quantity: '40',
        unit: 'm2',
        conditionGrade: 'B',
        wasteCode: '17 02 01',
      },
    ],
    deliverTo: RESSOURCERIE,
    lot: { goodId: randomUUID(), mustBeGoneBy },
    ...overrides,
  });
}

type PointRequest = RpcRequestInput<typeof CollectionRpc.registerPoint>;

/** A partner shop's glass: 75 cl bottles in crates of 12, collected when 10 crates are full. */
export function registerShopPoint(
  h: CollectionHarness,
  actor: Actor,
  overrides: Partial<PointRequest> = {},
) {
  return h.rpc.request(CollectionRpc.registerPoint, {
    actor,
    name: 'Épicerie du Beffroi',
    kind: 'shop',
    address: '3 place au Feurre, 80000 Amiens',
    position: { latitude: 49.8949, longitude: 2.2995 },
    locality: 'Amiens',
    expectedLoad: { kg: 150, m3: 0.8, crates: 10, items: 0 },
    goods: [{ kind: 'pool', containerType: 'bouteille 75 cl', count: 120, depositCents: 20 }],
    deliverTo: RESSOURCERIE,
    threshold: { fullCrates: 10 },
    ...overrides,
  });
}

type VehicleRequest = RpcRequestInput<typeof CollectionRpc.registerVehicle>;

/** A van with a tail-lift and a crew of two, out of the Amiens ressourcerie 08:00–17:00. */
export function registerVan(
  h: CollectionHarness,
  actor: Actor,
  overrides: Partial<VehicleRequest> = {},
) {
  return h.rpc.request(CollectionRpc.registerVehicle, {
    actor,
    name: `Fourgon ${randomUUID().slice(0, 4)}`,
    capacity: { kg: 1200, m3: 12, crates: 60, items: 6 },
    skills: ['two-person', 'tail-lift', 'heavy-licence'],
    depot: { latitude: 49.8763, longitude: 2.2614 },
    workFrom: '08:00',
    workUntil: '17:00',
    serviceMinutes: 15,
    ...overrides,
  });
}

/** What a driver records at a stop: the figures and the goods, with proof references. */
export function collectedAt(roundId: string, pickupId: string) {
  return {
    roundId,
    pickupId,
    actual: { kg: 24.5, m3: 0.4, crates: 0, items: 1 },
    goods: [
      {
        kind: 'item' as const,
        make: 'Invacare',
        model: 'Action 3',
        serialNumber: `SN-${randomUUID().slice(0, 8)}`,
      },
    ],
    photoRefs: ['photo:test:1'],
    signatureRef: 'sig:test:1',
  };
}
