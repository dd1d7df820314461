import { describe, expect, it } from '@jest/globals';
import { emptyIntake, fromRequest, newGood, toRequest, type IntakeDraft } from './intake-form';

const PLACE = {
  siteId: '0b0e5b1c-2a1e-4c55-9d6f-6a4c6a7f1e01',
  locationId: '0b0e5b1c-2a1e-4c55-9d6f-6a4c6a7f1e02',
};

function draft(): IntakeDraft {
  return {
    ...emptyIntake(),
    grossWeightKg: '62,5',
    tareKg: '12',
    locality: ' Amiens ',
    collectionMode: 'drop-off',
    goods: [
      {
        ...newGood('item'),
        kind: 'item',
        serialNumber: 'SN1',
        make: 'Invacare',
        model: 'Action 3',
        manufacturedOn: '',
        weightKg: '',
        seatWidthCm: '45',
        maxUserWeightKg: '',
        foldable: true,
        electric: false,
      },
      {
        ...newGood('lot'),
        kind: 'lot',
        materialFamily: 'Portes',
        quantity: '6',
        unit: 'unit',
        conditionGrade: 'B',
        wasteCode: '17  02 01',
        dimensions: '',
        weightKg: '',
      },
      {
        ...newGood('pool'),
        kind: 'pool',
        containerType: 'Caisse',
        count: '4',
        depositCents: '20',
        weightKg: '',
      },
      { ...newGood('bulk'), kind: 'bulk', material: 'cardboard', weightKg: '20,5' },
    ],
  };
}

describe('toRequest', () => {
  it('should make the request the API takes from what was typed at a French counter', () => {
    const request = toRequest(draft(), PLACE);
    expect(request).toEqual({
      body: {
        ...PLACE,
        grossWeightKg: 62.5,
        tareKg: 12,
        provenance: { locality: 'Amiens' },
        collectionMode: 'drop-off',
        goods: [
          {
            kind: 'item',
            serialNumber: 'SN1',
            make: 'Invacare',
            model: 'Action 3',
            attributes: { seatWidthCm: 45, foldable: true },
          },
          {
            kind: 'lot',
            materialFamily: 'Portes',
            quantity: '6',
            unit: 'unit',
            conditionGrade: 'B',
            wasteCode: '17 02 01',
          },
          { kind: 'pool', containerType: 'Caisse', count: 4, depositCents: 20 },
          { kind: 'bulk', material: 'cardboard', weightKg: 20.5 },
        ],
      },
    });
  });

  it('should name each broken rule by the API path of its field', () => {
    const broken = draft();
    broken.tareKg = '70';
    broken.collectionMode = '';
    broken.goods[0] = {
      ...broken.goods[0]!,
      kind: 'item',
      serialNumber: ' ',
    } as IntakeDraft['goods'][number];
    broken.goods[1] = {
      ...broken.goods[1]!,
      kind: 'lot',
      quantity: '2,5',
      wasteCode: '17 06 05*',
    } as IntakeDraft['goods'][number];
    broken.goods[3] = {
      ...broken.goods[3]!,
      kind: 'bulk',
      weightKg: '',
    } as IntakeDraft['goods'][number];
    const request = toRequest(broken, { ...PLACE, locationId: '' });
    expect('checks' in request && request.checks).toEqual([
      { path: 'locationId', rule: 'intake.noWorkstation' },
      { path: 'tareKg', rule: 'rule.tareBelowGross' },
      { path: 'collectionMode', rule: 'rule.choose' },
      { path: 'goods.0.serialNumber', rule: 'rule.required' },
      { path: 'goods.1.quantity', rule: 'rule.wholeUnits' },
      { path: 'goods.1.wasteCode', rule: 'rule.hazardousCode' },
      { path: 'goods.3.weightKg', rule: 'rule.required' },
    ]);
  });

  it('should weigh to the gram, no more', () => {
    const heavy = draft();
    heavy.grossWeightKg = '62,5001';
    expect('checks' in toRequest(heavy, PLACE) && toRequest(heavy, PLACE)).toEqual({
      checks: [{ path: 'grossWeightKg', rule: 'rule.toTheGram' }],
    });
  });
});

describe('fromRequest', () => {
  it('should give back the form of a request, to correct an entry the gateway refused', () => {
    const first = toRequest(draft(), PLACE);
    if (!('body' in first)) throw new Error('the draft should make a request');
    const again = toRequest(fromRequest(first.body), PLACE);
    expect(again).toEqual(first);
  });
});
