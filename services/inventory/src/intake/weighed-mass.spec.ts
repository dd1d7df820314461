import { Refusal } from '../common/errors.js';
import { scaleToleranceKg, shareNet } from './weighed-mass.js';

describe(shareNet.name, () => {
  it('should record what the declared weights leave of the net as unsorted mass', () => {
    expect(shareNet(400, [1])).toEqual({ goodsKg: [1], unsortedKg: 399 });
  });

  it('should scale declared weights to the net when they add up to it within the tolerance', () => {
    expect(shareNet(100, [50, 49.5])).toEqual({ goodsKg: [50.251, 49.749], unsortedKg: 0 });
    expect(shareNet(100, [50, 50.6])).toEqual({ goodsKg: [49.702, 50.298], unsortedKg: 0 });
  });

  it('should share the rest of the net equally among goods that declare no weight', () => {
    expect(shareNet(40, [undefined, undefined])).toEqual({ goodsKg: [20, 20], unsortedKg: 0 });
    expect(shareNet(10, [4, undefined, undefined, undefined])).toEqual({
      goodsKg: [4, 2, 2, 2],
      unsortedKg: 0,
    });
    expect(shareNet(0.01, [undefined, undefined, undefined])).toEqual({
      goodsKg: [0.004, 0.003, 0.003],
      unsortedKg: 0,
    });
  });

  it('should refuse declared weights above the net by more than the tolerance, naming goods', () => {
    expect(() => shareNet(400, [300, 105])).toThrow(Refusal);
    expect(() => shareNet(400, [300, 105])).toThrow(/^goods: /);
    expect(shareNet(400, [300, 104]).goodsKg.reduce((a, b) => a + b)).toBeCloseTo(400, 6);
  });

  it('should always add up to the net, to the gram', () => {
    for (const [net, declared] of [
      [333.333, [100, 100, 100]],
      [7.777, [1, undefined, 2.5]],
      [1_000, [990.001]],
    ] as const) {
      const { goodsKg, unsortedKg } = shareNet(net, declared);
      const grams = goodsKg.reduce(
        (a, b) => a + Math.round(b * 1000),
        Math.round(unsortedKg * 1000),
      );
      expect(grams).toBe(Math.round(net * 1000));
    }
  });
});

describe(scaleToleranceKg.name, () => {
  it('should be 1 % of the net, and at least half a kilogram', () => {
    expect(scaleToleranceKg(1_000)).toBe(10);
    expect(scaleToleranceKg(20)).toBe(0.5);
  });
});
