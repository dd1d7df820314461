import { describe, expect, it } from '@jest/globals';
import {
  emptyAidNeed,
  emptyWanted,
  toAidNeedRequest,
  toWantedRequest,
  type AidNeedDraft,
  type WantedDraft,
} from './need-form';

const NOW = Date.parse('2026-12-01T08:00:00Z');

const aid = (change: Partial<AidNeedDraft> = {}): AidNeedDraft => ({
  ...emptyAidNeed(),
  isoClass: '12 22',
  name: ' Jeanne Martin ',
  phone: '03 22 00 00 00',
  seatWidthMin: '42',
  foldable: true,
  urgency: 'urgent',
  reason: 'hospital-discharge',
  neededBy: '2026-12-04',
  locality: 'Amiens',
  latitude: '49,8945',
  longitude: '2.2957',
  ...change,
});

describe('toAidNeedRequest', () => {
  it('should build the need as the API takes it, the person named once with their contact', () => {
    expect(toAidNeedRequest(aid(), { forSomeoneElse: true, now: NOW })).toEqual({
      body: {
        kind: 'medical-aid',
        isoClass: '12 22',
        beneficiary: { name: 'Jeanne Martin', contact: { phone: '03 22 00 00 00' } },
        constraints: { seatWidthCm: { min: 42 }, foldable: true },
        urgency: { level: 'urgent', neededBy: '2026-12-04', reason: 'hospital-discharge' },
        location: { locality: 'Amiens', position: { latitude: 49.8945, longitude: 2.2957 } },
        maxDistanceKm: 30,
      },
    });
  });

  it('should send no person when beneficiaries state their own need', () => {
    const request = toAidNeedRequest(aid({ name: '' }), { forSomeoneElse: false, now: NOW });
    expect('body' in request && request.body.beneficiary).toBe(undefined);
  });

  it('should name each field that breaks its rule, by its API path', () => {
    const request = toAidNeedRequest(
      aid({
        isoClass: '',
        name: '',
        email: 'pas-une-adresse',
        urgency: '',
        neededBy: '2026-11-30',
        latitude: '91',
        longitude: '',
        userWeightKg: '80,5',
      }),
      { forSomeoneElse: true, now: NOW },
    );
    expect('checks' in request && request.checks.map((c) => [c.path, c.rule])).toEqual([
      ['isoClass', 'rule.choose'],
      ['beneficiary.name', 'rule.required'],
      ['beneficiary.contact.email', 'rule.email'],
      ['constraints.userWeightKg', 'rule.whole'],
      ['urgency.level', 'rule.choose'],
      ['urgency.neededBy', 'rule.notPast'],
      ['location.position.latitude', 'rule.degrees'],
      ['location.position.longitude', 'rule.required'],
    ]);
  });
});

const wanted = (change: Partial<WantedDraft> = {}): WantedDraft => ({
  ...emptyWanted(),
  materialFamily: 'Parquet chêne',
  quantity: '20,5',
  minConditionGrade: 'B',
  deadline: '2026-12-20T17:00',
  locality: 'Amiens',
  latitude: '49.8945',
  longitude: '2.2957',
  radiusKm: '25',
  ...change,
});

describe('toWantedRequest', () => {
  it('should build the wanted material with its deadline on the Paris clock and its area', () => {
    expect(toWantedRequest(wanted(), NOW)).toEqual({
      body: {
        kind: 'material',
        materialFamily: 'Parquet chêne',
        quantity: '20.5',
        unit: 'm2',
        minConditionGrade: 'B',
        deadline: '2026-12-20T17:00:00+01:00',
        area: {
          locality: 'Amiens',
          position: { latitude: 49.8945, longitude: 2.2957 },
          radiusKm: 25,
        },
      },
    });
  });

  it('should refuse a deadline already past and an area without its radius', () => {
    const request = toWantedRequest(wanted({ deadline: '2026-11-30T17:00', radiusKm: '' }), NOW);
    expect('checks' in request && request.checks.map((c) => [c.path, c.rule])).toEqual([
      ['deadline', 'rule.inFuture'],
      ['area.radiusKm', 'rule.required'],
    ]);
  });
});
