import { describe, expect, it } from '@jest/globals';
import { EMPTY_MODEL, toModelRequest } from './model-form';

describe('toModelRequest', () => {
  it('should send the model with its checklist one step a line and its ISO 9999 class', () => {
    expect(
      toModelRequest({
        make: ' Invacare ',
        model: 'Action 3',
        isoClass: '12  22 03',
        lifetimeYears: '10',
        checklist: 'Freins réglés\n\nPneus vérifiés\n',
        instructionsRef: 'INV-A3-REF-2024',
      }),
    ).toEqual({
      body: {
        make: 'Invacare',
        model: 'Action 3',
        isoClass: '12 22 03',
        lifetimeYears: 10,
        checklist: ['Freins réglés', 'Pneus vérifiés'],
        instructionsRef: 'INV-A3-REF-2024',
      },
    });
  });

  it('should name what is missing or out of bounds', () => {
    const result = toModelRequest({
      ...EMPTY_MODEL,
      make: 'X',
      isoClass: '1222',
      lifetimeYears: '31',
    });
    expect('checks' in result && result.checks.map((c) => [c.path, c.rule])).toEqual([
      ['model', 'rule.required'],
      ['isoClass', 'rule.isoClass'],
      ['lifetimeYears', 'rule.max'],
      ['checklist', 'rule.minItems'],
      ['instructionsRef', 'rule.required'],
    ]);
  });
});
