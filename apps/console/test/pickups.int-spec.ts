import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { counterContext, expectAccessible, launchBrowser, screenshot, signIn } from './browser';
import { dayAfter, planDay, registerVehicle, tomorrow } from './collection';
import { created, registerMember, startConsoleSystem, type ConsoleSystem } from './system';

/** The day `days` from now in Paris. */
function parisDayIn(days: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(
    Date.now() + days * 86_400_000,
  );
}

/**
 * A partner shop and a construction firm, each in a real Chromium against the real system:
 * the shop asks for its full crates to be collected, the firm for one of its lots to be
 * fetched before it must be gone; both follow their pickup until the planner puts it on a
 * round, with its day and hour.
 */
describe('Console: requesting and following pickups', () => {
  let system: ConsoleSystem;
  let browser: Browser;
  let washing: Awaited<ReturnType<typeof registerMember>>;
  let shop: Awaited<ReturnType<typeof registerMember>>;
  let firm: Awaited<ReturnType<typeof registerMember>>;
  const day = tomorrow();

  beforeAll(async () => {
    browser = await launchBrowser();
    system = await startConsoleSystem();
    washing = await registerMember(system, {
      kind: 'reuse-village',
      siteKind: 'washing-centre',
      name: 'Laverie du Pôle',
      position: { latitude: 49.8941, longitude: 2.2958 },
    });
    shop = await registerMember(system, {
      kind: 'shop',
      siteKind: 'partner-shop',
      name: 'Biocoop Saint-Leu',
      position: { latitude: 49.8977, longitude: 2.3014 },
    });
    firm = await registerMember(system, {
      kind: 'construction-firm',
      siteKind: 'construction-site',
      name: 'Déconstruction Picarde',
      position: { latitude: 49.9015, longitude: 2.2901 },
    });
    await registerVehicle(system, washing.coordinator, washing.organisationId);
  });

  afterAll(async () => {
    await browser?.close();
    await system?.close();
  });

  /** The destination as the coordination gives it, typed once on the device. */
  async function destination(page: Page) {
    await page.getByLabel('Identifiant du site de destination').fill(washing.siteId);
    await page.getByLabel('Identifiant de l’emplacement de destination').fill(washing.locationId);
  }

  it('should let a shop ask for its full crates to be collected and follow the pickup onto a round', async () => {
    const person = system.person('shop', shop.organisationId);
    const context = await counterContext(browser);
    const page = await context.newPage();
    await signIn(page, system.url, person);
    await page.getByRole('heading', { level: 1, name: 'Caisses et consigne' }).waitFor();
    await page.getByRole('link', { name: 'Demander une collecte de caisses' }).click();
    await page.getByRole('heading', { level: 1, name: 'Demander une collecte' }).waitFor();
    // The shop's only site is chosen, its locality and position with it.
    expect(await page.getByLabel('Commune').inputValue()).toBe('Amiens');
    expect(await page.getByLabel('Latitude').inputValue()).toBe('49.8977');
    await expectAccessible(page, 'shop: request empty');

    // Nothing sent while the form says what is missing, each line leading to its field.
    await page.getByRole('button', { name: 'Demander la collecte' }).click();
    const summary = page.getByRole('alert').filter({ hasText: 'À corriger avant d’enregistrer' });
    await summary.waitFor();
    expect(await summary.textContent()).toContain('Adresse de passage : Obligatoire.');
    await expectAccessible(page, 'shop: request refused');

    await page.getByLabel('Adresse de passage').fill('12 rue Saint-Leu, Amiens');
    expect(await page.getByLabel('Jour du créneau 1').inputValue()).toBe(day);
    await page.getByLabel('Caisses pleines').fill('6');
    await page.getByLabel('Nombre de contenants').fill('72');
    await page.getByLabel('Poids estimé (kg)').fill('95,5');
    await page.getByRole('checkbox', { name: 'Hayon élévateur' }).check();
    await destination(page);
    await page.getByRole('button', { name: 'Demander la collecte' }).click();

    await page.getByRole('heading', { level: 1, name: 'Collectes de caisses' }).waitFor();
    await page.getByText('Collecte demandée : elle sera placée sur une tournée').waitFor();
    const row = page.locator('table.pickups tbody tr');
    await row.first().waitFor();
    expect(await row.count()).toBe(1);
    expect(await row.textContent()).toContain('72 × Bouteille 75 cl');
    expect(await row.textContent()).toContain('demandée');
    expect(await row.textContent()).toContain('Pas encore planifiée');
    await expectAccessible(page, 'shop: pickups requested');

    // The planner plans the day: the shop sees its day and hour.
    await planDay(system, washing.coordinator, day);
    await page.getByRole('button', { name: 'Actualiser' }).click();
    await row.getByText('sur une tournée').waitFor();
    expect(await row.textContent()).toMatch(/Le \d{1,2} \S+ \d{4} vers \d{2}:\d{2} \(arrêt \d\)/);
    await expectAccessible(page, 'shop: pickup planned');
    await screenshot(page, 'shop-pickups');
    await page.setViewportSize({ width: 390, height: 844 });
    await expectAccessible(page, 'shop: pickups on a phone');

    const [pickup] = (await system.call('GET', '/v1/pickups', person)).body['pickups'] as {
      status: string;
      goods: unknown[];
      deliverTo: unknown;
      expectedLoad: unknown;
      plan: { day: string } | null;
    }[];
    expect(pickup).toMatchObject({
      status: 'scheduled',
      goods: [{ kind: 'pool', containerType: 'Bouteille 75 cl', count: 72, depositCents: 20 }],
      deliverTo: { siteId: washing.siteId, locationId: washing.locationId },
      expectedLoad: { kg: 95.5, m3: 0, crates: 6, items: 0 },
      plan: { day },
    });
    await context.close();
  });

  it("should let a firm ask for a lot's pickup before it must be gone and follow it", async () => {
    const manager = system.person('firm', firm.organisationId);
    const mustBeGoneBy = `${parisDayIn(5)}T17:00:00+01:00`;
    const lot = created(
      await system.call('POST', '/v1/lots', manager, {
        siteId: firm.siteId,
        locationId: firm.locationId,
        materialFamily: 'Parquet chêne massif',
        quantity: '40',
        unit: 'm2',
        estimated: false,
        conditionGrade: 'B',
        wasteCode: '17 02 01',
        weightKg: 800,
        availableFrom: new Date().toISOString(),
        mustBeGoneBy,
        fallback: { route: 'recycling', facility: 'Plateforme bois de Longueau' },
      }),
    );
    const goodId = String(lot.body['goodId']);

    const context = await counterContext(browser);
    const page = await context.newPage();
    await signIn(page, system.url, manager, `/firm/lots/${goodId}`);
    await page.getByRole('link', { name: 'Demander son enlèvement' }).click();
    await page.getByRole('heading', { level: 1, name: 'Demander une collecte' }).waitFor();
    // The lot named by the link, with what its offer said and its site's place.
    expect(await page.getByLabel('Lot à enlever').inputValue()).toBe(goodId);
    await page.getByText('Parquet chêne massif : 40 m², code déchet 17 02 01.').waitFor();
    expect(await page.getByLabel('Longitude').inputValue()).toBe('2.2901');
    await expectAccessible(page, 'firm: request');

    await page.getByLabel('Adresse de passage').fill('Chantier Citadelle, rue Ferdinand-Hodler');
    await page.getByLabel('Poids estimé (kg)').fill('800');
    await page.getByRole('checkbox', { name: 'Hayon élévateur' }).check();
    await destination(page);
    // A window after the lot must be gone is refused on the device.
    await page.getByLabel('Jour du créneau 1').fill(dayAfter(parisDayIn(6)));
    await page.getByRole('button', { name: 'Demander la collecte' }).click();
    await page.locator('#f-windows-0-until-error').waitFor();
    expect(await page.locator('#f-windows-0-until-error').textContent()).toContain(
      'Doit finir avant la date limite du lot.',
    );
    await expectAccessible(page, 'firm: window refused');
    await page.getByLabel('Jour du créneau 1').fill(day);
    await page.getByRole('button', { name: 'Demander la collecte' }).click();

    await page.getByRole('heading', { level: 1, name: 'Enlèvements de lots' }).waitFor();
    const row = page.locator('table.pickups tbody tr');
    await row.first().waitFor();
    expect(await row.count()).toBe(1);
    expect(await row.textContent()).toContain('Parquet chêne massif, 40 m²');
    expect(await row.textContent()).toContain('À enlever avant le');
    await planDay(system, washing.coordinator, day);
    await page.getByRole('button', { name: 'Actualiser' }).click();
    await row.getByText('sur une tournée').waitFor();
    await expectAccessible(page, 'firm: pickup planned');
    await screenshot(page, 'firm-pickups');

    const [pickup] = (await system.call('GET', '/v1/pickups', manager)).body['pickups'] as {
      kind: string;
      lot: { goodId: string; mustBeGoneBy: string };
      skills: string[];
      expectedLoad: { kg: number };
    }[];
    expect(pickup).toMatchObject({
      kind: 'construction-site',
      lot: { goodId, mustBeGoneBy: new Date(mustBeGoneBy).toISOString() },
      skills: ['tail-lift'],
      expectedLoad: { kg: 800 },
    });
    await context.close();
  });
});
