import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import type { Browser, Locator, Page } from 'playwright-core';
import { counterContext, expectAccessible, launchBrowser, screenshot, signIn } from './browser';
import { created, startConsoleSystem, type ConsoleSystem } from './system';

/** The file a CSV button gives, as bytes. */
async function exported(page: Page, button: Locator): Promise<Buffer> {
  const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
  expect(download.suggestedFilename()).toMatch(/^[a-z0-9-]+-\d{4}-\d{2}-\d{2}\.csv$/);
  return readFileSync(await download.path());
}

/**
 * The coordinator's journey in a real Chromium against the real system: a member and its
 * site registered, a certificate recorded and revoked, a device model registered, then the
 * tonnage dashboard (its charts and tables) and a table exported as CSV for French Excel.
 */
describe('Console: coordinator', () => {
  let system: ConsoleSystem;
  let browser: Browser;
  let coordinator: string;

  beforeAll(async () => {
    [system, browser] = await Promise.all([startConsoleSystem(), launchBrowser()]);
    coordinator = system.person('coordinator', null);
  });

  afterAll(async () => {
    await browser?.close();
    await system?.close();
  });

  it('should register a member and its site, then show the tonnage charts and export them as CSV', async () => {
    const context = await counterContext(browser);
    const page = await context.newPage();
    await signIn(page, system.url, coordinator);
    await page.getByRole('heading', { level: 1, name: 'Bilan des tonnages' }).waitFor();

    await page.getByRole('link', { name: 'Membres' }).click();
    await page.getByRole('heading', { level: 1, name: 'Membres du pôle' }).waitFor();
    await page.getByText('Aucun membre enregistré.').waitFor();
    await page.getByRole('button', { name: 'Enregistrer le membre' }).click();
    await page.locator('#f-name-error').waitFor();
    await page.getByLabel('Nom').fill('Ressourcerie des Hortillons');
    await page.getByLabel('Type de structure').selectOption({ label: 'Ressourcerie' });
    await page.getByRole('button', { name: 'Enregistrer le membre' }).click();
    await page.getByText('Membre enregistré : Ressourcerie des Hortillons.').waitFor();
    await page.getByRole('cell', { name: 'Ressourcerie des Hortillons', exact: true }).waitFor();
    await expectAccessible(page, 'coordinator: members');

    // Its first site, the member already chosen; half a position is refused on the device.
    await page.getByRole('link', { name: 'Enregistrer son premier site' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sites des membres' }).waitFor();
    await page.getByText('Aucun site enregistré.').waitFor();
    await page.getByLabel('Nom du site').fill('Ressourcerie des Hortillons, Saint-Leu');
    await page.getByLabel('Type de site').selectOption({ label: 'Ressourcerie' });
    await page.getByLabel('Commune').fill('Amiens');
    await page.getByLabel('Latitude').fill('49,8989');
    await page.getByLabel('Emplacements').fill('Accueil\nStock');
    await page.getByRole('button', { name: 'Enregistrer le site' }).click();
    await page.locator('#f-position-longitude-error').waitFor();
    await page.getByLabel('Longitude').fill('2,3007');
    await page.getByRole('button', { name: 'Enregistrer le site' }).click();
    await page.getByText('Site enregistré : Ressourcerie des Hortillons, Saint-Leu.').waitFor();
    const siteRow = page.getByRole('row', { name: /Saint-Leu/ });
    await siteRow.waitFor();
    expect(await siteRow.textContent()).toContain('49,8989');
    expect(await siteRow.textContent()).toContain('Accueil, Stock');
    await expectAccessible(page, 'coordinator: sites');

    const sites = await system.call('GET', '/v1/sites', coordinator);
    const site = (
      sites.body['sites'] as { id: string; organisationId: string; locations: { id: string }[] }[]
    )[0]!;
    expect(site.organisationId).toEqual(expect.any(String));

    // Its centre certificate, recorded then revoked.
    await page.getByRole('link', { name: 'Certificats' }).click();
    await page.getByRole('combobox', { name: /^Site/ }).selectOption(site.id);
    await page.getByText('Aucun certificat pour ce site.').waitFor();
    await page.getByLabel('Référence', { exact: true }).fill('NF-S97-414-0107');
    await page.getByLabel('Valide jusqu’au').fill('2027-12-31');
    await page.getByRole('button', { name: 'Enregistrer le certificat' }).click();
    await page.getByText('Certificat NF-S97-414-0107 enregistré.').waitFor();
    await page.getByRole('button', { name: 'Retirer NF-S97-414-0107' }).click();
    await page.getByLabel('Motif du retrait').fill('Audit de suivi non concluant');
    await expectAccessible(page, 'coordinator: certificates, revoking');
    await page.getByRole('button', { name: 'Retirer le certificat' }).click();
    await page.getByText('Certificat NF-S97-414-0107 retiré.').waitFor();
    // Read again: no longer valid, and no longer to revoke.
    const certificateRow = page.getByRole('row', { name: /NF-S97-414-0107/ });
    await certificateRow.locator('td', { hasText: /^non$/ }).waitFor();
    expect(await certificateRow.getByRole('button').count()).toBe(0);

    // A device model with its checklist, shown as the cluster certifies it now.
    await page.getByRole('link', { name: 'Modèles d’aides' }).click();
    await page.getByLabel('Marque').last().fill('Invacare');
    await page.getByLabel('Modèle').last().fill('Action 3');
    await page.getByLabel('Classe ISO 9999').fill('12 22 03');
    await page.getByLabel('Durée de vie (années)').fill('10');
    await page.getByLabel('Notice du fabricant').fill('INV-A3-REF-2024');
    await page.getByLabel('Liste de contrôle').fill('Freins réglés\nPneus vérifiés');
    await page.getByRole('button', { name: 'Enregistrer le modèle' }).click();
    await page.getByRole('heading', { name: 'Invacare Action 3, version 1' }).waitFor();
    await page.getByRole('cell', { name: 'Pneus vérifiés' }).waitFor();
    await expectAccessible(page, 'coordinator: device models');

    // The member's counter takes in cardboard and an aid; some cardboard goes to a stable
    // (reuse), the aid, defective, is scrapped to recycling.
    const operator = system.person('operator', site.organisationId);
    const intake = created(
      await system.call('POST', '/v1/intakes', operator, {
        siteId: site.id,
        locationId: site.locations[0]!.id,
        grossWeightKg: 108,
        tareKg: 0,
        provenance: { locality: 'Amiens' },
        collectionMode: 'drop-off',
        goods: [
          { kind: 'bulk', material: 'cardboard', weightKg: 90 },
          { kind: 'item', serialNumber: 'IC-1', make: 'Invacare', model: 'Action 3', weightKg: 18 },
        ],
      }),
    );
    const [cardboard, aid] = intake.body['goodIds'] as string[];
    for (const [method, path, body] of [
      [
        'POST',
        `/v1/goods/${cardboard}/moves`,
        { quantity: '90', fromState: 'collected', toState: 'available', reason: 'sorted' },
      ],
      ['POST', `/v1/goods/${aid}/quarantine`, { reason: 'defect' }],
      [
        'POST',
        `/v1/goods/${aid}/quarantine/scrapping`,
        { destination: { route: 'recycling', facility: 'Paprec Amiens' } },
      ],
    ] as const)
      expect((await system.call(method, path, operator, body)).status).toBeLessThan(300);
    const hold = created(
      await system.call('POST', '/v1/holds', operator, {
        goodId: cardboard,
        quantity: '30',
        holderId: 'ecurie-des-hortillons',
        ttlSeconds: 3600,
      }),
    );
    expect(
      (
        await system.call('POST', `/v1/holds/${String(hold.body['holdId'])}/hand-over`, operator, {
          beneficiaryRef: 'ecurie-des-hortillons',
        })
      ).status,
    ).toBe(200);

    await page.getByRole('link', { name: 'Bilan des tonnages' }).click();
    await page.getByRole('heading', { level: 1, name: 'Bilan des tonnages' }).waitFor();
    const figures = page.locator('.figures');
    await figures.getByText('0,108 t').waitFor();
    expect(await figures.textContent()).toContain('0,048 t');
    // 30 kg reused of 48 kg gone out: 62.5 %.
    expect(await figures.textContent()).toContain('62,5 %');
    const chart = page.getByRole('img', { name: /^Entrées par flux/ });
    await chart.waitFor();
    expect(await chart.locator('.chart__fill').count()).toBe(2);
    const bars = await chart
      .locator('.chart__fill')
      .evaluateAll((rects) => rects.map((r) => r.getAttribute('width')));
    expect(bars).toEqual(['100%', '20%']);
    await page.getByRole('img', { name: /^Sorties par destination/ }).waitFor();
    await expectAccessible(page, 'coordinator: tonnage');

    const csv = await exported(
      page,
      page.getByRole('button', { name: 'Exporter en CSV : Données : Entrées par flux' }),
    );
    // UTF-8 with its byte-order mark, `;` between fields, a decimal comma, CRLF line ends.
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.subarray(3).toString('utf8')).toBe(
      'Flux;Tonnes\r\nCarton et litière;0,09\r\nAides techniques;0,018\r\nTotal;0,108\r\n',
    );
    await page.getByRole('link', { name: 'Membres' }).click();
    const members = await exported(
      page,
      page.getByRole('button', { name: /^Exporter en CSV : 1 membre/ }),
    );
    expect(members.toString('utf8')).toContain(
      `Ressourcerie des Hortillons;Ressourcerie;${site.organisationId}\r\n`,
    );
    await page.getByRole('link', { name: 'Bilan des tonnages' }).click();
    await page.getByRole('img', { name: /^Entrées par flux/ }).waitFor();
    await screenshot(page, 'coordinator-journey');
    await context.close();
  });
});
