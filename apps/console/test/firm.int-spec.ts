import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { counterContext, expectAccessible, launchBrowser, screenshot, signIn } from './browser';
import { registerMember, startConsoleSystem, type ConsoleSystem } from './system';

/** `2026-12-15T17:00` in Paris, some days from now, as a datetime-local field takes it. */
function parisLocal(daysFromNow: number, time: string): string {
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(
    Date.now() + daysFromNow * 86_400_000,
  );
  return `${day}T${time}`;
}

/**
 * A construction firm's journey in a real Chromium against the real system: a lot offered
 * from its site (a hazardous code refused on the way), a hold placed meanwhile for another
 * member seen before anything is done (412), the rest diverted to the route, the window
 * amended, and where the lot went.
 */
describe('Console: construction firm', () => {
  let system: ConsoleSystem;
  let browser: Browser;
  let firm: Awaited<ReturnType<typeof registerMember>>;
  let taker: Awaited<ReturnType<typeof registerMember>>;

  beforeAll(async () => {
    [system, browser] = await Promise.all([startConsoleSystem(), launchBrowser()]);
    firm = await registerMember(system, {
      kind: 'construction-firm',
      siteKind: 'construction-site',
      name: 'Déconstruction Picarde',
    });
    taker = await registerMember(system, {
      kind: 'reuse-village',
      siteKind: 'reuse-village',
      name: 'Ressourcerie du Val',
    });
  });

  afterAll(async () => {
    await browser?.close();
    await system?.close();
  });

  it('should offer a lot, see a hold placed for another member, divert the rest and say where it went', async () => {
    const manager = system.person('firm', firm.organisationId);
    const context = await counterContext(browser);
    const page = await context.newPage();
    await signIn(page, system.url, manager);
    await page.getByRole('heading', { level: 1, name: 'Mes lots' }).waitFor();
    await page.getByText('Aucun lot proposé pour l’instant.').waitFor();
    await expectAccessible(page, 'firm: lots, none yet');

    await page.getByRole('link', { name: 'Proposer un lot' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Proposer un lot' }).waitFor();
    // The firm's construction sites and their locations, picked by name.
    await page
      .getByRole('combobox', { name: /^Chantier/ })
      .selectOption({ label: 'Déconstruction Picarde, site (Amiens)' });
    await page
      .getByRole('combobox', { name: /^Emplacement sur le chantier/ })
      .selectOption({ label: 'Atelier' });
    await page.getByLabel('Famille de matériau').fill('Parquet chêne massif');
    await page.getByLabel('Quantité', { exact: true }).fill('40');
    await page.getByLabel('Quantité estimée (avant dépose)').check();
    await page.getByRole('radio', { name: 'B : bon' }).check();
    await page.getByLabel('Code déchet').fill('17 06 05*');
    await page.getByLabel('Poids estimé (kg)').fill('800');
    await page.getByLabel('À enlever avant le').fill(parisLocal(10, '17:00'));
    await page.getByRole('radio', { name: 'Recyclage' }).check();
    await page.getByLabel('Installation').fill('Plateforme bois de Longueau');
    await page.getByLabel('Références des photos').fill('photo:chantier-12/parquet-1');
    await expectAccessible(page, 'firm: offer filled');

    // A starred (hazardous) code is never offered: said next to the field, nothing sent.
    await page.getByRole('button', { name: 'Proposer le lot' }).click();
    const codeError = page.locator('#f-wasteCode-error');
    await codeError.waitFor();
    expect(await codeError.textContent()).toContain('déchet dangereux');
    await expectAccessible(page, 'firm: offer refused');
    await page.getByLabel('Code déchet').fill('17 02 01');
    await page.getByRole('button', { name: 'Proposer le lot' }).click();
    await page.getByText('Lot proposé : les membres du pôle peuvent le réserver.').waitFor();
    await page.getByRole('heading', { level: 1, name: /Parquet chêne massif/ }).waitFor();
    const lotId = new URL(page.url()).pathname.split('/').pop()!;
    await page.getByText('Aucune réservation pour l’instant.').waitFor();
    await expectAccessible(page, 'firm: lot offered');

    // Meanwhile, over the API, the other member's part is held. Another member's good is
    // not theirs to hold (inventory answers it as not found): the coordinator holds it for them.
    const otherOperator = system.person('operator', taker.organisationId);
    const refused = await system.call('POST', '/v1/holds', otherOperator, {
      goodId: lotId,
      quantity: '15',
      holderId: `membre-${taker.organisationId}`,
      ttlSeconds: 7 * 86_400,
    });
    expect(refused.status).toBe(404);
    const hold = await system.call('POST', '/v1/holds', firm.coordinator, {
      goodId: lotId,
      quantity: '15',
      holderId: `membre-${taker.organisationId}`,
      ttlSeconds: 7 * 86_400,
    });
    expect(hold.status).toBe(201);

    // The page still shows the lot as it read it: the diversion, sent with that ETag, does
    // nothing (412), and the page reads the lot again, with the hold.
    await page.getByRole('button', { name: 'Orienter le reste' }).click();
    await page.getByText('Ce lot a changé depuis que vous l’avez ouvert').waitFor();
    const holds = page.locator('section[aria-labelledby="lot-holds"]');
    await holds.getByText(`membre-${taker.organisationId}`).waitFor();
    expect(await holds.locator('tbody td.number').textContent()).toBe('15 m²');
    expect((await system.call('GET', `/v1/goods/${lotId}`, manager)).body['balances']).not.toEqual(
      expect.arrayContaining([expect.objectContaining({ state: 'diverted' })]),
    );
    await expectAccessible(page, 'firm: lot changed meanwhile');

    // Read again, the rest (what nobody holds) goes to the offer's route.
    await page.getByText('Ce que personne n’a réservé (25 m²) part maintenant').waitFor();
    await page.getByRole('button', { name: 'Orienter le reste' }).click();
    await page.getByText('Reste orienté vers la filière : 25 m².').waitFor();
    const went = page.locator('section[aria-labelledby="lot-went"]');
    await went.getByText('Orienté vers : Recyclage').first().waitFor();
    expect(await went.locator('.totals').textContent()).toContain(
      'Orienté vers : Recyclage : 25 m²',
    );

    // The works moved forward: a new end, which the taker's hold is brought forward to.
    await page.getByLabel('À enlever avant le').fill(parisLocal(3, '12:00'));
    await page.getByRole('button', { name: 'Modifier la fenêtre' }).click();
    await page.getByText('1 réservation ramenée à cette date').waitFor();
    await expectAccessible(page, 'firm: lot diverted, window amended');

    const lot = await system.call('GET', `/v1/goods/${lotId}`, manager);
    expect(lot.body['balances']).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ state: 'diverted', quantity: '25' }),
        expect.objectContaining({ state: 'held', quantity: '15' }),
      ]),
    );
    const [held] = lot.body['activeHolds'] as { expiresAt: string }[];
    expect(Date.parse(held!.expiresAt)).toBeLessThan(Date.now() + 4 * 86_400_000);
    await screenshot(page, 'firm-lot');

    await page.getByRole('link', { name: 'Mes lots' }).click();
    const row = page.getByRole('row', { name: /Parquet chêne massif/ });
    await row.waitFor();
    // One hold on it, the rest diverted.
    expect(await row.locator('td.number').textContent()).toBe('1');
    expect(await row.textContent()).toContain('détourné vers une filière : 25 m²');
    await expectAccessible(page, 'firm: lots');
    await screenshot(page, 'firm-journey');
    await context.close();
  });
});
