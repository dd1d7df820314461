import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { eventually, uniqueId } from '@boucle/testing';
import { expectAccessible, launchBrowser, phoneContext, screenshot, signIn } from './browser';
import { planDay, registerVehicle, requestHomePickup, tomorrow } from './collection';
import { registerMember, startConsoleSystem, type ConsoleSystem } from './system';

/** A 1 × 1 PNG: what the phone's camera gives, as far as the console is concerned. */
const PHOTO = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

/** Draws a stroke across the signature area, as a finger would. */
async function sign(page: Page) {
  const pad = page.getByRole('img', { name: 'Zone de signature' });
  await pad.scrollIntoViewIfNeeded();
  const box = (await pad.boundingBox())!;
  await page.mouse.move(box.x + 20, box.y + box.height / 2);
  await page.mouse.down();
  for (let step = 1; step <= 8; step++)
    await page.mouse.move(box.x + 20 + step * 30, box.y + box.height / 2 + (step % 2 ? -20 : 20));
  await page.mouse.up();
}

/**
 * A driver's round on a phone in headless Chromium against the real system: the round
 * started, then three stops recorded with the network cut (one with a photo and a
 * signature), kept on the phone; when the network returns each is sent with its
 * Idempotency-Key, the one whose answer is lost on its way back sent again with the same
 * key. Each pickup is then completed once in collection, and its intake exists once in
 * inventory.
 */
