import { describe, expect, it } from '@jest/globals';
import type { Round } from '../../api/types';
import type { OutboxEntry } from '../../offline/outbox';
import { roundStarted, stopState } from './round-store';

const stop = (pickupId: string, status: 'pending' | 'collected' | 'missed' = 'pending') => ({
  pickupId,
  sequence: 1,
  eta: '2026-12-02T08:24:00.000Z',
  status,
  address: '1 rue A',
  position: { latitude: 49.9, longitude: 2.3 },
  windows: [],
  expectedLoad: { kg: 1, m3: 0, crates: 0, items: 0 },
  skills: [],
  goods: [],
});
const round: Round = {
  roundId: 'r1',
  day: '2026-12-02',
  vehicleId: 'v1',
  organisationId: 'o1',
  driverId: 'driver-1',
  status: 'planned',
  planRevision: 1,
  distanceKm: 12,
  stops: [stop('p1'), stop('p2'), stop('p3', 'collected')],
};
const entry = (change: Partial<OutboxEntry>): OutboxEntry => ({
  key: 'k',
  kind: 'stop-collected',
  userId: 'driver-1',
  body: {},
  about: { roundId: 'r1', pickupId: 'p1' },
  savedAt: '2026-12-02T08:30:00.000Z',
  attempts: 0,
  status: 'pending',
  ...change,
});

describe('stopState', () => {
  it('should say a stop recorded on the phone is done, waiting to be sent, so it is not recorded twice', () => {
    expect(stopState(round, round.stops[0]!, [entry({})])).toEqual({
      kind: 'collected',
      on: 'device',
      sent: false,
    });
    expect(stopState(round, round.stops[0]!, [entry({ status: 'sent' })])).toEqual({
      kind: 'collected',
      on: 'device',
      sent: true,
    });
  });

  it("should keep the service's word over the phone's, and another stop's record to itself", () => {
    expect(stopState(round, round.stops[2]!, [])).toEqual({
      kind: 'collected',
      on: 'service',
      sent: true,
    });
    expect(stopState(round, round.stops[1]!, [entry({})])).toEqual({ kind: 'pending' });
    expect(
      stopState(round, round.stops[0]!, [entry({ about: { roundId: 'r2', pickupId: 'p1' } })]),
    ).toEqual({ kind: 'pending' });
  });

  it('should offer a refused record for the driver to see', () => {
    expect(stopState(round, round.stops[0]!, [entry({ status: 'refused' })]).kind).toBe('refused');
  });
});

describe('roundStarted', () => {
  it('should take a start or a stop recorded on the phone as the round under way', () => {
    expect(roundStarted(round, [])).toBe(false);
    expect(roundStarted(round, [entry({ kind: 'round-start', about: { roundId: 'r1' } })])).toBe(
      true,
    );
    expect(roundStarted(round, [entry({ status: 'refused' })])).toBe(false);
    expect(roundStarted({ ...round, status: 'started' }, [])).toBe(true);
  });
});
