import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually } from '@boucle/testing';
import type { Browser } from 'playwright-core';
import { counterContext, expectAccessible, launchBrowser, screenshot, signIn } from './browser';
import { registerVehicle, requestHomePickup, tomorrow } from './collection';
import { registerMember, startConsoleSystem, type ConsoleSystem } from './system';

/**
 * The collection planner's journey in a real Chromium against the real system (inventory,
 * collection with its round planner, the gateway): tomorrow's pickups, the day planned
 * from the page, its round on the map and as a list, a pickup no vehicle can take with its
 * reason in words, the round given to a driver, and a stop moved by hand (a move that
 * breaks a rule refused with the rule in words).
 */
describe('Console: collection planner', () => {
  let system: ConsoleSystem;
  let browser: Browser;
  let village: Awaited<ReturnType<typeof registerMember>>;
  const day = tomorrow();
  const pickups: string[] = [];
  let heavy: string;

  beforeAll(async () => {
    // One after the other: a browser that fails to start leaves no system running behind it.
    browser = await launchBrowser();
    system = await startConsoleSystem();
    village = await registerMember(system, {
      kind: 'reuse-village',
      siteKind: 'reuse-village',
      name: 'Ressourcerie de la Hotoie',
      position: { latitude: 49.8941, longitude: 2.2958 },
    });
    const coordinator = village.coordinator;
    await registerVehicle(system, coordinator, village.organisationId);
    const deliverTo = { siteId: village.siteId, locationId: village.locationId };
    for (const [address, position] of [
      ['3 rue des Jacobins, Amiens', { latitude: 49.8937, longitude: 2.2989 }],
      ['48 boulevard de Beauvillé, Amiens', { latitude: 49.8862, longitude: 2.3137 }],
    ] as const)
      pickups.push(
        await requestHomePickup(system, coordinator, {
          organisationId: village.organisationId,
          day,
          deliverTo,
          address,
          position,
        }),
      );
    // A bed needing a heavy goods licence: no vehicle of the day has a driver with one.
    heavy = await requestHomePickup(system, coordinator, {
      organisationId: village.organisationId,
      day,
      deliverTo,
      address: '7 rue Saint-Fuscien, Amiens',
      position: { latitude: 49.8801, longitude: 2.3065 },
      skills: ['heavy-licence'],
      model: 'Médicalit Évolution',
    });
  });

  afterAll(async () => {
    await browser?.close();
    await system?.close();
  });

  it('should plan tomorrow from the page, show its round on a map and as a list, and say why a pickup is on none', async () => {
    const context = await counterContext(browser);
    const page = await context.newPage();
    await signIn(page, system.url, village.coordinator);
    await page.getByRole('heading', { level: 1, name: 'Bilan des tonnages' }).waitFor();
    await page.getByRole('link', { name: 'Collecte', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Planification des collectes' }).waitFor();
    await page.getByRole('button', { name: 'Demain' }).click();
    await page.getByText('Cette journée n’est pas encore planifiée (3 collecte(s)').waitFor();
    // The day's pickups are listed before any plan, each still to plan.
    const list = page.getByRole('table', { name: /^Collectes avec un créneau le/ });
    expect(await list.getByText('Pas encore planifiée').count()).toBe(3);
    await expectAccessible(page, 'planner: day not planned');

    await page.getByRole('button', { name: 'Planifier la journée' }).click();
    await page.getByText('Journée planifiée : 1 tournée. 1 collecte non planifiée.').waitFor({
      timeout: 60_000,
    });
    // The round, its two stops in order with their hours, on the map and in its table.
    await page.getByRole('heading', { level: 3, name: 'Tournée 1 · Fourgon 1' }).waitFor();
    const stops = page.getByRole('table', {
      name: 'Arrêts de la tournée 1 · Fourgon 1, dans l’ordre',
    });
    expect(await stops.locator('tbody tr').count()).toBe(2);
    const cells = (row: number) => stops.locator('tbody tr').nth(row).locator('td');
    expect(await cells(0).nth(0).textContent()).toBe('1');
    expect(await cells(1).nth(0).textContent()).toBe('2');
    expect(await cells(0).nth(1).textContent()).toMatch(/^\d{2}:\d{2}$/);
    const map = page.getByRole('img', { name: /^Carte des tournées du/ });
    await map.waitFor();
    expect(await map.locator('.route-map__stop').count()).toBe(3);
    expect(await map.locator('polyline').count()).toBe(1);
    // The bed is on no round, and the page says why in words.
    const unplanned = page.locator(`.unplanned__item[data-pickup="${heavy}"]`);
    expect(await unplanned.textContent()).toContain(
      'Aucun véhicule n’a tout ce que la collecte demande (équipement ou équipage).',
    );
    expect(await unplanned.textContent()).toContain('Permis poids lourd');
    await page.getByRole('button', { name: 'Planifier à nouveau la journée' }).waitFor();
    await expectAccessible(page, 'planner: day planned');

    // The round given to a driver by the id their sign-in gives them.
    await page.getByLabel('Identifiant du chauffeur').fill('driver-hotoie-1');
    await page.getByRole('button', { name: /^Confier la tournée/ }).click();
    await page.getByText('Tournée confiée.').waitFor();
    await page.getByText('driver-hotoie-1', { exact: true }).waitFor();
    await expectAccessible(page, 'planner: round given');
    await screenshot(page, 'planner-journey');

    // What the page showed is what collection holds.
    const answer = await system.call('GET', `/v1/rounds?day=${day}`, village.coordinator);
    const [round] = answer.body['rounds'] as { driverId: string; stops: { pickupId: string }[] }[];
    expect(round!.driverId).toBe('driver-hotoie-1');
    expect(round!.stops.map((s) => s.pickupId).sort()).toEqual([...pickups].sort());
    expect(answer.body['unplanned']).toEqual([
      { pickupId: heavy, reason: 'no-vehicle-with-skills' },
    ]);
    await context.close();
  });

  it('should move a stop by hand to another position, and say in words why a move is refused', async () => {
    const context = await counterContext(browser);
    const page = await context.newPage();
    await signIn(page, system.url, village.coordinator, `/coordination/collection?day=${day}`);
    const stops = page.getByRole('table', {
      name: 'Arrêts de la tournée 1 · Fourgon 1, dans l’ordre',
    });
    await stops.waitFor();
    const order = () =>
      stops
        .locator('tbody tr')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-pickup')));
    const before = await order();
    expect(before).toHaveLength(2);

    // The second stop, moved first with the keyboard: a form, no dragging.
    const second = stops.locator('tbody tr').nth(1);
    await second.getByRole('button', { name: /^Déplacer/ }).press('Enter');
    await page.getByLabel('Tournée d’arrivée').waitFor();
    await page.getByLabel('Position dans la tournée').fill('1');
    await expectAccessible(page, 'planner: move form');
    await page.getByRole('button', { name: 'Déplacer l’arrêt' }).press('Enter');
    await page.getByText('Arrêt déplacé : Tournée 1 · Fourgon 1, position 1.').waitFor();
    await eventually(async () => expect(await order()).toEqual([before[1], before[0]]));
    const cells = (row: number) => stops.locator('tbody tr').nth(row).locator('td');
    expect(await cells(0).nth(0).textContent()).toBe('1');
    expect(await cells(0).nth(1).textContent()).toMatch(/^\d{2}:\d{2}$/);
    expect(await cells(1).nth(0).textContent()).toBe('2');

    // The bed needs a heavy goods licence the van's crew has not: refused, the reason in words.
    const unplanned = page.locator(`.unplanned__item[data-pickup="${heavy}"]`);
    await unplanned.getByRole('button', { name: /^Déplacer/ }).click();
    await unplanned.getByRole('button', { name: 'Déplacer l’arrêt' }).click();
    const refusal = unplanned.getByRole('alert');
    await refusal.getByText('La demande enfreint une règle').waitFor();
    expect(await refusal.textContent()).toContain(
      'la collecte au 7 rue Saint-Fuscien, Amiens demande : Permis poids lourd, que le véhicule n’a pas.',
    );
    await expectAccessible(page, 'planner: move refused');
    await screenshot(page, 'planner-move');

    // What the page showed is what collection holds: the new order, the bed still on no round.
    const answer = await system.call('GET', `/v1/rounds?day=${day}`, village.coordinator);
    const [round] = answer.body['rounds'] as { stops: { pickupId: string }[] }[];
    expect(round!.stops.map((s) => s.pickupId)).toEqual([before[1], before[0]]);
    expect(answer.body['unplanned']).toEqual([
      { pickupId: heavy, reason: 'no-vehicle-with-skills' },
    ]);
    await context.close();
  });
});
