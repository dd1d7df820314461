import { randomUUID } from 'node:crypto';
import { InventoryRpc } from '@boucle/contracts';
import type { RpcError } from '@boucle/messaging';
import { IntakeService } from '../src/intake/intake.service.js';
import {
  intakeWheelchairs,
  refusal,
  registerWheelchairModel,
  startInventory,
  type Fixture,
  type InventoryHarness,
} from './harness.js';

describe(IntakeService.name, () => {
  let h: InventoryHarness;
  let fixture: Fixture;

  beforeAll(async () => {
    h = await startInventory();
    fixture = await h.member();
    await registerWheelchairModel(h);
  });

  afterAll(async () => {
    await h?.close();
  });

  async function counts() {
    const [row] = await h.orm.em
      .fork()
      .execute<{ goods: string; movements: string; intakes: string; outbox: string }[]>(
        `SELECT (SELECT count(*) FROM good) AS goods, (SELECT count(*) FROM stock_movement) AS movements,
              (SELECT count(*) FROM intake) AS intakes, (SELECT count(*) FROM messaging_outbox) AS outbox`,
      );
    return row!;
  }

  describe('record', () => {
    it('should record one weighed intake of several kinds of goods, each entering stock by a movement', async () => {
      const { intakeId, goodIds } = await h.rpc.request(InventoryRpc.recordIntake, {
        actor: fixture.operator,
        siteId: fixture.siteId,
        locationId: fixture.locationId,
        grossWeightKg: 152.5,
        tareKg: 12.5,
        provenance: { locality: 'Amiens Nord', donorRef: 'don-77' },
        collectionMode: 'pickup',
        goods: [
          {
            kind: 'item',
            serialNumber: 'LIFT-001',
            make: 'Arjo',
            model: 'Maxi Move',
            weightKg: 40,
          },
          {
            kind: 'lot',
            materialFamily: 'oak parquet',
            quantity: '12.5',
            unit: 'm2',
            conditionGrade: 'B',
            wasteCode: '17 02 01',
            weightKg: 90,
          },
          { kind: 'bulk', material: 'cardboard', weightKg: 10 },
        ],
      });
      expect(goodIds).toHaveLength(3);

      const lot = await h.rpc.request(InventoryRpc.getGood, {
        actor: fixture.operator,
        goodId: goodIds[1]!,
      });
      expect(lot).toMatchObject({
        state: 'stored',
        balances: [{ state: 'stored', locationId: fixture.locationId, quantity: '12.5' }],
      });
      const [intake] = await h.orm.em
        .fork()
        .execute<{ net_weight_kg: string }[]>(
          'SELECT net_weight_kg::text FROM intake WHERE id = ?',
          [intakeId],
        );
      expect(Number(intake!.net_weight_kg)).toBe(140);
    });

    it('should list every movement of an item in order with its actor in the passport', async () => {
      const [goodId] = await intakeWheelchairs(h, fixture, ['PP-1']);
      await h.rpc.request(InventoryRpc.triage, {
        actor: fixture.refurbisher,
        goodId: goodId!,
        decision: 'repairable',
      });
      await h.rpc.request(InventoryRpc.startRefurbishment, {
        actor: fixture.refurbisher,
        goodId: goodId!,
      });

      const passport = await h.rpc.request(InventoryRpc.passport, {
        actor: fixture.operator,
        goodId: goodId!,
      });

      expect(
        passport.movements.map((m) => [m.from?.state ?? null, m.to?.state, m.actor.userId]),
      ).toEqual([
        [null, 'received', fixture.operator.userId],
        ['received', 'triaged', fixture.refurbisher.userId],
        ['triaged', 'refurbishing', fixture.refurbisher.userId],
      ]);
    });

    it.each([
      ['an unknown field', { colour: 'red' }, 'colour', /unknown field/],
      [
        'a tare heavier than the gross weight',
        { tareKg: 500 },
        'tareKg',
        /less than grossWeightKg/,
      ],
      ['a negative weight', { grossWeightKg: -3 }, 'grossWeightKg', /at least 1 g/],
      [
        'a weight finer than a gram',
        { goods: [{ kind: 'bulk', material: 'cardboard', weightKg: 12.3456 }] },
        'goods.0.weightKg',
        /3 decimal places/,
      ],
      ['no goods', { goods: [] }, 'goods', /too small|at least/i],
      [
        'a lot with a unit that does not exist',
        {
          goods: [
            {
              kind: 'lot',
              materialFamily: 'doors',
              quantity: '3',
              unit: 'pieces',
              conditionGrade: 'A',
              wasteCode: '17 02 01',
            },
          ],
        },
        'goods.0.unit',
        /Invalid option/,
      ],
      [
        'a negative quantity',
        {
          goods: [
            {
              kind: 'lot',
              materialFamily: 'doors',
              quantity: '-3',
              unit: 'unit',
              conditionGrade: 'A',
              wasteCode: '17 02 01',
            },
          ],
        },
        'goods.0.quantity',
        /positive decimal/,
      ],
      [
        'a hazardous lot',
        {
          goods: [
            {
              kind: 'lot',
              materialFamily: 'asbestos sheets',
              quantity: '3',
              unit: 'm2',
              conditionGrade: 'C',
              wasteCode: '17 06 05*',
              hazardous: true,
            },
          ],
        },
        'goods.0.hazardous',
        /never taken for reuse/,
      ],
      [
        'a lot under a starred (hazardous) waste code not flagged as hazardous',
        {
          goods: [
            {
              kind: 'lot',
              materialFamily: 'painted doors',
              quantity: '3',
              unit: 'unit',
              conditionGrade: 'C',
              wasteCode: '17 02 04*',
            },
          ],
        },
        'goods.0.wasteCode',
        /starred code is hazardous/,
      ],
      ['a site id that is not a UUID', { siteId: 'site-1' }, 'siteId', /UUID/],
      [
        'a reception date in the future',
        { receivedAt: new Date(Date.now() + 86_400_000).toISOString() },
        'receivedAt',
        /in the future/,
      ],
    ])(
      'should refuse %s, naming the field, and write nothing',
      async (_case, change, path, rule) => {
        const before = await counts();
        const error = await refusal(
          h.rpc.send(InventoryRpc.recordIntake.subject, {
            actor: fixture.operator,
            siteId: fixture.siteId,
            locationId: fixture.locationId,
            grossWeightKg: 30,
            tareKg: 2,
            provenance: { locality: 'Amiens' },
            collectionMode: 'drop-off',
            goods: [{ kind: 'bulk', material: 'cardboard', weightKg: 28 }],
            ...change,
          }),
        );
        expect(error.code).toBe('validation');
        expect(error.body.issues).toEqual(
          expect.arrayContaining([{ path, message: expect.stringMatching(rule) }]),
        );
        expect(await counts()).toEqual(before);
      },
    );

    it('should answer a refusal under 8 KB, naming the field, when an unknown field has a 1 MB name', async () => {
      const before = await counts();
      // 1 MB, just under the broker's 1 MiB limit for the request itself.
      const name = 'x'.repeat(1_000_000);
      let size = 0;
      const error = await refusal(
        h.rpc
          .request(InventoryRpc.recordIntake, {
            actor: fixture.operator,
            siteId: fixture.siteId,
            locationId: fixture.locationId,
            grossWeightKg: 30,
            tareKg: 2,
            provenance: { locality: 'Amiens' },
            collectionMode: 'drop-off',
            goods: [{ kind: 'bulk', material: 'cardboard', weightKg: 28 }],
            [name]: true,
          })
          .catch((refused: RpcError) => {
            size = Buffer.byteLength(JSON.stringify(refused.body));
            throw refused;
          }),
      );
      expect(error.code).toBe('validation');
      expect(size).toBeLessThan(8 * 1024);
      expect(error.body.issues).toEqual([
        {
          path: expect.stringMatching(/^x{160}… \(1000000 characters\)$/),
          message: 'unknown field',
        },
      ]);
      expect(await counts()).toEqual(before);
    });

    it('should refuse an unknown site as not found and write nothing', async () => {
      const before = await counts();
      const error = await refusal(
        h.rpc.request(InventoryRpc.recordIntake, {
          actor: fixture.operator,
          siteId: '00000000-0000-4000-8000-000000000000',
          locationId: fixture.locationId,
          grossWeightKg: 30,
          tareKg: 2,
          provenance: { locality: 'Amiens' },
          collectionMode: 'drop-off',
          goods: [{ kind: 'bulk', material: 'cardboard', weightKg: 28 }],
        }),
      );
      expect(error.code).toBe('not-found');
      expect(await counts()).toEqual(before);
    });

    it('should refuse an intake at a location of another site, or at no location, naming it', async () => {
      const elsewhere = await h.rpc.request(InventoryRpc.registerSite, {
        actor: fixture.operator,
        organisationId: fixture.organisationId,
        name: 'Dépôt de Longueau',
        kind: 'reuse-village',
        locality: 'Longueau',
        locations: ['hangar'],
      });
      const missingLocationId = randomUUID();
      const at = (locationId: string) =>
        refusal(
          h.rpc.request(InventoryRpc.recordIntake, {
            actor: fixture.operator,
            siteId: fixture.siteId,
            locationId,
            grossWeightKg: 30,
            tareKg: 2,
            provenance: { locality: 'Amiens' },
            collectionMode: 'drop-off',
            goods: [{ kind: 'bulk', material: 'cardboard', weightKg: 28 }],
          }),
        );
      const before = await counts();

      const onAnotherSite = await at(elsewhere.locations[0]!.id);
      const missing = await at(missingLocationId);

      expect(onAnotherSite.body).toMatchObject({
        code: 'validation',
        issues: [
          { path: 'locationId', message: expect.stringContaining(`not on site ${fixture.siteId}`) },
        ],
      });
      expect(missing.body).toEqual({
        code: 'not-found',
        message: `location ${missingLocationId} not found`,
      });
      expect(await counts()).toEqual(before);
    });

    it('should refuse a whole intake when one of its items is already in stock', async () => {
      await intakeWheelchairs(h, fixture, ['DUP-1']);
      const before = await counts();
      const error = await refusal(intakeWheelchairs(h, fixture, ['DUP-2', 'DUP-1']));
      expect(error.code).toBe('conflict');
      expect(error.body.issues).toEqual([
        { path: 'goods.1.serialNumber', message: 'already in stock' },
      ]);
      expect(await counts()).toEqual(before);
    });

    it('should refuse a whole intake that brings one item twice, naming the second', async () => {
      const before = await counts();
      const error = await refusal(intakeWheelchairs(h, fixture, ['TWICE-1', 'TWICE-2', 'TWICE-1']));
      expect(error.code).toBe('conflict');
      expect(error.body.issues).toEqual([
        { path: 'goods.2.serialNumber', message: 'already in stock' },
      ]);
      expect(await counts()).toEqual(before);
    });

    it("should answer an operator recording intake at another organisation's site exactly as for a missing site", async () => {
      const other = await h.member();
      const missingSiteId = randomUUID();

      const theirs = await refusal(
        intakeWheelchairs(h, { ...fixture, operator: other.operator }, ['FORBID-1']),
      );
      const missing = await refusal(
        intakeWheelchairs(h, { ...fixture, siteId: missingSiteId }, ['FORBID-2']),
      );

      expect(missing.body).toEqual({
        code: 'not-found',
        message: `site ${missingSiteId} not found`,
      });
      expect(theirs.body).toEqual({
        code: 'not-found',
        message: `site ${fixture.siteId} not found`,
      });
    });
  });
});
