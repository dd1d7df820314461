import { describe, expect, it } from '@jest/globals';
import { drawBars, MIN_PERCENT } from './bar-chart';

describe('drawBars', () => {
  it('should draw each bar as a share of the largest, a small one still visible', () => {
    expect(
      drawBars([
        { key: 'a', label: 'A', value: 4 },
        { key: 'b', label: 'B', value: 1 },
        { key: 'c', label: 'C', value: 0.001 },
        { key: 'd', label: 'D', value: 0 },
      ]).map((b) => b.percent),
    ).toEqual([100, 25, MIN_PERCENT, 0]);
  });

  it('should draw nothing when every value is zero', () => {
    expect(drawBars([{ key: 'a', label: 'A', value: 0 }]).map((b) => b.percent)).toEqual([0]);
    expect(drawBars([])).toEqual([]);
  });
});
