import { backoffMs } from './backoff.js';

describe(backoffMs.name, () => {
  it('should double the ceiling with each attempt and stay within half of it and all of it', () => {
    expect(backoffMs(0, 100, 10_000, () => 0)).toBe(50);
    expect(backoffMs(0, 100, 10_000, () => 1)).toBe(100);
    expect(backoffMs(3, 100, 10_000, () => 1)).toBe(800);
  });

  it('should never exceed the cap', () => {
    expect(backoffMs(50, 100, 10_000, () => 1)).toBe(10_000);
  });
});
