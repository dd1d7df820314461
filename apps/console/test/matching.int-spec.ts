import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { eventually, parisDay } from '@boucle/testing';
import { counterContext, expectAccessible, launchBrowser, screenshot, signIn } from './browser';
import { created, registerMember, startConsoleSystem, type ConsoleSystem } from './system';

const CHECKLIST = ['Châssis et croisillon', 'Freins de stationnement', 'Toile d’assise'];
const LONGUEAU = { latitude: 49.8708, longitude: 2.3569 };
const AMIENS = { latitude: 49.8945, longitude: 2.2957 };
const inDays = (days: number) => parisDay(new Date(Date.now() + days * 86_400_000));

/**
 * Matching in a real Chromium against the real system: a social worker states a need for a
 * wheelchair for a person leaving hospital, finds one at the workshop by words and
 * distance, reserves it, and watches it approved live while the workshop's staff approve
 * it from their own queue, in another browser.
 */
describe('Console: matching', () => {
  let system: ConsoleSystem;
  let browser: Browser;
  let workshop: Awaited<ReturnType<typeof registerMember>>;
  let socialWorker: string;
  let workshopOperator: string;
  let goodId: string;

  /** A wheelchair weighed in at the workshop and taken through every gate to available. */
  async function availableWheelchair(refurbisher: string, certificateId: string): Promise<string> {
    const intake = await system.call('POST', '/v1/intakes', workshopOperator, {
      siteId: workshop.siteId,
      locationId: workshop.locationId,
      grossWeightKg: 20,
      tareKg: 2,
      provenance: { locality: 'Camon' },
      collectionMode: 'drop-off',
      goods: [
        {
          kind: 'item',
          serialNumber: `IA3NG-${Date.now()}`,
          make: 'Invacare',
          model: 'Action 3 NG',
          manufacturedOn: `${Number(parisDay().slice(0, 4)) - 3}-01-01`,
          attributes: { seatWidthCm: 45, seatDepthCm: 43, maxUserWeightKg: 125, foldable: true },
          weightKg: 16.8,
        },
      ],
    });
    created(intake);
    const id = (intake.body['goodIds'] as string[])[0]!;
    const gates: [string, unknown][] = [
      ['triage', { decision: 'repairable' }],
      ['refurbishment', {}],
      ['checklist', { steps: CHECKLIST.map((step) => ({ step, done: true })) }],
      ['quality-check', { passed: true }],
      ['disinfection', { performedOn: parisDay(), method: 'vapeur', operatorId: 'tech-07' }],
      ['certification', { certificateId, newUseMonths: 24, instructionsRef: 'INV-A3NG-2024' }],
      ['release', {}],
    ];
    for (const [gate, body] of gates) {
      const answer = await system.call('POST', `/v1/goods/${id}/${gate}`, refurbisher, body);
      expect({ gate, status: answer.status, detail: answer.body['detail'] }).toMatchObject({
        status: 200,
      });
    }
    return id;
  }

  beforeAll(async () => {
    [system, browser] = await Promise.all([startConsoleSystem(), launchBrowser()]);
    workshop = await registerMember(system, {
      kind: 'workshop',
      siteKind: 'workshop',
      name: 'Atelier aides techniques de Longueau',
      position: LONGUEAU,
    });
    const service = created(
      await system.call('POST', '/v1/organisations', workshop.coordinator, {
        name: 'Service autonomie d’Amiens',
        kind: 'social-service',
      }),
    );
    socialWorker = system.person('operator', String(service.body['organisationId']));
    workshopOperator = system.person('operator', workshop.organisationId);
    const refurbisher = system.person('refurbisher', workshop.organisationId);
    created(
      await system.call('POST', '/v1/device-models', workshop.coordinator, {
        make: 'Invacare',
        model: 'Action 3 NG',
        isoClass: '12 22 03',
        lifetimeYears: 8,
        checklist: CHECKLIST,
        instructionsRef: 'INV-A3NG-2024',
      }),
    );
    const certificate = created(
      await system.call('POST', '/v1/certificates', workshop.coordinator, {
        siteId: workshop.siteId,
        reference: 'NF-S97-414-0042',
        validFrom: inDays(-30),
        validUntil: inDays(365),
      }),
    );
    goodId = await availableWheelchair(refurbisher, String(certificate.body['certificateId']));
    // Matching lists it once inventory's event has reached it.
    await eventually(
      async () => {
        const listed = await system.call('GET', `/v1/catalogue/${goodId}`, socialWorker);
        expect(listed.body['availableQuantity']).toBe('1');
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await system?.close();
  });

  it('should let a social worker find a wheelchair by words and distance, reserve it and see it approved live', async () => {
    const context = await counterContext(browser);
    const page = await context.newPage();
    await signIn(page, system.url, socialWorker, '/needs');
    await page.getByRole('heading', { level: 1, name: 'Besoins d’aides techniques' }).waitFor();
    await page.getByRole('link', { name: 'Exprimer un besoin' }).click();
    await page.getByRole('heading', { name: 'Exprimer un besoin d’aide technique' }).waitFor();

    // What the console checks itself is said next to its field, in French.
    await page.getByRole('button', { name: 'Enregistrer le besoin' }).click();
    await page.locator('#f-isoClass-error').waitFor();
    expect(await page.locator('#f-isoClass-error').textContent()).toContain('Choisissez');
    await expectAccessible(page, 'need form with errors');

    await page
      .getByRole('combobox', { name: /^Catégorie d’aide/ })
      .selectOption({ label: '12 22 · Fauteuils roulants manuels' });
    await page.getByLabel('Largeur d’assise minimale (cm)').fill('42');
    await page.getByRole('checkbox', { name: 'Pliable' }).check();
    await page.getByLabel('Nom et prénom').fill('Jeanne Martin');
    await page.getByLabel('Téléphone').fill('03 22 00 00 00');
    await page.getByRole('radio', { name: 'Urgent (sous quelques jours)' }).check();
    await page.getByRole('combobox', { name: /^Motif/ }).selectOption('hospital-discharge');
    await page.getByLabel('Nécessaire au plus tard le').fill(inDays(3));
    await page.getByLabel('Commune').fill('Amiens');
    await page.getByLabel('Latitude').fill(String(AMIENS.latitude).replace('.', ','));
    await page.getByLabel('Longitude').fill(String(AMIENS.longitude));
    await page.getByRole('button', { name: 'Enregistrer le besoin' }).click();

    // The person as the API answers for the need, nothing kept on the device.
    await page.getByText('Besoin enregistré.').waitFor();
    await page.getByRole('definition').filter({ hasText: 'Jeanne Martin' }).waitFor();
    expect(await page.evaluate(() => JSON.stringify({ ...localStorage }))).not.toContain('Jeanne');
    const needId = new URL(page.url()).pathname.split('/').pop()!;

    // A distance the gateway refuses: its problem shown next to the field, in French.
    await page.getByLabel('Mots').fill('fauteuil roulant');
    await page.getByLabel('Distance maximale (km)').fill('2000');
    await page.getByRole('button', { name: 'Rechercher' }).click();
    const distanceError = page.locator('#f-near-withinKm-error');
    await distanceError.waitFor();
    expect(await distanceError.textContent()).toContain('Au plus 1');
    expect(await distanceError.getAttribute('lang')).toBe(null);
    expect(await distanceError.locator('span').first().getAttribute('lang')).toBe('fr');
    await expectAccessible(page, 'need: search refused');

    await page.getByLabel('Distance maximale (km)').fill('15');
    await page.getByRole('button', { name: 'Rechercher' }).click();
    const results = page.getByRole('list', { name: 'Résultats' });
    await results.waitFor();
    const found = results.getByRole('listitem').filter({ hasText: 'Invacare Action 3 NG' });
    expect(await found.textContent()).toMatch(/Longueau|Amiens/);
    expect(await found.textContent()).toMatch(/à \d+,\d km/);
    await expectAccessible(page, 'need: aids found');

    await found.getByRole('button', { name: /^Réserver pour ce besoin/ }).click();
    await page.waitForURL(/\/reservations\//);
    const state = page.locator('.reservation-state');
    await state.getByText('en attente de validation par l’atelier').waitFor();
    await page.getByText('Suivie en direct').waitFor();
    await expectAccessible(page, 'reservation awaiting approval');
    const reservationId = new URL(page.url()).pathname.split('/').pop()!;

    // The workshop's staff, in their own browser, approve it from their queue.
    const staffContext = await counterContext(browser);
    const staff = await staffContext.newPage();
    await signIn(staff, system.url, workshopOperator, '/approvals');
    await staff.getByRole('heading', { level: 1, name: 'Réservations à valider' }).waitFor();
    const awaiting = staff.getByRole('article', { name: /Invacare Action 3 NG/ });
    await awaiting.waitFor();
    await expectAccessible(staff, 'approvals queue');
    await awaiting.getByRole('button', { name: 'Valider' }).click();
    await staff.getByRole('status').filter({ hasText: 'Réservation validée' }).waitFor();
    await staff.getByText('Aucune réservation en attente de validation.').waitFor();

    // Seen on the social worker's page without reloading it.
    await state.getByText('validée', { exact: true }).waitFor({ timeout: 15_000 });
    await page.getByText('Validée le').waitFor();
    const read = await system.call('GET', `/v1/reservations/${reservationId}`, socialWorker);
    expect(read.body).toMatchObject({ needId, goodId, status: 'confirmed' });
    await expectAccessible(page, 'reservation approved');
    await screenshot(page, 'matching-reservation-approved');

    await page.getByRole('link', { name: 'Revenir au besoin' }).click();
    await page.getByRole('link', { name: /validée/ }).waitFor();
    await staffContext.close();
    await context.close();
  }, 120_000);
  it('should let a firm publish a wanted material, find a lot offered near and reserve part of it', async () => {
    const offering = await registerMember(system, {
      kind: 'construction-firm',
      siteKind: 'construction-site',
      name: 'Déconstruction Picarde',
      position: LONGUEAU,
    });
    const wanting = await registerMember(system, {
      kind: 'construction-firm',
      siteKind: 'construction-site',
      name: 'Rénovation du Val',
      position: AMIENS,
    });
    const lot = created(
      await system.call('POST', '/v1/lots', system.person('firm', offering.organisationId), {
        siteId: offering.siteId,
        locationId: offering.locationId,
        materialFamily: 'Parquet chêne massif',
        quantity: '40',
        unit: 'm2',
        estimated: false,
        conditionGrade: 'B',
        wasteCode: '17 02 01',
        weightKg: 800,
        availableFrom: new Date().toISOString(),
        mustBeGoneBy: `${inDays(10)}T17:00:00+01:00`,
        fallback: { route: 'recycling', facility: 'Plateforme bois de Longueau' },
      }),
    );
    const lotId = String(lot.body['goodId']);
    const buyer = system.person('firm', wanting.organisationId);
    await eventually(
      async () => {
        const listed = await system.call('GET', `/v1/catalogue/${lotId}`, buyer);
        expect(listed.body['availableQuantity']).toBe('40');
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );

    const context = await counterContext(browser);
    const page = await context.newPage();
    await signIn(page, system.url, buyer);
    await page.getByRole('link', { name: 'Matériaux recherchés' }).click();
    await page.getByRole('heading', { level: 1, name: 'Matériaux recherchés' }).waitFor();
    await page.getByText('Aucun matériau recherché pour le moment.').waitFor();
    await page.getByRole('link', { name: 'Ajouter une recherche' }).click();
    await page.getByLabel('Famille de matériau').fill('Parquet chêne massif');
    await page.getByLabel('Quantité', { exact: true }).fill('15');
    await page.getByRole('radio', { name: 'B : bon' }).check();
    await page.getByLabel('Nécessaire avant le').fill(`${inDays(7)}T12:00`);
    await page.getByLabel('Commune').fill('Amiens');
    await page.getByLabel('Latitude').fill(String(AMIENS.latitude));
    await page.getByLabel('Longitude').fill(String(AMIENS.longitude));
    await page.getByLabel('Rayon (km)').fill('20');
    await expectAccessible(page, 'firm: wanted material filled');
    await page.getByRole('button', { name: 'Enregistrer la recherche' }).click();
    await page.getByRole('heading', { level: 1, name: /Parquet chêne massif/ }).waitFor();

    await page.getByRole('button', { name: 'Rechercher' }).click();
    const offered = page
      .getByRole('list', { name: 'Résultats' })
      .getByRole('listitem')
      .filter({ hasText: 'Parquet chêne massif' });
    await offered.waitFor();
    expect(await offered.textContent()).toContain('40 m² disponible(s)');
    await expectAccessible(page, 'firm: lots proposed');
    // Part of the lot: the rest stays on offer.
    await offered.getByLabel(/^Quantité à réserver/).fill('15,5');
    await offered.getByRole('button', { name: 'Réserver' }).click();
    await page.waitForURL(/\/reservations\//);
    await page
      .locator('.reservation-state')
      .getByText(/^(réservée|validée)$/)
      .waitFor();
    expect(await page.getByRole('definition').first().textContent()).toContain('15,5');
    await expectAccessible(page, 'firm: part of a lot reserved');
    await screenshot(page, 'matching-lot-reserved');
    await context.close();
  }, 120_000);
});
