import { jetstream } from '@nats-io/jetstream';
import { InventoryRpc, MatchingReservationRequestedV1 } from '@boucle/contracts';
import { HealthController } from '@boucle/service';
import { eventually } from '@boucle/testing';
import { HOLDS_QUEUE } from '../src/holds/holds.jobs.js';
import { LOTS_QUEUE } from '../src/lots/lots.jobs.js';
import {
  intakeWheelchairs,
  refurbish,
  refusal,
  registerWheelchairModel,
  startInventory,
  type Fixture,
  type InventoryHarness,
} from './harness.js';

const CONSUMER = 'inventory.reservation-requested';

/** The value of one series in Prometheus text, matched on the labels given (others ignored). */
function sample(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = new Map<string, string>();
    for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g))
      found.set(key!, value!);
    if (Object.entries(labels).every(([key, value]) => found.get(key) === value))
      return /^nan$/i.test(match[3]!) ? Number.NaN : Number(match[3]);
  }
  return undefined;
}

describe(HealthController.name, () => {
  let h: InventoryHarness;
  let fixture: Fixture;

  beforeAll(async () => {
    // Matching's stream exists, so the reservation consumer is pulling and JetStream has its state.
    h = await startInventory({}, ['matching']);
    fixture = await h.member();
    await registerWheelchairModel(h);
  });

  afterAll(async () => {
    await h?.close();
  });

  async function scrape(): Promise<string> {
    const response = await fetch(`${await h.app.getUrl()}/metrics`);
    expect(response.status).toBe(200);
    return response.text();
  }

  describe('metrics', () => {
    it('should show the outbox, relay, consumers, request/reply, queues and hold expiry with real values after a few commands', async () => {
      const [goodId, otherId] = await intakeWheelchairs(h, fixture, ['MET-1', 'MET-2']);
      await refurbish(h, fixture, goodId!);
      await refurbish(h, fixture, otherId!);
      const place = (id: string, ttlSeconds: number) =>
        h.rpc.request(InventoryRpc.placeHold, {
          actor: h.coordinator,
          goodId: id,
          quantity: '1',
          holderId: 'ben-1',
          ttlSeconds,
        });
      await place(goodId!, 1);
      await place(otherId!, 3_600);
      const refused = await refusal(
        h.rpc.send(InventoryRpc.recordIntake.subject, { actor: fixture.operator, goods: [] }),
      );
      expect(refused.code).toBe('validation');
      // Poison for the reservation consumer: dead-lettered at the edge.
      await jetstream(h.nc).publish(h.naming.subject(MatchingReservationRequestedV1), 'not json');

      const text = await eventually(
        async () => {
          const text = await scrape();
          expect(sample(text, 'boucle_outbox_relay_published_total')).toBeGreaterThan(0);
          expect(sample(text, 'boucle_hold_expiry_lateness_seconds_count')).toBeGreaterThanOrEqual(
            1,
          );
          expect(
            sample(text, 'boucle_consumer_dead_letters', { consumer: CONSUMER }),
          ).toBeGreaterThanOrEqual(1);
          return text;
        },
        { timeoutMs: 20_000 },
      );

      expect(sample(text, 'boucle_outbox_pending_rows', { service: 'inventory' })).toEqual(
        expect.any(Number),
      );
      expect(sample(text, 'boucle_outbox_pending_rows')).not.toBeNaN();
      expect(sample(text, 'boucle_outbox_oldest_pending_age_seconds')).toBeGreaterThanOrEqual(0);
      expect(sample(text, 'boucle_outbox_stuck_rows')).toBe(0);
      expect(sample(text, 'boucle_outbox_relay_publish_failures_total')).toBe(0);

      const intake = { subject: InventoryRpc.recordIntake.subject };
      expect(
        sample(text, 'boucle_rpc_request_duration_seconds_count', { ...intake, outcome: 'ok' }),
      ).toBeGreaterThanOrEqual(1);
      expect(
        sample(text, 'boucle_rpc_request_duration_seconds_count', {
          ...intake,
          outcome: 'validation',
        }),
      ).toBeGreaterThanOrEqual(1);
      expect(
        sample(text, 'boucle_rpc_request_duration_seconds_sum', { ...intake, outcome: 'ok' }),
      ).toBeGreaterThan(0);

      // Delayed in the holds queue: the sweep's next run and the long hold's expiry job.
      expect(
        sample(text, 'boucle_queue_jobs', { queue: HOLDS_QUEUE, state: 'delayed' }),
      ).toBeGreaterThanOrEqual(2);
      expect(sample(text, 'boucle_queue_jobs', { queue: HOLDS_QUEUE, state: 'failed' })).toBe(0);
      expect(sample(text, 'boucle_queue_jobs', { queue: LOTS_QUEUE, state: 'waiting' })).toBe(0);

      const consumer = { consumer: CONSUMER };
      expect(sample(text, 'boucle_consumer_state', { ...consumer, state: 'pulling' })).toBe(1);
      expect(sample(text, 'boucle_consumer_state', { ...consumer, state: 'outage' })).toBe(0);
      // From JetStream: present and counted (the poison's ack may still be on its way).
      for (const name of [
        'boucle_consumer_held_messages',
        'boucle_consumer_pending_messages',
        'boucle_consumer_ack_pending_messages',
        'boucle_consumer_redelivered_messages',
      ])
        expect(sample(text, name, consumer)).toBeGreaterThanOrEqual(0);
    });
  });
});
