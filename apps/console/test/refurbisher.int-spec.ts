import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { counterContext, expectAccessible, launchBrowser, screenshot, signIn } from './browser';
import { registerMember, startConsoleSystem, type ConsoleSystem } from './system';

const CHECKLIST = ['Châssis et soudures contrôlés', 'Freins réglés', 'Pneus et roues vérifiés'];
const day = (offsetDays: number) =>
  new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

/**
 * The workshop's journey in a real Chromium against the real system: an aid from the
 * queue through every gate to certification and release, what blocks a step said in
 * words, and an aid changed by someone else meanwhile (412) shown and read again.
 */
describe('Console: refurbisher', () => {
  let system: ConsoleSystem;
  let browser: Browser;
  let member: Awaited<ReturnType<typeof registerMember>>;
  let operator: string;
  let refurbisher: string;
  let certificateId: string;

  async function takeInAid(serialNumber: string): Promise<string> {
    const intake = await system.call('POST', '/v1/intakes', operator, {
      siteId: member.siteId,
      locationId: member.locationId,
      grossWeightKg: 18,
      tareKg: 0,
      provenance: { locality: 'Abbeville' },
      collectionMode: 'pickup',
      goods: [
        {
          kind: 'item',
          serialNumber,
          make: 'Invacare',
          model: 'Action 3',
          manufacturedOn: '2022-03-01',
          weightKg: 18,
        },
      ],
    });
    expect(intake.status).toBe(201);
    return (intake.body['goodIds'] as string[])[0]!;
  }

  async function step(page: Page, name: string) {
    await page.getByRole('button', { name }).click();
  }

  beforeAll(async () => {
    [system, browser] = await Promise.all([startConsoleSystem(), launchBrowser()]);
    member = await registerMember(system, {
      kind: 'workshop',
      siteKind: 'workshop',
      name: 'Atelier Santé Somme',
    });
    operator = system.person('operator', member.organisationId);
    refurbisher = system.person('refurbisher', member.organisationId);
    const model = await system.call('POST', '/v1/device-models', member.coordinator, {
      make: 'Invacare',
      model: 'Action 3',
      isoClass: '12 22 03',
      lifetimeYears: 10,
      checklist: CHECKLIST,
      instructionsRef: 'INV-A3-REF-2024',
    });
    expect(model.status).toBe(201);
    const certificate = await system.call('POST', '/v1/certificates', member.coordinator, {
      siteId: member.siteId,
      reference: 'NF-S97-414-0042',
      validFrom: day(-30),
      validUntil: day(365),
    });
    expect(certificate.status).toBe(201);
    certificateId = String(certificate.body['certificateId']);
  });

  afterAll(async () => {
    await browser?.close();
    await system?.close();
  });

  it('should take an aid from the queue through every gate to certification and release', async () => {
    const goodId = await takeInAid('IC-A3-0420');
    const context = await counterContext(browser);
    const page = await context.newPage();
    await signIn(page, system.url, refurbisher, '/workstation');
    await page.getByRole('combobox', { name: /^Site/ }).selectOption(member.siteId);
    // The site's valid certificates, by reference.
    const certificate = page.getByRole('combobox', { name: /^Certificat du centre/ });
    await certificate.locator(`option[value="${certificateId}"]`).waitFor({ state: 'attached' });
    await certificate.selectOption(certificateId);
    expect(await certificate.locator('option:checked').textContent()).toContain(
      'NF-S97-414-0042, valide jusqu’au',
    );
    await page.getByLabel('Votre référence de personnel').fill('tech-07');
    await page.getByLabel('Notice de remise en état').fill('INV-A3-REF-2024');
    await page.getByRole('button', { name: 'Enregistrer le poste' }).click();
    await page.getByRole('status').filter({ hasText: 'Poste enregistré' }).waitFor();

    await page.getByRole('link', { name: 'Atelier' }).click();
    await page.getByRole('heading', { level: 2, name: 'À trier' }).waitFor();
    await expectAccessible(page, 'workshop queue');
    await page.getByRole('link', { name: /Invacare Action 3.*IC-A3-0420/ }).click();
    await page.getByRole('heading', { name: 'Étape : Tri' }).waitFor();
    await expectAccessible(page, 'aid: triage');

    // Certification now is refused by the service; the console says why, in words.
    await step(page, 'Certification (à venir)');
    await page.getByLabel('Nouvelle durée d’usage (mois)').fill('24');
    await page.getByRole('button', { name: 'Certifier' }).click();
    const blocked = page.locator('.notice--problem');
    await blocked.waitFor();
    expect(await blocked.textContent()).toContain('Impossible dans son état actuel');
    expect(await blocked.textContent()).toContain(
      'l’étape certification demande d’abord : tri, liste de contrôle, contrôle qualité, désinfection',
    );
    expect(await blocked.textContent()).toContain('État actuel : reçu.');
    await expectAccessible(page, 'aid: blocked');

    await step(page, 'Tri (étape attendue)');
    await page.getByRole('radio', { name: 'Réparable' }).check();
    await page.getByRole('button', { name: 'Enregistrer le tri' }).click();
    await page.getByText('Étape enregistrée : Tri. Nouvel état : « trié ».').waitFor();

    await page.getByRole('button', { name: 'Commencer la remise en état' }).click();
    await page.getByText('Nouvel état : « en remise en état »').waitFor();

    // The model's checklist as the coordinator registered it; one step left unticked is said.
    await page.getByText('La liste est celle que le pôle a enregistrée').waitFor();
    for (const name of CHECKLIST.slice(0, 2)) await page.getByRole('checkbox', { name }).check();
    await page.getByRole('button', { name: 'Enregistrer la liste' }).click();
    const stepsError = page.locator('#f-steps-error');
    await stepsError.waitFor();
    expect(await stepsError.textContent()).toContain(
      'Liste incomplète ; reste à faire : Pneus et roues vérifiés.',
    );
    await expectAccessible(page, 'aid: checklist incomplete');
    await page.getByRole('checkbox', { name: CHECKLIST[2]! }).check();
    await page.getByRole('button', { name: 'Enregistrer la liste' }).click();
    await page.getByText('Étape enregistrée : Liste de contrôle.').waitFor();

    await page.getByRole('radio', { name: 'Réussi' }).check();
    await page.getByRole('button', { name: 'Enregistrer le contrôle' }).click();
    await page.getByText('Nouvel état : « contrôlé »').waitFor();

    await page.getByLabel('Méthode').fill('vapeur');
    await expectAccessible(page, 'aid: disinfection');
    await page.getByRole('button', { name: 'Enregistrer la désinfection' }).click();
    await page.getByText('Nouvel état : « désinfecté »').waitFor();

    await page.getByLabel('Nouvelle durée d’usage (mois)').fill('24');
    await page.getByRole('button', { name: 'Certifier' }).click();
    await page.getByText('Nouvel état : « certifié »').waitFor();

    await page.getByRole('button', { name: 'Remettre en service' }).click();
    await page.getByText('Nouvel état : « disponible »').waitFor();
    await page.getByText('Remise en état terminée').waitFor();
    await expectAccessible(page, 'aid: released');

    const passport = await system.call('GET', `/v1/goods/${goodId}/passport`, refurbisher);
    expect((passport.body['refurbishment'] as { gate: string }[]).map((r) => r.gate)).toEqual([
      'triage',
      'checklist',
      'quality-check',
      'disinfection',
      'certification',
    ]);
    expect(passport.body['fitForUseUntil']).toEqual(expect.any(String));
    await page.getByRole('link', { name: 'Voir le passeport' }).click();
    await page.getByRole('heading', { name: 'Remise en état' }).waitFor();
    await expectAccessible(page, 'passport after refurbishment');
    await screenshot(page, 'refurbisher-journey');
    await context.close();
  });

  it('should say so and read the aid again when someone else changed it meanwhile', async () => {
    const goodId = await takeInAid('IC-A3-0421');
    const context = await counterContext(browser);
    const page = await context.newPage();
    await signIn(page, system.url, refurbisher, `/workshop/aids/${goodId}`);
    await page.getByRole('heading', { name: 'Étape : Tri' }).waitFor();

    // A colleague moves it to the workshop's other location from another device: same
    // state, another revision. The triage sent with the old ETag changes nothing (412).
    const relocated = await system.call('POST', `/v1/goods/${goodId}/relocation`, operator, {
      quantity: '1',
      state: 'received',
      toLocationId: member.otherLocationId,
    });
    expect(relocated.status).toBe(200);
    await page.getByRole('radio', { name: 'Donneur de pièces' }).check();
    await page.getByRole('button', { name: 'Enregistrer le tri' }).click();
    await page.getByText('Cette aide a changé depuis que vous l’avez ouverte').waitFor();
    await expectAccessible(page, 'aid: changed meanwhile');
    expect(
      (await system.call('GET', `/v1/goods/${goodId}/passport`, operator)).body['refurbishment'],
    ).toEqual([]);
    await screenshot(page, 'refurbisher-changed');

    // Read again, the triage goes through with the new ETag.
    await page.getByRole('radio', { name: 'Donneur de pièces' }).check();
    await page.getByRole('button', { name: 'Enregistrer le tri' }).click();
    await page.getByText('Nouvel état : « donneur de pièces »').waitFor();
    expect((await system.call('GET', `/v1/goods/${goodId}`, operator)).body['state']).toBe(
      'parts-donor',
    );
    await context.close();
  });

  it('should read the aid again when a colleague recorded its step first', async () => {
    const goodId = await takeInAid('IC-A3-0422');
    const context = await counterContext(browser);
    const page = await context.newPage();
    await signIn(page, system.url, refurbisher, `/workshop/aids/${goodId}`);
    await page.getByRole('heading', { name: 'Étape : Tri' }).waitFor();
    expect(
      (
        await system.call('POST', `/v1/goods/${goodId}/triage`, operator, {
          decision: 'repairable',
        })
      ).status,
    ).toBe(200);

    await page.getByRole('radio', { name: 'Au rebut' }).check();
    await page.getByRole('button', { name: 'Enregistrer le tri' }).click();
    await page.getByText('Cette aide a changé depuis que vous l’avez ouverte').waitFor();
    // Sent with the ETag the page read, the triage is refused as stale (412), not judged
    // against the new state; the page now shows the aid as the colleague left it.
    await page.getByRole('heading', { name: 'Étape : Début de remise en état' }).waitFor();
    expect(await page.locator('.aid .state').first().textContent()).toBe('trié');
    expect((await system.call('GET', `/v1/goods/${goodId}`, operator)).body['state']).toBe(
      'triaged',
    );
    await context.close();
  });
});
