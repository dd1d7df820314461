import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { eventually } from '@boucle/testing';
import { counterContext, expectAccessible, launchBrowser, screenshot, signIn } from './browser';
import { registerMember, startConsoleSystem, type ConsoleSystem } from './system';

/**
 * Intake at a counter without network: entries are kept on the device and sent when the
 * network returns, each recorded once in inventory, even the one whose answer was lost
 * on its way back (sent again with its Idempotency-Key, answered from the first time).
 */
describe('Console: offline intake', () => {
  let system: ConsoleSystem;
  let browser: Browser;
  let member: Awaited<ReturnType<typeof registerMember>>;
  let operator: string;

  beforeAll(async () => {
    [system, browser] = await Promise.all([startConsoleSystem(), launchBrowser()]);
    member = await registerMember(system, {
      kind: 'reuse-village',
      siteKind: 'reuse-village',
      name: 'Recyclerie des Étangs',
    });
    operator = system.person('operator', member.organisationId);
  });

  afterAll(async () => {
    await browser?.close();
    await system?.close();
  });

  it('should keep three intakes made offline and record each once when the network returns', async () => {
    // Requests are watched at the page: no service worker stands between.
    const context = await counterContext(browser, { serviceWorkers: 'block' });
    const page = await context.newPage();
    await signIn(page, system.url, operator, '/workstation');
    // Picked from the member's own sites and locations, as the gateway lists them.
    await page.getByRole('combobox', { name: /^Site/ }).selectOption(member.siteId);
    await page.getByRole('combobox', { name: /^Emplacement/ }).selectOption(member.locationId);
    await page.getByRole('button', { name: 'Enregistrer le poste' }).click();
    await page.getByRole('link', { name: 'Accueil et pesée' }).click();
    await page.getByRole('heading', { level: 1, name: 'Accueil et pesée' }).waitFor();

    await context.setOffline(true);
    await page.getByText('Hors ligne', { exact: true }).waitFor();
    const serials = ['OFF-001', 'OFF-002', 'OFF-003'];
    for (const [index, serial] of serials.entries()) {
      await page.getByLabel('Poids brut (kg)').fill(`${20 + index},5`);
      await page.getByLabel('Commune de provenance').fill('Amiens');
      await page.getByRole('radio', { name: 'Apport volontaire' }).check();
      await page.getByLabel('Numéro de série').fill(serial);
      await page.getByLabel('Marque').fill('Sunrise Medical');
      await page.getByLabel('Modèle').fill('Quickie Life');
      await page.getByRole('button', { name: 'Enregistrer l’entrée' }).click();
      await page.getByText('Pas de réseau : l’entrée est gardée sur cet appareil').waitFor();
      await page.locator('.outbox__entry[data-status="pending"]').nth(index).waitFor();
    }
    await page.getByText('3 entrées en attente d’envoi').waitFor();
    await expectAccessible(page, 'intake offline');
    await screenshot(page, 'offline-kept');
    // Nothing has reached inventory.
    expect(
      (await system.call('GET', `/v1/goods?siteId=${member.siteId}`, operator)).body['goods'],
    ).toEqual([]);

    // The first answer is lost on its way back: the gateway records the intake, the
    // device hears nothing and keeps the entry, to send it again with its key.
    const sent: string[] = [];
    let lost = false;
    await page.route('**/v1/intakes', async (route) => {
      sent.push(route.request().headers()['idempotency-key'] ?? '');
      if (lost) return route.continue();
      lost = true;
      const response = await route.fetch();
      expect(response.status()).toBe(201);
      await route.abort('connectionreset');
    });
    await context.setOffline(false);
    await eventually(
      async () => expect(await page.locator('.outbox__entry[data-status="sent"]').count()).toBe(3),
      {
        timeoutMs: 60_000,
        intervalMs: 250,
      },
    );
    await page.getByText('En ligne', { exact: true }).waitFor();
    await expectAccessible(page, 'intake back online');
    await screenshot(page, 'offline-sent');

    // The lost one was sent twice with the same key; every intake exists once.
    expect(sent.length).toBe(4);
    expect(new Set(sent).size).toBe(3);
    const goods = (await system.call('GET', `/v1/goods?siteId=${member.siteId}`, operator)).body[
      'goods'
    ] as {
      serialNumber: string;
    }[];
    expect(goods.map((g) => g.serialNumber).sort()).toEqual(serials);
    await context.close();
  });
});
