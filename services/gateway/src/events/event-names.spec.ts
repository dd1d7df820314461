import { ALL_EVENTS, CollectionRoundPlannedV1 } from '@boucle/contracts';
import { EVENT_READERS } from './event-names.js';

describe('EVENT_READERS', () => {
  it('should have a reader for every published event version', () => {
    expect(ALL_EVENTS.map((d) => d.subject).filter((s) => !EVENT_READERS.has(s))).toEqual([]);
  });

  it.each(ALL_EVENTS.map((d) => [d.subject, d] as const))(
    'should name the goods, holds, pickups, rounds, reservations and needs of %s, and only ids its payload carries',
    (_subject, definition) => {
      const example = definition.example as Record<string, unknown>;

      const names = EVENT_READERS.get(definition.subject)!.names(example);

      const text = JSON.stringify(example);
      for (const id of [
        ...names.goods,
        ...names.holds,
        ...names.pickups,
        ...names.rounds,
        ...names.reservations,
        ...names.needs,
      ])
        expect(text).toContain(id);
      if (typeof example['goodId'] === 'string') expect(names.goods).toContain(example['goodId']);
      if (typeof example['holdId'] === 'string') expect(names.holds).toContain(example['holdId']);
      if (typeof example['pickupId'] === 'string')
        expect(names.pickups).toContain(example['pickupId']);
      if (typeof example['roundId'] === 'string')
        expect(names.rounds).toContain(example['roundId']);
      if (typeof example['reservationId'] === 'string')
        expect(names.reservations).toContain(example['reservationId']);
      if (typeof example['needId'] === 'string') expect(names.needs).toContain(example['needId']);
    },
  );

  it("should name none of the other pickups on a planned round: they are other members'", () => {
    const names = EVENT_READERS.get(CollectionRoundPlannedV1.subject)!.names(
      CollectionRoundPlannedV1.example,
    );

    expect(names.pickups).toEqual([]);
    expect(names.rounds).toEqual([CollectionRoundPlannedV1.example.roundId]);
  });
});
