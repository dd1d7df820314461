import { describe, expect, it } from '@jest/globals';
import type { Good } from '../../api/types';
import { depositsCents, poolLine } from './pool';

const good = (balances: [string, string][], description: Record<string, unknown>) =>
  ({
    id: 'p1',
    siteId: 's1',
    description,
    balances: balances.map(([state, quantity], i) => ({ state, quantity, locationId: `l${i}` })),
  }) as unknown as Good;

describe('poolLine', () => {
  it('should count the containers by state, those waiting at the shop, and what is still in the loop', () => {
    const line = poolLine(
      good(
        [
          ['returned', '24'],
          ['returned', '6'],
          ['washed', '12'],
          ['delivered', '48'],
          ['broken', '2'],
        ],
        { containerType: 'Caisse 12 × 75 cl', depositCents: 20 },
      ),
    );
    expect(line).toEqual({
      id: 'p1',
      siteId: 's1',
      containerType: 'Caisse 12 × 75 cl',
      depositCents: 20,
      byState: [
        { state: 'returned', count: 30 },
        { state: 'washed', count: 12 },
        { state: 'delivered', count: 48 },
        { state: 'broken', count: 2 },
      ],
      total: 42,
      waiting: 30,
    });
    expect(depositsCents([line, { ...line, total: 10, depositCents: 50 }])).toBe(42 * 20 + 500);
  });

  it('should read a pool without a declared container or deposit', () => {
    expect(poolLine(good([], {}))).toMatchObject({ containerType: '', depositCents: 0, total: 0 });
  });
});
