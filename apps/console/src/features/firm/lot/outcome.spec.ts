import { describe, expect, it } from '@jest/globals';
import type { Good, Passport } from '../../../api/types';
import { openOffer, stillThere, totalsOf, whereItWent } from './outcome';

const actor = { userId: 'u', role: 'firm' as const, organisationId: null };
const at = (minute: number) => `2026-12-01T09:${String(minute).padStart(2, '0')}:00Z`;
const place = (state: string) => ({ state, locationId: '00000000-0000-4000-8000-000000000001' });
let sequence = 0;
const move = (
  from: string | null,
  to: string | null,
  quantity: string,
  reason: string,
  holdId: string | null = null,
) => ({
  movementId: String(++sequence),
  at: at(sequence),
  quantity,
  from: from ? place(from) : null,
  to: to ? place(to) : null,
  reason,
  actor,
  holdId,
});
const passport = (movements: ReturnType<typeof move>[]) => ({ movements }) as unknown as Passport;

describe('whereItWent', () => {
  it('should tell the part handed over to its taker from the rest diverted to its route', () => {
    const outcomes = whereItWent(
      passport([
        move(null, 'offered', '40', 'offered from site s'),
        move('offered', 'held', '12.5', 'held for membre-abc', 'h1'),
        move('offered', 'held', '3', 'held for membre-def', 'h2'),
        // The second taker gave up: back on offer, not an end.
        move('held', 'offered', '3', 'hold released: cancelled', 'h2'),
        move('held', 'handed-over', '12.5', 'handed over', 'h1'),
        move('offered', 'diverted', '27.5', 'diverted to recycling'),
      ]),
    );
    expect(outcomes).toEqual([
      { destination: 'handed-over', quantity: '12.5', at: at(5), holder: 'membre-abc' },
      {
        destination: 'diverted',
        quantity: '27.5',
        at: at(6),
        route: 'recycling',
        automatic: false,
      },
    ]);
    expect(totalsOf(outcomes)).toEqual([
      { key: 'handed-over', quantity: 12.5 },
      { key: 'diverted:recycling', quantity: 27.5 },
    ]);
  });

  it('should say a diversion by the deadline, a withdrawal, and a reason it cannot read', () => {
    const outcomes = whereItWent(
      passport([
        move(null, 'offered', '10', 'offered from site s'),
        move('offered', 'withdrawn', '4', 'offer withdrawn'),
        move('offered', 'diverted', '5', 'not taken in time: diverted to energy-recovery'),
        move('offered', 'diverted', '1', 'sent elsewhere'),
      ]),
    );
    expect(outcomes.map((o) => [o.destination, o.route, o.automatic])).toEqual([
      ['withdrawn', undefined, undefined],
      ['diverted', 'energy-recovery', true],
      ['diverted', undefined, undefined],
    ]);
    expect(totalsOf(outcomes)).toEqual([
      { key: 'withdrawn', quantity: 4 },
      { key: 'diverted:energy-recovery', quantity: 5 },
      { key: 'diverted', quantity: 1 },
    ]);
  });
});

describe('stillThere and openOffer', () => {
  const good = (balances: { state: string; quantity: string }[], holds = 0) =>
    ({
      balances: balances.map((b) => ({ ...b, locationId: place(b.state).locationId })),
      activeHolds: Array.from({ length: holds }, () => ({})),
    }) as unknown as Good;

  it('should add up what is still on the site by state, leaving out what went', () => {
    expect(
      stillThere(
        good([
          { state: 'offered', quantity: '0.1' },
          { state: 'offered', quantity: '0.2' },
          { state: 'diverted', quantity: '3' },
        ]),
      ),
    ).toEqual([{ state: 'offered', quantity: 0.3 }]);
  });

  it('should let the firm divert only what is offered, and amend while offered or held, before the deadline', () => {
    const now = Date.parse('2026-12-01T10:00:00Z');
    const later = { mustBeGoneBy: '2026-12-05T10:00:00Z' };
    expect(openOffer(good([{ state: 'offered', quantity: '1' }]), later, now)).toEqual({
      offered: true,
      amendable: true,
    });
    expect(openOffer(good([{ state: 'held', quantity: '1' }], 1), later, now)).toEqual({
      offered: false,
      amendable: true,
    });
    expect(
      openOffer(
        good([{ state: 'offered', quantity: '1' }]),
        { mustBeGoneBy: '2026-12-01T09:00:00Z' },
        now,
      ),
    ).toEqual({ offered: false, amendable: false });
  });
});
