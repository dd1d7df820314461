import { InventoryRpc } from '@boucle/contracts';
import { GoodsService } from '../src/goods/goods.service.js';
import { refusal, startInventory, type Fixture, type InventoryHarness } from './harness.js';

/*
 * Free text written into the append-only ledger or an event can never be erased, and people
 * do write names into it ("given to Mme X"). A plain move carries a reason code; what the
 * person wrote goes to a note beside the movement, which erasure deletes.
 */
describe(GoodsService.name, () => {
  let h: InventoryHarness;
  let fixture: Fixture;

  beforeAll(async () => {
    h = await startInventory();
    fixture = await h.member();
  });

  afterAll(async () => {
    await h?.close();
  });

  const storedTiles = async () => {
    const { goodIds } = await h.rpc.request(InventoryRpc.recordIntake, {
      actor: fixture.operator,
      siteId: fixture.siteId,
      locationId: fixture.locationId,
      grossWeightKg: 500,
      tareKg: 10,
      provenance: { locality: 'Amiens' },
      collectionMode: 'construction-site',
      goods: [
        {
          kind: 'lot',
          materialFamily: 'terracotta tiles',
          quantity: '12',
          unit: 'm2',
          conditionGrade: 'A',
          wasteCode: '17 01 03',
        },
      ],
    });
    return goodIds[0]!;
  };

  describe('move', () => {
    const note = 'priced with Jeanne Martin, 4 € the m²';

    it('should record the reason code in the ledger and the event, and the note beside them only', async () => {
      const goodId = await storedTiles();

      const { movementId } = await h.rpc.request(InventoryRpc.moveGood, {
        actor: fixture.operator,
        goodId,
        quantity: '12',
        fromState: 'stored',
        toState: 'available',
        reason: 'put-on-sale',
        note,
      });

      const em = h.orm.em.fork();
      const [movement] = await em.execute<{ reason: string }[]>(
        'SELECT reason FROM stock_movement WHERE id = ?',
        [movementId],
      );
      expect(movement).toEqual({ reason: 'put-on-sale' });
      const events = await em.execute<{ type: string; data: { reason?: string } }[]>(
        `SELECT payload->>'type' AS type, payload->'data' AS data FROM messaging_outbox WHERE aggregate_id = ? ORDER BY id`,
        [goodId],
      );
      expect(
        events.find((e) => e.type === 'inventory.stock.moved' && e.data.reason === 'put-on-sale'),
      ).toBeDefined();
      const [{ count }] = (await em.execute<{ count: string }[]>(
        `SELECT count(*)::text AS count FROM messaging_outbox WHERE payload::text LIKE ?`,
        ['%Jeanne Martin%'],
      )) as [{ count: string }];
      expect(count).toBe('0');
      const [kept] = await em.execute<{ note: string }[]>(
        'SELECT note FROM movement_note WHERE movement_id = ?',
        [movementId],
      );
      expect(kept).toEqual({ note });

      // Erasure on request: the note goes, the movement stays.
      await em.execute('DELETE FROM movement_note WHERE movement_id = ?', [movementId]);
      const { movements } = await h.rpc.request(InventoryRpc.passport, {
        actor: fixture.operator,
        goodId,
      });
      expect(movements.at(-1)).toMatchObject({ movementId, reason: 'put-on-sale' });
    });

    it('should name fromState when none of the good is there, rather than refuse a transition from it', async () => {
      const goodId = await storedTiles();

      // available → stored is no transition of a lot; but what is wrong is that none is available.
      const error = await refusal(
        h.rpc.request(InventoryRpc.moveGood, {
          actor: fixture.operator,
          goodId,
          quantity: '1',
          fromState: 'available',
          toState: 'stored',
          reason: 'sorted',
        }),
      );

      expect(error.code).toBe('validation');
      expect(error.body.issues?.map((i) => i.path)).toEqual(['fromState']);
    });

    it('should refuse a free-text reason, naming the field', async () => {
      const goodId = await storedTiles();

      const error = await refusal(
        h.rpc.send(InventoryRpc.moveGood.subject, {
          actor: fixture.operator,
          goodId,
          quantity: '12',
          fromState: 'stored',
          toState: 'available',
          reason: 'priced with Jeanne Martin',
        }),
      );

      expect(error.code).toBe('validation');
      expect(error.body.issues?.map((i) => i.path)).toContain('reason');
    });
  });
});
