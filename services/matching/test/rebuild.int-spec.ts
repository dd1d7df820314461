import { jetstreamManager } from '@nats-io/jetstream';
import { eventually } from '@boucle/testing';
import {
  CATALOGUE_TABLES,
  CatalogueRebuild,
  SHADOW_SCHEMA,
} from '../src/catalogue/catalogue.rebuild.js';
import { PLACES, startMatching, type MatchingHarness, type TestSite } from './harness.js';

/** The durable consumers writing the catalogue. */
const CONSUMERS = [
  'matching.catalogue-sites',
  'matching.catalogue-stock',
  'matching.catalogue-items',
  'matching.catalogue-lots',
  'matching.catalogue-lot-windows',
];

describe(CatalogueRebuild.name, () => {
  let h: MatchingHarness;
  let sut: CatalogueRebuild;

  beforeAll(async () => {
    h = await startMatching();
    sut = h.app.get(CatalogueRebuild);
  });

  afterAll(async () => {
    await h?.close();
  });

  /** Every row of the catalogue's tables in a schema, in a fixed order. */
  async function rows(schema: string): Promise<Record<string, unknown[]>> {
    const em = h.orm.em.fork();
    const out: Record<string, unknown[]> = {};
    for (const table of CATALOGUE_TABLES)
      out[table] = await em.execute(`SELECT * FROM ${schema}.${table} ORDER BY 1, 2`);
    return out;
  }

  /** Until the live consumers have applied everything published so far. */
  async function settled(): Promise<void> {
    const jsm = await jetstreamManager(h.nc);
    await eventually(async () => {
      for (const consumer of CONSUMERS) {
        const info = await jsm.consumers.info(
          h.naming.stream('inventory'),
          h.naming.durable(consumer),
        );
        expect([consumer, info.num_pending, info.num_ack_pending]).toEqual([consumer, 0, 0]);
      }
    });
  }

  /** A morning of inventory's: sites, aids released, held, handed over, lots offered and amended. */
  async function morning(): Promise<void> {
    const at = (site: TestSite, state: string) => ({ state, locationId: site.locationId });
    const { site: late, event: lateSite } = h.inventory.siteEvent(PLACES.abbeville);
    const amiens = await h.inventory.site(PLACES.amiens);
    const chairs = [];
    for (let i = 0; i < 4; i++) chairs.push(await h.inventory.aid(i % 2 ? amiens : late));
    const lot = await h.inventory.lot(amiens, { quantity: '50', unit: 'm2' });
    await h.inventory.publish(
      h.inventory.moved(chairs[0]!, 'item', '1', at(amiens, 'available'), at(amiens, 'held')),
      h.inventory.moved(chairs[1]!, 'item', '1', at(late, 'available'), at(late, 'held')),
      h.inventory.moved(chairs[1]!, 'item', '1', at(late, 'held'), at(late, 'handed-over')),
      h.inventory.moved(lot, 'lot', '12.5', at(amiens, 'offered'), at(amiens, 'held'), 'm2'),
      h.inventory.amendWindow(
        lot,
        new Date(Date.now() - 86_400_000).toISOString(),
        new Date(Date.now() + 9 * 86_400_000).toISOString(),
      ),
      // A site heard of after its goods.
      lateSite,
    );
    // And a few sent twice, as a relay would after its duplicate window.
    await h.inventory.publishAgain(...h.inventory.published.slice(-4));
  }

  it('should rebuild from the stream the very rows the live consumers made', async () => {
    await morning();
    await settled();
    const live = await rows('public');
    expect(live['catalogue_good']!.length).toBeGreaterThan(4);

    const built = await sut.buildShadow();

    expect(built.applied).toBeGreaterThan(20);
    expect(built.firstSequence).toBe(1);
    expect(await rows(SHADOW_SCHEMA)).toEqual(live);
  });

  it('should replace the live rows, with the events that arrived while it read', async () => {
    await morning();
    await settled();
    const built = await sut.buildShadow();
    // Published after the shadow was read: the swap applies them as well.
    await morning();
    await settled();
    const expected = await rows('public');
    // What a rebuild must repair: rows the live tables lost.
    await h.orm.em.fork().execute(`DELETE FROM catalogue_good`);

    const swapped = await sut.swap(built.lastSequence);

    expect(swapped.applied).toBeGreaterThan(10);
    expect(await rows('public')).toEqual(expected);
    const schemas = await h.orm.em
      .fork()
      .execute(`SELECT 1 FROM information_schema.schemata WHERE schema_name = ?`, [SHADOW_SCHEMA]);
    expect(schemas).toEqual([]);
  });
});