describe('Console: driver offline', () => {
  let system: ConsoleSystem;
  let browser: Browser;
  let village: Awaited<ReturnType<typeof registerMember>>;
  let roundId: string;
  const pickups: string[] = [];
  const driverId = `driver-${uniqueId().slice(-8)}`;
  const day = tomorrow();
  const serials = ['DRV-001', 'DRV-002', 'DRV-003'];

  beforeAll(async () => {
    browser = await launchBrowser();
    system = await startConsoleSystem();
    village = await registerMember(system, {
      kind: 'reuse-village',
      siteKind: 'reuse-village',
      name: 'Ressourcerie du Port d’Amont',
      position: { latitude: 49.8941, longitude: 2.2958 },
    });
    const coordinator = village.coordinator;
    await registerVehicle(system, coordinator, village.organisationId);
    for (const [address, position] of [
      ['3 rue des Jacobins, Amiens', { latitude: 49.8937, longitude: 2.2989 }],
      ['48 boulevard de Beauvillé, Amiens', { latitude: 49.8862, longitude: 2.3137 }],
      ['21 rue de la Hotoie, Amiens', { latitude: 49.8969, longitude: 2.2812 }],
    ] as const)
      pickups.push(
        await requestHomePickup(system, coordinator, {
          organisationId: village.organisationId,
          day,
          deliverTo: { siteId: village.siteId, locationId: village.locationId },
          address,
          position,
        }),
      );
    const planned = await planDay(system, coordinator, day);
    const rounds = planned['rounds'] as { roundId: string; stops: unknown[] }[];
    expect(rounds.map((r) => r.stops.length)).toEqual([3]);
    roundId = rounds[0]!.roundId;
    const given = await system.call('POST', `/v1/rounds/${roundId}/driver`, coordinator, {
      driverId,
    });
    expect(given.status).toBe(200);
  });

  afterAll(async () => {
    await browser?.close();
    await system?.close();
  });

  it('should keep three stops recorded offline on the phone and complete each pickup once when the network returns', async () => {
    const driver = system.person('driver', village.organisationId, driverId);
    const context = await phoneContext(browser);
    const page = await context.newPage();

    // Every record of a stop the phone sends, by its key; the first answer is lost.
    const sent: { key: string; body: Record<string, unknown> }[] = [];
    let lost = false;
    await page.route('**/v1/rounds/*/stops/*/collection', async (route) => {
      sent.push({
        key: route.request().headers()['idempotency-key'] ?? '',
        body: route.request().postDataJSON() as Record<string, unknown>,
      });
      if (lost) return route.continue();
      lost = true;
      const response = await route.fetch();
      expect(response.status()).toBe(200);
      await route.abort('connectionreset');
    });

    await signIn(page, system.url, driver, `/driver?day=${day}`);
    await page.getByRole('heading', { level: 1, name: 'Ma tournée' }).waitFor();
    const cards = page.locator('.stop-card');
    await cards.nth(2).waitFor();
    expect(await cards.count()).toBe(3);
    await page.getByRole('img', { name: 'Carte de la tournée' }).waitFor();
    await expectAccessible(page, 'driver: round');
    // Large enough for a finger: every stop and the start at least 56 px high.
    for (const box of await Promise.all(
      [cards.first(), page.getByRole('button', { name: 'Commencer la tournée' })].map((l) =>
        l.boundingBox(),
      ),
    ))
      expect(box!.height).toBeGreaterThanOrEqual(56);

    await page.getByRole('button', { name: 'Commencer la tournée' }).click();
    await page.locator('.driver-round .state', { hasText: 'en cours' }).waitFor();

    // The van loses its signal.
    await context.setOffline(true);
    await page.getByText('Hors ligne', { exact: true }).waitFor();
    for (const [index, serial] of serials.entries()) {
      await cards.nth(index).click();
      await page
        .getByRole('heading', { level: 1, name: new RegExp(`^Arrêt ${index + 1} ·`) })
        .waitFor();
      await page.getByRole('radio', { name: 'Collecté' }).check();
      await page.getByLabel('Numéro de série').fill(serial);
      await page.getByLabel('Poids (kg)').fill(`${18 + index},5`);
      if (index === 0) {
        await page
          .getByLabel('Photos')
          .setInputFiles({ name: 'chargement.png', mimeType: 'image/png', buffer: PHOTO });
        await page.getByRole('img', { name: 'Photo chargement.png' }).waitFor();
        await sign(page);
        await page.getByText('Signé.', { exact: true }).waitFor();
        await expectAccessible(page, 'driver: stop filled offline');
        await screenshot(page, 'driver-stop');
      }
      await page.getByRole('button', { name: 'Enregistrer la collecte' }).click();
      await page.getByText('Arrêt gardé sur ce téléphone').waitFor();
      await cards.nth(index).getByText('Collecté, en attente d’envoi').waitFor();
    }
    await page.getByText('3 entrées en attente d’envoi').waitFor();
    await page.getByText('Pas de réseau : la tournée telle que lue le').waitFor();
    await expectAccessible(page, 'driver: round offline');
    await screenshot(page, 'driver-offline-kept');
    // Nothing has reached collection: every stop is still to do.
    const before = await system.call('GET', `/v1/rounds/${roundId}`, village.coordinator);
    expect((before.body['stops'] as { status: string }[]).map((s) => s.status)).toEqual([
      'pending',
      'pending',
      'pending',
    ]);
    expect(sent).toEqual([]);

    // The signal returns: each record goes, the lost one again with its key.
    await context.setOffline(false);
    await eventually(
      async () => {
        expect(await page.locator('.stop-card--collected').count()).toBe(3);
        expect(await page.locator('.outbox__entry').count()).toBe(0);
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    await page.getByText('En ligne', { exact: true }).waitFor();
    await page.locator('.driver-round .state', { hasText: 'terminée' }).waitFor();
    await expectAccessible(page, 'driver: round sent');
    await screenshot(page, 'driver-sent');

    expect(sent.length).toBe(4);
    expect(new Set(sent.map((s) => s.key)).size).toBe(3);
    // The proof travels as references: the photo's and the signature's digests.
    expect(sent[0]!.body['photoRefs']).toEqual([expect.stringMatching(/^photo:[0-9a-f]{32}$/)]);
    expect(sent[0]!.body['signatureRef']).toMatch(/^signature:[0-9a-f]{32}$/);
    expect(
      sent.map((s) => (s.body['goods'] as { serialNumber: string }[])[0]!.serialNumber),
    ).toEqual([serials[0], ...serials]);

    // Collection: each pickup completed, once, the round done.
    const round = await system.call('GET', `/v1/rounds/${roundId}`, village.coordinator);
    expect(round.body['status']).toBe('completed');
    for (const pickupId of pickups)
      expect(
        (await system.call('GET', `/v1/pickups/${pickupId}`, village.coordinator)).body,
      ).toMatchObject({ status: 'collected', misses: 0 });
    // Inventory: one intake per pickup, each aid once, at the village's site.
    const operator = system.person('operator', village.organisationId);
    const goods = await eventually(
      async () => {
        const answer = await system.call('GET', `/v1/goods?siteId=${village.siteId}`, operator);
        const found = answer.body['goods'] as { serialNumber: string }[];
        expect(found.length).toBeGreaterThanOrEqual(3);
        return found;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(goods.map((g) => g.serialNumber).sort()).toEqual(serials);

    // Back on the page later: nothing is sent again.
    await page.reload();
    await page.locator('.stop-card--collected').nth(2).waitFor();
    await page.getByText('En ligne', { exact: true }).waitFor();
    expect(sent.length).toBe(4);
    // The records sent, with their photo and signature, go from the phone when the driver says.
    await page.getByText('4 enregistrements envoyés, gardés sur ce téléphone').waitFor();
    await page.getByRole('button', { name: 'Effacer les envois faits' }).click();
    await page.getByRole('heading', { name: 'Envois gardés sur ce téléphone' }).waitFor({
      state: 'detached',
    });
    expect(await page.locator('.stop-card--collected').count()).toBe(3);
    await context.close();
  });
});
