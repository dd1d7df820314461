import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { counterContext, expectAccessible, launchBrowser, screenshot, signIn } from './browser';
import { created, registerMember, startConsoleSystem, type ConsoleSystem } from './system';

/**
 * A partner shop's journey in a real Chromium against the real system: its deposit pool,
 * counted by state, with what its containers stand for; and full crates reported as a
 * pickup request to collection (inventory lets a shop read its stock, not record an intake).
 */
describe('Console: partner shop', () => {
  let system: ConsoleSystem;
  let browser: Browser;
  let shop: Awaited<ReturnType<typeof registerMember>>;

  beforeAll(async () => {
    [system, browser] = await Promise.all([startConsoleSystem(), launchBrowser()]);
    shop = await registerMember(system, {
      kind: 'shop',
      siteKind: 'partner-shop',
      name: 'Biocoop Saint-Leu',
    });
    // Crates brought back by customers, recorded at the shop's site by the coordinator.
    created(
      await system.call('POST', '/v1/intakes', shop.coordinator, {
        siteId: shop.siteId,
        locationId: shop.locationId,
        grossWeightKg: 30,
        tareKg: 0,
        provenance: { locality: 'Amiens' },
        collectionMode: 'shop',
        goods: [{ kind: 'pool', containerType: 'Caisse 12 × 75 cl', count: 24, depositCents: 20 }],
      }),
    );
  });

  afterAll(async () => {
    await browser?.close();
    await system?.close();
  });

  it('should show the shop its crates and deposit pool', async () => {
    const person = system.person('shop', shop.organisationId);
    // Inventory's rules: a shop records no intake (PERMISSIONS.md), so the page offers none.
    const intake = await system.call('POST', '/v1/intakes', person, {
      siteId: shop.siteId,
      locationId: shop.locationId,
      grossWeightKg: 10,
      tareKg: 0,
      provenance: { locality: 'Amiens' },
      collectionMode: 'shop',
      goods: [{ kind: 'pool', containerType: 'Caisse', count: 1, depositCents: 20 }],
    });
    expect(intake.status).toBe(403);

    const context = await counterContext(browser);
    const page = await context.newPage();
    await signIn(page, system.url, person);
    await page.getByRole('heading', { level: 1, name: 'Caisses et consigne' }).waitFor();
    const row = page.getByRole('row', { name: /Caisse 12 × 75 cl/ });
    await row.waitFor();
    expect(await row.textContent()).toContain('Biocoop Saint-Leu, site');
    expect(await row.textContent()).toContain('rendu : 24');
    // French writes a narrow no-break space before the euro sign.
    expect(await row.textContent()).toMatch(/0,20\s€/);
    // 24 crates in the loop, 20 cents each.
    const summary = page.getByRole('definition');
    expect((await summary.allTextContents()).map((text) => text.replace(/\s/g, ' '))).toEqual([
      '24',
      '24',
      '4,80 €',
    ]);
    await page.getByRole('heading', { name: 'Signaler des caisses pleines' }).waitFor();
    // Full crates are reported as a pickup request to collection.
    await page.getByRole('link', { name: 'Demander une collecte de caisses' }).waitFor();
    await expectAccessible(page, 'shop: pool');

    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      390,
    );
    await expectAccessible(page, 'shop: pool on a phone');
    await screenshot(page, 'shop-journey');
    await context.close();
  });
});
