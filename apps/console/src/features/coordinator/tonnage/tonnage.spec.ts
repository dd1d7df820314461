import { describe, expect, it } from '@jest/globals';
import { defaultPeriod, periodOf, reportQuery, reuseRate, totalsBy } from './tonnage';

const out = (destination: string, kind: string, tonnes: number) => ({ destination, kind, tonnes });

describe('totalsBy', () => {
  it('should add rows up by flow or destination, to the kilogram, largest first', () => {
    const rows = [
      out('reuse', 'item', 0.1),
      out('recycling', 'lot', 1.25),
      out('reuse', 'lot', 0.2),
      out('loss', 'bulk', 0.004),
    ];
    expect(totalsBy(rows, 'destination')).toEqual([
      { key: 'recycling', tonnes: 1.25 },
      { key: 'reuse', tonnes: 0.3 },
      { key: 'loss', tonnes: 0.004 },
    ]);
    expect(totalsBy(rows, 'kind').map((t) => t.key)).toEqual(['lot', 'item', 'bulk']);
  });
});

describe('reuseRate', () => {
  it('should be the share of what went out to a destination that went to reuse, leaving out transfers and losses', () => {
    expect(
      reuseRate({
        out: [
          out('reuse', 'item', 1),
          out('recycling', 'lot', 2),
          out('landfill', 'lot', 1),
          out('transfer', 'item', 5),
          out('loss', 'bulk', 3),
        ],
      }),
    ).toBe(0.25);
  });

  it('should be unknown when nothing went out', () => {
    expect(reuseRate({ out: [] })).toBeNull();
    expect(reuseRate({ out: [out('transfer', 'item', 1)] })).toBeNull();
  });
});

describe('periods', () => {
  it('should default to the year so far on the Paris calendar', () => {
    expect(defaultPeriod(Date.parse('2026-12-31T23:30:00Z'))).toEqual({
      from: '2027-01-01',
      to: '2027-01-01',
    });
    expect(
      periodOf(
        new URLSearchParams('from=2026-03-01&to=nonsense'),
        Date.parse('2026-06-10T10:00:00Z'),
      ),
    ).toEqual({ from: '2026-03-01', to: '2026-06-10' });
  });

  it('should ask the report from midnight of the first day to midnight after the last, in Paris', () => {
    expect(reportQuery({ from: '2026-03-01', to: '2026-03-31' })).toEqual({
      from: '2026-03-01T00:00:00+01:00',
      to: '2026-04-01T00:00:00+02:00',
    });
    expect(reportQuery({ from: '2026-03-02', to: '2026-03-01' })).toBeUndefined();
  });
});
