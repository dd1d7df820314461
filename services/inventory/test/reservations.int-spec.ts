import { jetstream } from '@nats-io/jetstream';
import {
  InventoryHoldPlacedV1,
  InventoryRpc,
  InventoryHoldRejectedV1,
  MatchingReservationRequestedV1,
  type EventEnvelope,
} from '@boucle/contracts';
import { buildEnvelope } from '@boucle/messaging';
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

  function request(goodId: string, holderId = 'ben-42') {
    return buildEnvelope(
      MatchingReservationRequestedV1,
      {
        reservationId: crypto.randomUUID(),
        goodId,
        holderId,
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

  it('should reject, not retry until dead-lettered, a request that one of the database guards refuses', async () => {
    const [goodId] = await intakeWheelchairs(h, fixture, ['SAGA-3']);
    await refurbish(h, fixture, goodId!);
    // Valid for the contract, but PostgreSQL text cannot hold a NUL character.
    const event = request(goodId!, 'ben-\u0000-43');

    await publish(event);

    await eventually(async () =>
      expect(await lastEvent(InventoryHoldRejectedV1.subject)).toMatchObject({
        causationId: event.id,
        data: { reservationId: event.data.reservationId, goodId, reason: 'validation' },
      }),
    );
    const good = await h.rpc.request(InventoryRpc.getGood, {
      actor: fixture.operator,
      goodId: goodId!,
    });
    expect(good.state).toBe('available');
  });
});
