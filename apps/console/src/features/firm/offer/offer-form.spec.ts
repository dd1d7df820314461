import { describe, expect, it } from '@jest/globals';
import { emptyOffer, toOfferRequest, type OfferDraft } from './offer-form';

const NOW = Date.parse('2026-12-01T08:00:00Z');
const SITE = '11111111-1111-4111-8111-111111111111';
const LOCATION = '22222222-2222-4222-8222-222222222222';

const filled = (change: Partial<OfferDraft> = {}): OfferDraft => ({
  ...emptyOffer(NOW),
  siteId: SITE,
  locationId: LOCATION,
  materialFamily: 'Parquet chêne',
  quantity: '42,5',
  conditionGrade: 'B',
  wasteCode: '17  02 01',
  weightKg: '850',
  mustBeGoneBy: '2026-12-15T17:00',
  route: 'recycling',
  facility: 'Plateforme bois de Longueau',
  photoRefs: 'photo:lot-1\n\n photo:lot-2 ',
  ...change,
});

describe('toOfferRequest', () => {
  it('should build the offer as the API takes it, moments on the Paris clock with their offset', () => {
    expect(toOfferRequest(filled(), NOW)).toEqual({
      body: {
        siteId: SITE,
        locationId: LOCATION,
        materialFamily: 'Parquet chêne',
        quantity: '42.5',
        unit: 'm2',
        estimated: false,
        conditionGrade: 'B',
        wasteCode: '17 02 01',
        weightKg: 850,
        photoRefs: ['photo:lot-1', 'photo:lot-2'],
        availableFrom: '2026-12-01T09:00:00+01:00',
        mustBeGoneBy: '2026-12-15T17:00:00+01:00',
        fallback: { route: 'recycling', facility: 'Plateforme bois de Longueau' },
      },
    });
  });

  it('should name each field that stops the offer, by its API path', () => {
    const result = toOfferRequest(
      filled({
        siteId: '',
        quantity: '2,5',
        unit: 'unit',
        wasteCode: '17 06 05*',
        conditionGrade: '',
        route: '',
        facility: ' ',
      }),
      NOW,
    );
    expect('checks' in result && result.checks.map((c) => [c.path, c.rule])).toEqual([
      ['siteId', 'rule.choose'],
      ['quantity', 'rule.wholeUnits'],
      ['conditionGrade', 'rule.choose'],
      ['wasteCode', 'rule.hazardousCode'],
      ['fallback.route', 'rule.choose'],
      ['fallback.facility', 'rule.required'],
    ]);
  });

  it('should refuse a window that ends before it starts, or is over already', () => {
    const rules = (change: Partial<OfferDraft>) => {
      const result = toOfferRequest(filled(change), NOW);
      return 'checks' in result ? result.checks.map((c) => [c.path, c.rule]) : [];
    };
    expect(rules({ mustBeGoneBy: '2026-12-01T08:30' })).toEqual([
      ['mustBeGoneBy', 'rule.afterStart'],
    ]);
    expect(rules({ availableFrom: '2026-11-20T08:00', mustBeGoneBy: '2026-11-30T08:00' })).toEqual([
      ['mustBeGoneBy', 'rule.inFuture'],
    ]);
    expect(rules({ mustBeGoneBy: '' })).toEqual([['mustBeGoneBy', 'rule.required']]);
  });
});
