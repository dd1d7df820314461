import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { MatchingRpc, type RpcBody, type RpcResponse } from '@boucle/contracts';
import { eventually } from '@boucle/testing';
import { RELEVANCE_CANDIDATES } from '../src/catalogue/catalogue-search.repository.js';
import { CatalogueService } from '../src/catalogue/catalogue.service.js';
import { PLACES, refusal, startMatching, type MatchingHarness, type TestSite } from './harness.js';

type Search = RpcBody<typeof MatchingRpc.searchCatalogue>;
type Found = RpcResponse<typeof MatchingRpc.searchCatalogue>['goods'][number];

describe(CatalogueService.name, () => {
  let h: MatchingHarness;
  let amiens: TestSite;
  const person = { userId: 'user-cat-1', role: 'beneficiary', organisationId: null } as const;

  beforeAll(async () => {
    h = await startMatching();
    amiens = await h.inventory.site(PLACES.amiens);
  });

  afterAll(async () => {
    await h?.close();
  });

  /** A make nobody else uses, so that a test finds only its own goods by text. */
  const uniqueMake = () => `Marque${randomUUID().slice(0, 8).replace(/\d/g, 'x')}`;

  const search = (query: Search) =>
    h.rpc.request(MatchingRpc.searchCatalogue, { actor: person, ...query });

  const ids = (goods: readonly Found[]) => goods.map((g) => g.goodId);

  async function listed(goodId: string) {
    return eventually(async () => {
      const good = await h.rpc.request(MatchingRpc.getCatalogueGood, { actor: person, goodId });
      expect(Number(good.availableQuantity)).toBeGreaterThan(0);
      return good;
    });
  }

  describe('onItemAvailable', () => {
    it('should list a released aid with its class name, attributes, site and position, whatever order its events arrive in', async () => {
      const { site, event: siteEvent } = h.inventory.siteEvent(PLACES.longueau, {
        locality: 'Longueau',
      });
      const { goodId, events } = h.inventory.aidEvents(site, { make: uniqueMake() });
      // The aid's description first, its movements backwards, its site last.
      await h.inventory.publish(events[3]!, events[2]!, events[1]!, events[0]!, siteEvent);

      const good = await eventually(async () => {
        const found = await h.rpc.request(MatchingRpc.getCatalogueGood, {
          actor: person,
          goodId,
        });
        expect(found.position).not.toBeNull();
        expect(found.availableQuantity).toBe('1');
        return found;
      });

      expect(good).toMatchObject({
        kind: 'item',
        isoClass: '12 22',
        category: 'Fauteuils roulants manuels',
        model: 'Action 3',
        attributes: { seatWidthCm: 45, foldable: true, maxUserWeightKg: 120 },
        unit: 'unit',
        siteId: site.siteId,
        organisationId: site.organisationId,
        locality: 'Longueau',
        position: PLACES.longueau,
        availableFrom: null,
      });
      expect(good.title).toBe(`Fauteuils roulants manuels · ${good.make} Action 3`);
    });

    it('should count a movement once however often it is delivered', async () => {
      const make = uniqueMake();
      const { goodId, events } = h.inventory.aidEvents(amiens, { make });
      await h.inventory.publish(...events);
      await listed(goodId);
      // Inventory's relay sent them again after the duplicate window: new message ids, same events.
      await h.inventory.publishAgain(...events);
      const hold = h.inventory.moved(
        goodId,
        'item',
        '1',
        { state: 'available', locationId: amiens.locationId },
        { state: 'held', locationId: amiens.locationId },
      );
      await h.inventory.publish(hold);
      await h.inventory.publishAgain(hold);

      await eventually(async () => {
        const good = await h.rpc.request(MatchingRpc.getCatalogueGood, { actor: person, goodId });
        expect(good.availableQuantity).toBe('0');
      });
      expect(ids((await search({ text: make })).goods)).toEqual([]);
    });
  });

  describe('search', () => {
    it('should find aids by French text, stemmed and without accents', async () => {
      const make = uniqueMake();
      const chair = await h.inventory.aid(amiens, { make, isoClass: '12 22' });
      const lift = await h.inventory.aid(amiens, { make, isoClass: '12 36', model: 'Birdie' });
      const bed = await h.inventory.aid(amiens, { make, isoClass: '18 12 10', model: 'Alegio' });
      await Promise.all([chair, lift, bed].map(listed));

      expect(ids((await search({ text: `fauteuil roulant ${make}` })).goods)).toEqual([chair]);
      expect(ids((await search({ text: `leve personne ${make}` })).goods)).toEqual([lift]);
      expect(ids((await search({ text: `lit medicalise ${make}` })).goods)).toEqual([bed]);
      expect(ids((await search({ text: `${make}`, isoClass: '12' })).goods).sort()).toEqual(
        [chair, lift].sort(),
      );
      expect(ids((await search({ text: `fauteuils électriques ${make}` })).goods)).toEqual([]);
    });

    it('should filter by class, attributes and condition, and find lots by their material', async () => {
      const make = uniqueMake();
      const narrow = await h.inventory.aid(amiens, {
        make,
        attributes: { seatWidthCm: 40, foldable: false, maxUserWeightKg: 100 },
      });
      const wide = await h.inventory.aid(amiens, {
        make,
        attributes: { seatWidthCm: 50, foldable: true, maxUserWeightKg: 150 },
      });
      const family = `tuiles ${make}`;
      const lot = await h.inventory.lot(amiens, { materialFamily: family, conditionGrade: 'A' });
      const worn = await h.inventory.lot(amiens, { materialFamily: family, conditionGrade: 'C' });
      await Promise.all([narrow, wide, lot, worn].map(listed));

      const found = (query: Search) => search({ text: make, ...query }).then((r) => ids(r.goods));
      expect(await found({ attributes: { seatWidthCm: { min: 45 } } })).toEqual([wide]);
      expect(await found({ attributes: { foldable: false } })).toEqual([narrow]);
      expect(await found({ attributes: { userWeightKg: 120 } })).toEqual([wide]);
      expect(await found({ isoClass: '12 22', attributes: { seatWidthCm: { max: 45 } } })).toEqual([
        narrow,
      ]);
      expect((await found({ kind: 'lot' })).sort()).toEqual([lot, worn].sort());
      expect(await found({ kind: 'lot', conditionGrades: ['A', 'B'] })).toEqual([lot]);
      expect(await found({ kind: 'lot', minQuantity: '80', unit: 'm2' })).toHaveLength(2);
      expect(await found({ kind: 'lot', minQuantity: '90', unit: 'm2' })).toEqual([]);
      expect(
        (await search({ materialFamily: `tuile ${make}` })).goods.map((g) => g.goodId).sort(),
      ).toEqual([lot, worn].sort());
    });

    it('should find what lies within a distance, nearest first, with its distance', async () => {
      const make = uniqueMake();
      const abbeville = await h.inventory.site(PLACES.abbeville, { locality: 'Abbeville' });
      const lille = await h.inventory.site(PLACES.lille, { locality: 'Lille' });
      const nowhere = await h.inventory.site(null, { locality: 'Inconnu' });
      const far = await h.inventory.aid(lille, { make });
      const near = await h.inventory.aid(amiens, { make });
      const middle = await h.inventory.aid(abbeville, { make });
      const unplaced = await h.inventory.aid(nowhere, { make });
      await Promise.all([far, near, middle, unplaced].map(listed));

      const from = { latitude: 49.8941, longitude: 2.3 };
      const nearest = await search({ text: make, near: from, sort: 'distance' });
      expect(ids(nearest.goods)).toEqual([near, middle, far]);
      const km = nearest.goods.map((g) => g.distanceKm!);
      expect(km[0]).toBeLessThan(1);
      // Amiens–Abbeville about 44 km, Amiens–Lille about 100 km as the crow flies.
      expect(km[1]).toBeGreaterThan(40);
      expect(km[1]).toBeLessThan(48);
      expect(km[2]).toBeGreaterThan(95);
      expect(km[2]).toBeLessThan(110);

      const within = await search({ text: make, near: { ...from, withinKm: 50 } });
      expect(ids(within.goods).sort()).toEqual([near, middle].sort());
      // By relevance with a point: every match, the unplaced one without a distance.
      const all = await search({ text: make, near: from, sort: 'relevance' });
      expect(all.goods.find((g) => g.goodId === unplaced)?.distanceKm).toBeNull();
      expect(all.goods).toHaveLength(4);
    });

    it('should find by class and distance together a subclass within reach, not another class nor what lies beyond', async () => {
      const make = uniqueMake();
      const abbeville = await h.inventory.site(PLACES.abbeville, { locality: 'Abbeville' });
      const subclass = await h.inventory.aid(amiens, { make, isoClass: '12 22 03' });
      const otherClass = await h.inventory.aid(amiens, { make, isoClass: '12 23 06' });
      const beyond = await h.inventory.aid(abbeville, { make, isoClass: '12 22 03' });
      await Promise.all([subclass, otherClass, beyond].map(listed));

      const found = await search({
        text: make,
        isoClass: '12 22',
        near: { latitude: 49.8941, longitude: 2.3, withinKm: 30 },
      });

      expect(ids(found.goods)).toEqual([subclass]);
    });

    it('should drop what is held and bring back what is released, a lot by its quantity left', async () => {
      const make = uniqueMake();
      const place = (state: string) => ({ state, locationId: amiens.locationId });
      const chair = await h.inventory.aid(amiens, { make });
      const lot = await h.inventory.lot(amiens, {
        materialFamily: `briques ${make}`,
        quantity: '100',
        unit: 'm2',
      });
      await Promise.all([chair, lot].map(listed));

      await h.inventory.publish(
        h.inventory.moved(chair, 'item', '1', place('available'), place('held')),
        h.inventory.moved(lot, 'lot', '60', place('offered'), place('held'), 'm2'),
      );
      await eventually(async () => {
        const found = await search({ text: make });
        expect(found.goods.map((g) => [g.goodId, g.availableQuantity])).toEqual([[lot, '40']]);
      });

      await h.inventory.publish(
        h.inventory.moved(chair, 'item', '1', place('held'), place('available')),
      );
      await eventually(async () =>
        expect(ids((await search({ text: make })).goods)).toHaveLength(2),
      );
    });

    it('should leave out a lot whose window has closed, and take it back when the window is extended', async () => {
      const family = `radiateurs ${uniqueMake()}`;
      const { goodId, events } = h.inventory.lotEvents(amiens, {
        materialFamily: family,
        availableFrom: new Date(Date.now() - 10 * 86_400_000).toISOString(),
        mustBeGoneBy: new Date(Date.now() + 86_400_000).toISOString(),
      });
      await h.inventory.publish(...events);
      await listed(goodId);
      const closed = h.inventory.amendWindow(
        goodId,
        new Date(Date.now() - 10 * 86_400_000).toISOString(),
        new Date(Date.now() - 60_000).toISOString(),
      );
      const reopened = h.inventory.amendWindow(
        goodId,
        new Date(Date.now() - 10 * 86_400_000).toISOString(),
        new Date(Date.now() + 5 * 86_400_000).toISOString(),
      );

      await h.inventory.publish(closed);
      await eventually(async () => expect(ids((await search({ text: family })).goods)).toEqual([]));
      // An older amendment delivered late never undoes a newer one.
      await h.inventory.publish(reopened);
      await h.inventory.publishAgain(closed);
      await eventually(async () =>
        expect(ids((await search({ text: family })).goods)).toEqual([goodId]),
      );
      const good = await h.rpc.request(MatchingRpc.getCatalogueGood, { actor: person, goodId });
      expect(good.mustBeGoneBy).toBe(
        new Date((reopened.data as { mustBeGoneBy: string }).mustBeGoneBy).toISOString(),
      );
    });

    it.each([['newest'], ['distance'], ['relevance']] as const)(
      'should page through every match once, in order, sorted by %s',
      async (sort) => {
        const make = uniqueMake();
        const sites = [PLACES.amiens, PLACES.longueau, PLACES.abbeville];
        const goods: string[] = [];
        for (let i = 0; i < 7; i++) {
          const site = i < 3 ? amiens : await h.inventory.site(sites[i % 3]);
          goods.push(
            await h.inventory.aid(site, { make, model: i % 2 ? `Action ${make}` : 'Action' }),
          );
        }
        await Promise.all(goods.map(listed));

        const query: Search = { text: make, near: PLACES.amiens, sort, limit: 3 };
        const whole = ids((await search({ ...query, limit: 100 })).goods);
        expect(whole.sort()).toEqual([...goods].sort());
        const ordered = ids((await search({ ...query, limit: 100 })).goods);
        const paged: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await search({ ...query, ...(cursor && { cursor }) });
          expect(page.goods.length).toBeLessThanOrEqual(3);
          paged.push(...ids(page.goods));
          cursor = page.nextCursor ?? undefined;
        } while (cursor && ++pages < 10);
        expect(paged).toEqual(ordered);
      },
    );

    it('should rank by relevance within a distance only the nearest matches, with all those as near as the last, and page through them once, as by distance through all', async () => {
      const make = uniqueMake();
      // Listed as the catalogue derives them, straight in its table: inventory's events
      // for thousands of goods would take minutes. Goods of one site lie at one distance.
      const stock = async (
        place: { latitude: number; longitude: number },
        n: number,
        strong: number,
      ) => {
        const { rows } = await sql<{ good_id: string; strong: boolean }>`
          INSERT INTO catalogue_good (
            good_id, kind, unit, described_version, described_at, iso_class, category, make,
            model, condition_grade, available_quantity, site_id, organisation_id, locality,
            latitude, longitude, listed)
          SELECT gen_random_uuid(), 'item', 'unit', 1, now(), '12 22', 'Fauteuils roulants manuels',
                 ${make}, CASE WHEN i <= ${strong} THEN ${`Action ${make}`} ELSE 'Action' END, 'B', 1,
                 ${randomUUID()}::uuid, ${randomUUID()}::uuid, 'Somme', ${place.latitude}::float8,
                 ${place.longitude}::float8, true
            FROM generate_series(1, ${n}) i
          RETURNING good_id, model <> 'Action' AS strong`.execute(h.orm.em.fork().getKysely());
        return rows;
      };
      const here = await stock(PLACES.amiens, (RELEVANCE_CANDIDATES * 3) / 4, 5);
      // The candidates end within this site: all of it is taken, its best too.
      const edge = await stock(PLACES.longueau, RELEVANCE_CANDIDATES / 2, 10);
      const beyond = await stock(PLACES.abbeville, 100, 10);
      expect(here.length + edge.length).toBeGreaterThan(RELEVANCE_CANDIDATES);

      const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
      const candidates = [...here, ...edge];
      const expected = [
        ...candidates
          .filter((g) => g.strong)
          .map((g) => g.good_id)
          .sort(byId),
        ...candidates
          .filter((g) => !g.strong)
          .map((g) => g.good_id)
          .sort(byId),
      ];
      const pageThrough = async (query: Search) => {
        const paged: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await search({ ...query, ...(cursor && { cursor }) });
          paged.push(...ids(page.goods));
          cursor = page.nextCursor ?? undefined;
        } while (cursor && ++pages < 40);
        return paged;
      };
      const within = { ...PLACES.amiens, withinKm: 60 };

      const paged = await pageThrough({ text: make, near: within, limit: 100 });
      expect(paged.slice(0, 15)).toEqual(expected.slice(0, 15));
      // The search says it ranked only the nearest, and not when all it matched was ranked.
      expect((await search({ text: make, near: within, limit: 5 })).nearestOnly).toBe(true);
      const hereOnly = await search({
        text: make,
        near: { ...PLACES.amiens, withinKm: 1 },
        limit: 5,
      });
      expect(hereOnly.goods).toHaveLength(5);
      expect(hereOnly.nearestOnly).toBe(false);
      expect(paged).toEqual(expected);
      expect(paged).not.toContain(beyond.find((g) => g.strong)!.good_id);
      // By distance, every match, nearest first, a site's goods by id, pages cut within a site.
      const nearest = await pageThrough({ text: make, near: within, sort: 'distance', limit: 100 });
      expect(nearest).toEqual(
        [here, edge, beyond].flatMap((site) => site.map((g) => g.good_id).sort(byId)),
      );
      // Without a distance, every match is ranked: the best beyond come first with the others.
      const all = await search({ text: make, near: PLACES.amiens, limit: 30 });
      expect(all.nearestOnly).toBe(false);
      expect(ids(all.goods).slice(0, 25).sort()).toEqual(
        [...candidates, ...beyond]
          .filter((g) => g.strong)
          .map((g) => g.good_id)
          .sort(),
      );
    }, 60_000);

    it('should refuse a cursor of another sort, and a sort it cannot do, naming the field', async () => {
      const make = uniqueMake();
      await Promise.all([1, 2].map(() => h.inventory.aid(amiens, { make }))).then((g) =>
        Promise.all(g.map(listed)),
      );
      const first = await search({ text: make, sort: 'newest', limit: 1 });
      expect(first.nextCursor).not.toBeNull();

      const wrong = await refusal(
        search({ text: make, sort: 'relevance', cursor: first.nextCursor! }),
      );
      expect(wrong.code).toBe('validation');
      expect(wrong.body.issues?.[0]?.path).toBe('cursor');
      const noPoint = await refusal(search({ sort: 'distance' }));
      expect(noPoint.body.issues?.map((i) => i.path)).toEqual(['sort']);
      const noUnit = await refusal(search({ minQuantity: '3' }));
      expect(noUnit.body.issues?.map((i) => i.path)).toEqual(['unit']);
    });
  });
});
