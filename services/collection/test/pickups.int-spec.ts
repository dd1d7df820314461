import { CollectionPickupRequestedV1, CollectionRpc } from '@boucle/contracts';
import { eventually } from '@boucle/testing';
import { PickupsService } from '../src/pickups/pickups.service.js';
import {
  refusal,
  requestHomePickup,
  requestLotPickup,
  startCollection,
  tomorrow,
  windowOn,
  type CollectionHarness,
  type Member,
} from './harness.js';

describe(PickupsService.name, () => {
  let h: CollectionHarness;
  let village: Member;
  let other: Member;

  beforeAll(async () => {
    h = await startCollection();
    village = h.member();
    other = h.member();
  });

  afterAll(async () => {
    await h?.close();
  });

  describe('request', () => {
    it('should keep a home pickup for its member and tell the others it does not exist', async () => {
      const { pickupId, status } = await requestHomePickup(h, village.operator);

      expect(status).toBe('requested');
      const pickup = await h.rpc.request(CollectionRpc.getPickup, {
        actor: village.operator,
        pickupId,
      });
      expect(pickup).toMatchObject({
        organisationId: village.organisationId,
        kind: 'home',
        mode: 'pickup',
        status: 'requested',
        skills: ['two-person', 'tail-lift'],
        plan: null,
      });
      const asOther = await refusal(
        h.rpc.request(CollectionRpc.getPickup, { actor: other.operator, pickupId }),
      );
      expect(asOther.code).toBe('not-found');
      // A driver sees only the stops of the rounds given to them.
      const asDriver = await refusal(
        h.rpc.request(CollectionRpc.getPickup, { actor: village.driver, pickupId }),
      );
      expect(asDriver.code).toBe('not-found');
    });

    it('should publish the request without the street address', async () => {
      const { pickupId } = await requestHomePickup(h, village.operator);

      const event = await eventually(async () => {
        const found = (await h.events(CollectionPickupRequestedV1.subject)).find(
          (e) => (e.data as { pickupId: string }).pickupId === pickupId,
        );
        expect(found).toBeDefined();
        return found!;
      });
      expect(event.data).toMatchObject({ pickupId, locality: 'Amiens', origin: 'request' });
      expect(JSON.stringify(event)).not.toContain('rue des Lilas');
    });

    it("should refuse a lot's pickup whose window ends after the lot must be gone, naming the window", async () => {
      const day = tomorrow();
      const mustBeGoneBy = windowOn(day, '12:00', '13:00').from;

      const error = await refusal(
        requestLotPickup(h, village.firm, mustBeGoneBy, {
          windows: [windowOn(day, '08:00', '10:00'), windowOn(day, '11:00', '14:00')],
        }),
      );

      expect(error.code).toBe('validation');
      expect(error.body.issues).toEqual([
        { path: 'windows.1.until', message: expect.stringContaining("lot's mustBeGoneBy") },
      ]);
    });

    it('should take a lot pickup whose windows all end before the lot must be gone', async () => {
      const mustBeGoneBy = windowOn(tomorrow(), '18:00', '19:00').from;

      const { pickupId } = await requestLotPickup(h, village.firm, mustBeGoneBy);

      const pickup = await h.rpc.request(CollectionRpc.getPickup, {
        actor: village.firm,
        pickupId,
      });
      expect(pickup).toMatchObject({ kind: 'construction-site', mode: 'construction-site' });
      expect(pickup.lot?.mustBeGoneBy).toBe(new Date(mustBeGoneBy).toISOString());
    });

    it('should refuse a construction site pickup without its lot, and a window already past', async () => {
      const noLot = await refusal(
        requestHomePickup(h, village.firm, { kind: 'construction-site' }),
      );
      expect(noLot.body.issues).toEqual([
        { path: 'lot', message: expect.stringContaining('names its lot') },
      ]);

      const past = await refusal(
        requestHomePickup(h, village.operator, {
          windows: [{ from: '2020-01-01T08:00:00Z', until: '2020-01-01T10:00:00Z' }],
        }),
      );
      expect(past.body.issues).toEqual([{ path: 'windows.0.until', message: 'is already past' }]);
    });

    it('should refuse a pickup for another member, and the coordinator naming none', async () => {
      const forOther = await refusal(
        requestHomePickup(h, village.operator, { organisationId: other.organisationId }),
      );
      expect(forOther.code).toBe('not-found');

      const unnamed = await refusal(requestHomePickup(h, h.coordinator));
      expect(unnamed.body.issues).toEqual([
        { path: 'organisationId', message: 'the coordinator names the member' },
      ]);
    });
  });

  describe('list', () => {
    it("should list a member's own pickups only, and the cluster's for the coordinator", async () => {
      const mine = await requestHomePickup(h, other.shop, { kind: 'shop' });

      const asOther = await h.rpc.request(CollectionRpc.listPickups, { actor: other.operator });
      const asVillage = await h.rpc.request(CollectionRpc.listPickups, { actor: village.operator });
      const asCoordinator = await h.rpc.request(CollectionRpc.listPickups, {
        actor: h.coordinator,
        day: tomorrow(),
      });

      expect(asOther.pickups.map((p) => p.pickupId)).toEqual([mine.pickupId]);
      expect(asVillage.pickups.map((p) => p.organisationId)).not.toContain(other.organisationId);
      expect(asCoordinator.pickups.map((p) => p.pickupId)).toContain(mine.pickupId);
    });
  });

  describe('cancel', () => {
    it('should cancel once, then refuse with the state it is in', async () => {
      const { pickupId } = await requestHomePickup(h, village.operator);

      await h.rpc.request(CollectionRpc.cancelPickup, { actor: village.operator, pickupId });
      const again = await refusal(
        h.rpc.request(CollectionRpc.cancelPickup, { actor: village.operator, pickupId }),
      );

      expect(again.body).toMatchObject({ code: 'invalid-transition', currentState: 'cancelled' });
    });
  });
});
