import { describe, expect, it } from '@jest/globals';
import type { RoundStop } from '../../api/types';
import { fromStop, toCollected } from './stop-form';

const stop: RoundStop = {
  pickupId: '3f2b1c0d-9e8f-4a7b-8c6d-5e4f3a2b1c0d',
  sequence: 2,
  eta: '2026-12-02T08:24:00.000Z',
  status: 'pending',
  address: '12 rue des Lilas, 80000 Amiens',
  position: { latitude: 49.8941, longitude: 2.2958 },
  windows: [{ from: '2026-12-02T08:00:00.000Z', until: '2026-12-02T11:00:00.000Z' }],
  expectedLoad: { kg: 22.5, m3: 0.4, crates: 0, items: 1 },
  skills: ['two-person'],
  goods: [
    { kind: 'item', make: 'Invacare', model: 'Action 3' },
    { kind: 'bulk', material: 'cardboard' },
  ],
};
const AT = new Date('2026-12-02T08:31:00.000Z');

describe('toCollected', () => {
  it('should record what was loaded, as expected unless corrected, with the proof references', () => {
    const draft = fromStop(stop);
    expect(draft.kg).toBe('22,5');
    const item = { ...draft.goods[0]!, serialNumber: ' IC-2291 ' } as (typeof draft.goods)[0];
    const result = toCollected(
      { ...draft, kg: '24,75', goods: [item, { kind: 'bulk', weightKg: '3,2' }] },
      { photoRefs: ['photo:ab12'], signatureRef: 'signature:cd34' },
      AT,
    );
    expect(result).toEqual({
      body: {
        collectedAt: '2026-12-02T08:31:00.000Z',
        actual: { kg: 24.75, m3: 0.4, crates: 0, items: 1 },
        goods: [
          { kind: 'item', make: 'Invacare', model: 'Action 3', serialNumber: 'IC-2291' },
          { kind: 'bulk', material: 'cardboard', weightKg: 3.2 },
        ],
        photoRefs: ['photo:ab12'],
        signatureRef: 'signature:cd34',
      },
    });
  });

  it("should ask for an aid's serial, a weighed load and the cardboard's weight", () => {
    const result = toCollected({ ...fromStop(stop), kg: '0' }, { photoRefs: [] }, AT);
    expect('checks' in result && result.checks).toEqual([
      { path: 'actual.kg', rule: 'rule.atLeastAGram' },
      { path: 'goods.0.serialNumber', rule: 'rule.required' },
      { path: 'goods.1.weightKg', rule: 'rule.required' },
    ]);
  });

  it('should leave out the signature when there is none', () => {
    const draft = fromStop(stop);
    const result = toCollected(
      {
        ...draft,
        goods: [
          { kind: 'item', make: 'Invacare', model: 'Action 3', serialNumber: 'IC-1' },
          { kind: 'bulk', weightKg: '1' },
        ],
      },
      { photoRefs: [] },
      AT,
    );
    expect('body' in result && 'signatureRef' in result.body).toBe(false);
  });
});
