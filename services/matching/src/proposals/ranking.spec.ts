import fc from 'fast-check';
import { MAX_SOCIAL_PRIORITY, URGENCY_LEVELS } from '@boucle/contracts';
import { rank, scoreOf, URGENCY_ORDER, type Candidate } from './ranking.js';

const NOW = new Date('2026-12-01T12:00:00Z');

/** Needs registered one after the other (seq and time rising together), up to two years back. */
const registered = (urgency: fc.Arbitrary<Candidate['urgency']>, priority: fc.Arbitrary<number>) =>
  fc
    .array(
      fc.record({
        gapMs: fc.integer({ min: 0, max: 5 * 86_400_000 }),
        urgency,
        socialPriority: priority,
      }),
      { minLength: 1, maxLength: 60 },
    )
    .map((needs) => {
      let at = NOW.getTime() - 2 * 365 * 86_400_000;
      return needs.map((n, i) => {
        at = Math.min(NOW.getTime(), at + n.gapMs);
        return {
          needId: `need-${i}`,
          seq: BigInt(i + 1),
          urgency: n.urgency,
          socialPriority: n.socialPriority,
          registeredAt: new Date(at),
        } satisfies Candidate;
      });
    });

const shuffled = <T>(items: readonly T[]) =>
  fc.shuffledSubarray([...items], { minLength: items.length, maxLength: items.length });

describe(rank.name, () => {
  it('should serve needs of equal urgency and priority in their registration order', () => {
    fc.assert(
      fc.property(
        fc
          .constantFrom(...URGENCY_LEVELS)
          .chain((u) =>
            fc
              .integer({ min: 0, max: 10 })
              .chain((p) =>
                registered(fc.constant(u), fc.constant(p)).chain((needs) =>
                  shuffled(needs).map((arrived) => ({ needs, arrived })),
                ),
              ),
          ),
        ({ needs, arrived }) => {
          const line = rank(arrived, NOW).map((r) => r.candidate.needId);
          expect(line).toEqual(needs.map((n) => n.needId));
        },
      ),
    );
  });

  // Lines are drawn one urgency after the other in URGENCY_ORDER, and stop once full.
  it('should put every more urgent need before every less urgent one, whatever the priority and wait', () => {
    expect([...URGENCY_ORDER].sort()).toEqual([...URGENCY_LEVELS].sort());
    fc.assert(
      fc.property(
        registered(
          fc.constantFrom(...URGENCY_LEVELS),
          fc.integer({ min: 0, max: MAX_SOCIAL_PRIORITY }),
        ),
        (needs) => {
          const order = Object.fromEntries(URGENCY_ORDER.map((u, i) => [u, i]));
          const levels = rank(needs, NOW).map((r) => order[r.candidate.urgency]!);
          expect(levels).toEqual([...levels].sort((a, b) => a - b));
        },
      ),
    );
  });

  it('should rank the same needs the same way whatever order they are read in', () => {
    fc.assert(
      fc.property(
        registered(fc.constantFrom(...URGENCY_LEVELS), fc.integer({ min: 0, max: 10 })).chain(
          (needs) => shuffled(needs).map((arrived) => ({ needs, arrived })),
        ),
        ({ needs, arrived }) => {
          expect(rank(arrived, NOW).map((r) => [r.candidate.needId, r.rank])).toEqual(
            rank(needs, NOW).map((r) => [r.candidate.needId, r.rank]),
          );
        },
      ),
    );
  });

  describe(scoreOf.name, () => {
    it('should give each part of the score, waiting counted in whole days up to a year', () => {
      const score = scoreOf(
        {
          needId: 'n',
          seq: 1n,
          urgency: 'soon',
          socialPriority: 3,
          registeredAt: new Date(NOW.getTime() - 10.5 * 86_400_000),
        },
        NOW,
      );

      expect(score).toEqual({
        total: 2_000 + 300 + 10,
        urgency: { level: 'soon', points: 2_000 },
        socialPriority: { value: 3, points: 300 },
        waiting: { days: 10, points: 10 },
      });
      expect(
        scoreOf(
          {
            needId: 'n',
            seq: 1n,
            urgency: 'routine',
            socialPriority: 0,
            registeredAt: new Date(0),
          },
          NOW,
        ).waiting,
      ).toEqual({ days: 365, points: 365 });
    });
  });
});
