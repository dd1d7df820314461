import type { GoodKind } from '@boucle/contracts';
import { Refusal } from '../common/errors.js';
import { allowedNext, assertPlainMove, assertTransition, LIFECYCLES } from './lifecycle.js';

describe('LIFECYCLES', () => {
  it.each(Object.entries(LIFECYCLES))(
    'should only lead %s to states of its own lifecycle',
    (_kind, lifecycle) => {
      for (const targets of Object.values(lifecycle.next)) {
        for (const target of targets) expect(lifecycle.next).toHaveProperty([target]);
      }
      for (const state of [...lifecycle.holdable, lifecycle.handedOver])
        expect(lifecycle.next).toHaveProperty([state]);
    },
  );

  it('should let a medical aid become available only from certified', () => {
    const into = Object.entries(LIFECYCLES.item.next)
      .filter(([, next]) => next.includes('available'))
      .map(([from]) => from);
    expect(into.sort()).toEqual(['certified', 'held']);
  });

  it('should let a medical aid be quarantined from every live state, and never once it has left', () => {
    const into = Object.entries(LIFECYCLES.item.next)
      .filter(([, next]) => next.includes('quarantined'))
      .map(([from]) => from);
    expect(into.sort()).toEqual(
      [
        'received',
        'triaged',
        'refurbishing',
        'quality-checked',
        'disinfected',
        'certified',
        'available',
        'held',
      ].sort(),
    );
    expect(allowedNext('item', 'quarantined')).toEqual(['refurbishing', 'scrapped']);
  });
});

describe(assertTransition.name, () => {
  it('should accept a transition of the lifecycle', () => {
    expect(() => assertTransition('pool', 'washing', 'washed')).not.toThrow();
  });

  it('should refuse an illegal transition naming the current and allowed states', () => {
    try {
      assertTransition('item', 'received', 'available', 'wheelchair SN-1');
      throw new Error('expected a refusal');
    } catch (error) {
      expect(error).toBeInstanceOf(Refusal);
      const body = (error as Refusal).toBody();
      expect(body).toMatchObject({
        code: 'invalid-transition',
        currentState: 'received',
        allowedStates: allowedNext('item', 'received'),
      });
      expect(body.message).toBe(
        'wheelchair SN-1 is received: it cannot become available (allowed next: triaged, parts-donor, scrapped, quarantined)',
      );
    }
  });
});

describe(assertPlainMove.name, () => {
  it('should refuse to skip a refurbishment gate with a plain move', () => {
    expect(() => assertPlainMove('item', 'certified', 'available')).toThrow(
      /cannot become available/,
    );
  });

  it('should refuse to take quantity out of a hold with a plain move', () => {
    expect(() => assertPlainMove('pool', 'held', 'available')).toThrow(/held quantity/);
  });

  it.each<[GoodKind, string, string, string]>([
    ['lot', 'stored', 'diverted', 'lot.divert, which records the route'],
    ['bulk', 'collected', 'transformed', 'a transformation, with its mass balance'],
    ['pool', 'washing', 'washed', 'a washing batch, with its breakage'],
    ['pool', 'washing', 'broken', 'a washing batch, with its breakage'],
  ])(
    'should refuse a plain move of a %s from %s to the outcome %s, reached only through %s',
    (kind, from, to) => {
      expect(() => assertPlainMove(kind, from, to)).toThrow(new RegExp(`cannot become ${to}`));
    },
  );

  it.each([
    ['available', 'quarantined'],
    ['quarantined', 'refurbishing'],
    ['quarantined', 'scrapped'],
  ])(
    'should refuse a plain move of a medical aid from %s to %s, made only by the quarantine commands',
    (from, to) => {
      expect(() => assertPlainMove('item', from, to)).toThrow(
        new RegExp(`is ${from}: it cannot become ${to}`),
      );
    },
  );

  it('should allow an unguarded move', () => {
    expect(() => assertPlainMove('lot', 'collected', 'stored')).not.toThrow();
  });
});
