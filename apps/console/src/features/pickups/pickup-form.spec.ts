import { describe, expect, it } from '@jest/globals';
import type { Site } from '../../api/types';
import {
  emptyPickup,
  fromSite,
  toPickupRequest,
  type LotToFetch,
  type PickupDraft,
} from './pickup-form';

const NOW = Date.parse('2026-12-01T08:00:00Z');
const SITE = '11111111-1111-4111-8111-111111111111';
const WASHING = '33333333-3333-4333-8333-333333333333';
const BAY = '44444444-4444-4444-8444-444444444444';

const shopSite: Site = {
  id: SITE,
  organisationId: '55555555-5555-4555-8555-555555555555',
  name: 'Biocoop Saint-Leu',
  kind: 'partner-shop',
  locality: 'Amiens',
  position: { latitude: 49.8961, longitude: 2.3024 },
  locations: [],
};

const shop = (change: Partial<PickupDraft> = {}): PickupDraft => ({
  ...fromSite(emptyPickup('shop', { siteId: WASHING, locationId: BAY }, NOW), shopSite),
  address: '12 rue Saint-Leu',
  crates: '6',
  containers: '72',
  kg: '90,5',
  m3: '0,6',
  skills: ['tail-lift'],
  ...change,
});

const lot: LotToFetch = {
  goodId: '66666666-6666-4666-8666-666666666666',
  siteId: SITE,
  materialFamily: 'Parquet chêne',
  quantity: '40',
  unit: 'm2',
  conditionGrade: 'B',
  wasteCode: '17 02 01',
  mustBeGoneBy: '2026-12-02T16:00:00.000Z',
};

describe('toPickupRequest', () => {
  it("should ask for a shop's crates with its site's place and windows on the Paris clock", () => {
    expect(toPickupRequest('shop', shop(), undefined, NOW)).toEqual({
      body: {
        kind: 'shop',
        address: '12 rue Saint-Leu',
        locality: 'Amiens',
        position: { latitude: 49.8961, longitude: 2.3024 },
        // Tomorrow morning in Paris, winter time.
        windows: [{ from: '2026-12-02T08:00:00+01:00', until: '2026-12-02T12:00:00+01:00' }],
        expectedLoad: { kg: 90.5, m3: 0.6, crates: 6, items: 0 },
        skills: ['tail-lift'],
        goods: [{ kind: 'pool', containerType: 'Bouteille 75 cl', count: 72, depositCents: 20 }],
        deliverTo: { siteId: WASHING, locationId: BAY },
      },
    });
  });

  it('should name each field it refuses, by its API path', () => {
    const result = toPickupRequest(
      'shop',
      shop({
        address: ' ',
        latitude: '91',
        crates: '0',
        destinationSiteId: 'washing centre',
        windows: [{ day: '2026-12-02', from: '14:00', until: '10:00' }],
      }),
      undefined,
      NOW,
    );
    expect('checks' in result && result.checks.map((c) => `${c.path} ${c.rule}`)).toEqual([
      'address rule.required',
      'position.latitude rule.degrees',
      'windows.0.until rule.afterFrom',
      'expectedLoad.crates rule.min',
      'deliverTo.siteId rule.uuid',
    ]);
  });

  it('should refuse a window already over', () => {
    const result = toPickupRequest(
      'shop',
      shop({ windows: [{ day: '2026-12-01', from: '07:00', until: '08:30' }] }),
      undefined,
      NOW,
    );
    expect('checks' in result && result.checks).toEqual([
      { path: 'windows.0.until', rule: 'rule.inFuture' },
    ]);
  });

  it("should fetch a firm's lot as offered, every window ending by its mustBeGoneBy", () => {
    const draft = { ...shop({ crates: '', containers: '' }), lotId: lot.goodId };
    const late = toPickupRequest(
      'construction-site',
      { ...draft, windows: [{ day: '2026-12-02', from: '14:00', until: '18:00' }] },
      lot,
      NOW,
    );
    expect('checks' in late && late.checks).toEqual([
      { path: 'windows.0.until', rule: 'rule.byMustBeGoneBy' },
    ]);
    const result = toPickupRequest('construction-site', draft, lot, NOW);
    expect('body' in result && result.body).toMatchObject({
      kind: 'construction-site',
      expectedLoad: { kg: 90.5, m3: 0.6, crates: 0, items: 0 },
      goods: [
        {
          kind: 'lot',
          materialFamily: 'Parquet chêne',
          quantity: '40',
          unit: 'm2',
          conditionGrade: 'B',
          wasteCode: '17 02 01',
        },
      ],
      lot: { goodId: lot.goodId, mustBeGoneBy: lot.mustBeGoneBy },
    });
  });

  it('should ask a firm for its lot first', () => {
    const result = toPickupRequest('construction-site', shop(), undefined, NOW);
    expect('checks' in result && result.checks[0]).toEqual({ path: 'lot', rule: 'rule.choose' });
  });
});
