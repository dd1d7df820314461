import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import {
  InventoryHoldPlacedV1,
  InventoryRpc,
  InventoryHoldRejectedV1,
  MatchingReservationRequestedV1,
  type EventEnvelope,
} from '@boucle/contracts';
import { buildEnvelope, DeadLetters } from '@boucle/messaging';
import { eventually } from '@boucle/testing';
import { ReservationRequestsConsumer } from '../src/holds/holds.consumer.js';
import {
  intakeWheelchairs,
  refurbish,
  registerWheelchairModel,
  startInventory,
  type Fixture,
  type InventoryHarness,
} from './harness.js';

describe(ReservationRequestsConsumer.name, () => {
  let h: InventoryHarness;
  let fixture: Fixture;

  beforeAll(async () => {
    h = await startInventory({}, ['matching']);
    fixture = await h.member();
    await registerWheelchairModel(h);
  });

  afterAll(async () => {
    await h?.close();
  });

  function request(goodId: string) {
    return buildEnvelope(
      MatchingReservationRequestedV1,
      {
        reservationId: crypto.randomUUID(),
        goodId,
        holderId: 'ben-42',
        quantity: '1',
        holdForSeconds: 3_600,
      },
      { actor: { userId: 'sw-1', role: 'beneficiary', organisationId: null } },
    );
  }

  /** Published as matching's relay would; `copy` sends the same event again under another message id. */
  async function publish(event: EventEnvelope, copy = 0): Promise<void> {
    await jetstream(h.nc).publish(
      h.naming.subject(MatchingReservationRequestedV1),
      JSON.stringify(event),
      {
        msgID: `${event.id}-${copy}`,
      },
    );
  }

  async function lastEvent(subject: string): Promise<EventEnvelope> {
    const stream = await jetstream(h.nc).streams.get(h.naming.stream('inventory'));
    const msg = await stream.getMessage({ last_by_subj: h.naming.subject(subject) });
    return msg!.json<EventEnvelope>();
  }

  it('should hold the good for a requested reservation once, however often the request is delivered', async () => {
    const [goodId] = await intakeWheelchairs(h, fixture, ['SAGA-1']);
    await refurbish(h, fixture, goodId!);
    const event = request(goodId!);

    await publish(event, 0);
    await publish(event, 1);

    await eventually(async () => {
      const rows = await h.orm.em
        .fork()
        .execute<{ status: string }[]>('SELECT status FROM hold WHERE reservation_id = ?', [
          event.data.reservationId,
        ]);
      expect(rows).toEqual([{ status: 'active' }]);
    });
    await eventually(async () =>
      expect(await lastEvent(InventoryHoldPlacedV1.subject)).toMatchObject({
        causationId: event.id,
        correlationId: event.correlationId,
        data: { goodId, reservationId: event.data.reservationId, holderId: 'ben-42' },
      }),
    );
  });

  it('should reject the reservation with the reason when the good cannot be held', async () => {
    const [goodId] = await intakeWheelchairs(h, fixture, ['SAGA-2']);
    const event = request(goodId!);

    await publish(event);

    await eventually(async () =>
      expect(await lastEvent(InventoryHoldRejectedV1.subject)).toMatchObject({
        causationId: event.id,
        data: { reservationId: event.data.reservationId, goodId, reason: 'insufficient-quantity' },
      }),
    );
    const rows = await h.orm.em
      .fork()
      .execute('SELECT 1 FROM hold WHERE reservation_id = ?', [event.data.reservationId]);
    expect(rows).toEqual([]);
  });

  it('should never hold for a holder written as a name and address, which the ledger could never erase', async () => {
    const [goodId] = await intakeWheelchairs(h, fixture, ['SAGA-3']);
    await refurbish(h, fixture, goodId!);
    // As a producer that skipped its own contract would send it.
    const valid = request(goodId!);
    const event = { ...valid, data: { ...valid.data, holderId: 'Mme Dupont, 12 rue des Lilas' } };

    await publish(event);

    const deadLetters = new DeadLetters({
      js: jetstream(h.nc),
      jsm: await jetstreamManager(h.nc),
      naming: h.naming,
    });
    await eventually(async () => {
      const entries = await deadLetters.list({ consumer: 'inventory.reservation-requested' });
      expect(entries.map((e) => e.reason)).toEqual([expect.stringContaining('holderId')]);
    });
    const good = await h.rpc.request(InventoryRpc.getGood, {
      actor: fixture.operator,
      goodId: goodId!,
    });
    expect(good.state).toBe('available');
  });
});
