import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import {
  InventoryHoldPlacedV1,
  InventoryHoldReleasedV1,
  InventoryRpc,
  InventoryHoldRejectedV1,
  MatchingReservationCancelledV1,
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

  function cancellation(
    reservationId: string,
    goodId: string,
    holdId: string | null,
    reason: 'cancelled' | 'approval-refused' | 'timed-out' = 'cancelled',
  ) {
    return buildEnvelope(
      MatchingReservationCancelledV1,
      { reservationId, goodId, holdId, reason },
      { actor: { userId: 'matching', role: 'system', organisationId: null } },
    );
  }

  /** Published as matching's relay would; `copy` sends the same event again under another message id. */
  async function publish(event: EventEnvelope, copy = 0): Promise<void> {
    await jetstream(h.nc).publish(
      h.naming.subject(`${event.type}.v${event.version}`),
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

  describe('a reservation let go in matching', () => {
    async function heldFor(serial: string) {
      const [goodId] = await intakeWheelchairs(h, fixture, [serial]);
      await refurbish(h, fixture, goodId!);
      const requested = request(goodId!);
      await publish(requested);
      const holdId = await eventually(async () => {
        const rows = await h.orm.em
          .fork()
          .execute<{ id: string }[]>(
            "SELECT id FROM hold WHERE reservation_id = ? AND status = 'active'",
            [requested.data.reservationId],
          );
        expect(rows).toHaveLength(1);
        return rows[0]!.id;
      });
      return { goodId: goodId!, reservationId: requested.data.reservationId, holdId };
    }

    const holdRow = async (holdId: string) =>
      (
        await h.orm.em
          .fork()
          .execute<{ status: string; end_reason: string | null }[]>(
            'SELECT status, end_reason FROM hold WHERE id = ?',
            [holdId],
          )
      )[0];

    it('should release its hold once, found by the reservation when matching knew no hold yet', async () => {
      const { goodId, reservationId, holdId } = await heldFor('SAGA-4');
      const event = cancellation(reservationId, goodId, null);

      await publish(event, 0);
      await publish(event, 1);

      await eventually(async () =>
        expect(await holdRow(holdId)).toEqual({ status: 'released', end_reason: 'cancelled' }),
      );
      await eventually(async () =>
        expect(await lastEvent(InventoryHoldReleasedV1.subject)).toMatchObject({
          causationId: event.id,
          data: { holdId, goodId, reason: 'cancelled', reservationId },
        }),
      );
      const good = await h.rpc.request(InventoryRpc.getGood, { actor: fixture.operator, goodId });
      expect(good.state).toBe('available');
      // Asked again once the hold is heard of: nothing more.
      await publish(cancellation(reservationId, goodId, holdId));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await holdRow(holdId)).toEqual({ status: 'released', end_reason: 'cancelled' });
    });

    it('should release a refused approval as such', async () => {
      const { goodId, reservationId, holdId } = await heldFor('SAGA-5');

      await publish(cancellation(reservationId, goodId, holdId, 'approval-refused'));

      await eventually(async () =>
        expect(await holdRow(holdId)).toEqual({
          status: 'released',
          end_reason: 'approval-refused',
        }),
      );
    });

    it("should never release a hold that is not the reservation's own", async () => {
      const { goodId, holdId } = await heldFor('SAGA-6');
      // An operator's hold, named by another reservation.
      const event = cancellation(crypto.randomUUID(), goodId, holdId);

      await publish(event);

      await eventually(async () => {
        const handled = await h.orm.em
          .fork()
          .execute('SELECT 1 FROM messaging_inbox WHERE event_id = ?', [event.id]);
        expect(handled).toHaveLength(1);
      });
      expect(await holdRow(holdId)).toEqual({ status: 'active', end_reason: null });
    });
  });
});
