import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ROOT } from './system';

/** Debian's Chromium (scripts/ensure-browser.sh installs it); Playwright's own downloads cannot work here. */
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const REPORTS = path.join(ROOT, 'reports', 'console');

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    // As root (CI here), Chromium runs only without its sandbox.
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
}

/** A tablet at a counter: French, Paris time, a touch screen. */
export async function counterContext(
  browser: Browser,
  options: { serviceWorkers?: 'allow' | 'block' } = {},
): Promise<BrowserContext> {
  return browser.newContext({
    locale: 'fr-FR',
    timezoneId: 'Europe/Paris',
    viewport: { width: 1024, height: 900 },
    serviceWorkers: options.serviceWorkers ?? 'allow',
  });
}

/** A driver's phone: French, Paris time, a small touch screen. */
export async function phoneContext(browser: Browser): Promise<BrowserContext> {
  return browser.newContext({
    locale: 'fr-FR',
    timezoneId: 'Europe/Paris',
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    // Requests are watched at the page: no service worker stands between.
    serviceWorkers: 'block',
  });
}

/** Signs in on the console's page with a pasted token, as a person does. */
export async function signIn(page: Page, url: string, token: string, next = '/'): Promise<void> {
  await page.goto(`${url}/sign-in?next=${encodeURIComponent(next)}`);
  await page.getByLabel('Jeton d’accès').fill(token);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
}

/** No serious or critical accessibility violation on the page as it is now (axe-core, WCAG 2.1 A and AA). */
export async function expectAccessible(page: Page, name: string): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const serious = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${name}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
  expect(serious).toEqual([]);
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(REPORTS, { recursive: true });
  const file = path.join(REPORTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
