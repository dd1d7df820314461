import { randomUUID } from 'node:crypto';
import { jetstream } from '@nats-io/jetstream';
import {
  InventoryRpc,
  InventorySiteRegisteredV1,
  type Actor,
  type EventEnvelope,
  type InventorySiteRegisteredV1Data,
} from '@boucle/contracts';
import { eventually } from '@boucle/testing';
import { SitesService } from '../src/sites/sites.service.js';
import { refusal, startInventory, type InventoryHarness } from './harness.js';

/*
 * Matching's catalogue knows where a good is only from `inventory.site.registered.v1`:
 * a site registered without it would leave every good stored there out of reach.
 */
describe(SitesService.name, () => {
  let h: InventoryHarness;
  let organisationId: string;
  let operator: Actor;

  beforeAll(async () => {
    h = await startInventory();
    ({ organisationId } = await h.rpc.request(InventoryRpc.registerOrganisation, {
      actor: h.coordinator,
      name: `Ressourcerie ${randomUUID().slice(0, 6)}`,
      kind: 'reuse-village',
    }));
    operator = { userId: 'op-sites', role: 'operator', organisationId };
  });

  afterAll(async () => {
    await h?.close();
  });

  /** Every site registration the stream holds, oldest first. */
  async function registrations(): Promise<EventEnvelope<InventorySiteRegisteredV1Data>[]> {
    const stream = await jetstream(h.nc).streams.get(h.naming.stream('inventory'));
    const subject = h.naming.subject(InventorySiteRegisteredV1);
    const { state } = await stream.info();
    const found: EventEnvelope<InventorySiteRegisteredV1Data>[] = [];
    for (let seq = state.first_seq; state.messages > 0 && seq <= state.last_seq; seq++) {
      const msg = await stream.getMessage({ seq });
      if (msg?.subject === subject)
        found.push(msg.json<EventEnvelope<InventorySiteRegisteredV1Data>>());
    }
    return found;
  }

  it('should publish a registered site with its organisation, kind, locality, position and locations', async () => {
    const site = await h.rpc.request(InventoryRpc.registerSite, {
      actor: operator,
      organisationId,
      name: 'Village du réemploi',
      kind: 'reuse-village',
      locality: 'Amiens',
      position: { latitude: 49.8941, longitude: 2.2958 },
      locations: ['quai', 'atelier'],
    });

    const event = await eventually(async () => {
      const found = (await registrations()).find((e) => e.data.siteId === site.siteId);
      expect(found).toBeDefined();
      return found!;
    });
    expect(event).toMatchObject({
      type: 'inventory.site.registered',
      version: 1,
      aggregate: { type: 'inventory.site', id: site.siteId, version: 1 },
      actor: operator,
    });
    expect(event.data).toEqual({
      siteId: site.siteId,
      organisationId,
      kind: 'reuse-village',
      locality: 'Amiens',
      position: { latitude: 49.8941, longitude: 2.2958 },
      locations: site.locations,
    });
    expect(InventorySiteRegisteredV1.schema.safeParse(event.data).success).toBe(true);
  });

  it('should publish a site registered without a position with a null position', async () => {
    const site = await h.rpc.request(InventoryRpc.registerSite, {
      actor: operator,
      organisationId,
      name: 'Chantier rue Jules Barni',
      kind: 'construction-site',
      locality: 'Longueau',
      locations: ['benne'],
    });

    const event = await eventually(async () => {
      const found = (await registrations()).find((e) => e.data.siteId === site.siteId);
      expect(found).toBeDefined();
      return found!;
    });
    expect(event.data).toMatchObject({ kind: 'construction-site', position: null });
    expect(event.data.locations).toEqual([{ id: site.locations[0]!.id, name: 'benne' }]);
  });

  it('should publish nothing for a site it refuses', async () => {
    const marker = await h.rpc.request(InventoryRpc.registerSite, {
      actor: operator,
      organisationId,
      name: 'Repère',
      kind: 'partner-shop',
      locality: 'Amiens',
      locations: ['boutique'],
    });
    await eventually(async () => {
      expect((await registrations()).map((e) => e.data.siteId)).toContain(marker.siteId);
    });
    const before = (await registrations()).length;

    const error = await refusal(
      h.rpc.request(InventoryRpc.registerSite, {
        actor: h.coordinator,
        organisationId: randomUUID(),
        name: 'Ailleurs',
        kind: 'reuse-village',
        locality: 'Amiens',
        locations: ['quai'],
      }),
    );

    expect(error.code).toBe('not-found');
    // Registered after the refusal: once it is on the stream, anything the refused one
    // might have recorded would be there before it.
    const after = await h.rpc.request(InventoryRpc.registerSite, {
      actor: operator,
      organisationId,
      name: 'Repère 2',
      kind: 'partner-shop',
      locality: 'Amiens',
      locations: ['boutique'],
    });
    await eventually(async () => {
      expect((await registrations()).map((e) => e.data.siteId)).toContain(after.siteId);
    });
    expect(await registrations()).toHaveLength(before + 1);
  });
});
