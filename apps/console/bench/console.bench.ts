// npm run bench:console: the intake view's and the stock view's time to interactive and
// JavaScript size in headless Chromium with a throttled CPU (4×) and network (fast 3G),
// against the system as `npm start` runs it (compiled services, the built console).
// Each view is loaded cold (no cache, no service worker) several times; the median is
// reported. The last line is one JSON object. BENCH_RUNS (5), BENCH_CPU_SLOWDOWN (4);
// BENCH_TIMELINE=1 prints each load's requests with their timings.
import { launchBrowser } from '../test/browser';
import { created, registerMember, startConsoleSystem } from '../test/system';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 5);
/** Chrome DevTools' "Fast 3G": 1.6 Mb/s down, 750 kb/s up, 150 ms round trip, as it applies them. */
const FAST_3G = {
  offline: false,
  latency: 150 * 3.75,
  downloadThroughput: (1.6 * 1024 * 1024 * 0.9) / 8,
  uploadThroughput: (750 * 1024 * 0.9) / 8,
};
const CPU_SLOWDOWN = Number(process.env['BENCH_CPU_SLOWDOWN'] ?? 4);
/** Interactive once no long task (> 50 ms) has run for this long after the view is ready. */
const QUIET_MS = 3_000;
const TARGETS = { ttiMs: 2_500, intakeJsKb: 250 };

interface View {
  name: string;
  path: string;
  /** True once the view can be used: the keyboard in the intake's first field, the stock's rows shown. */
  ready: string;
}
const VIEWS: View[] = [
  { name: 'intake', path: '/intake', ready: `document.activeElement?.id === 'f-grossWeightKg'` },
  { name: 'stock', path: '/stock', ready: `document.querySelectorAll('tbody tr').length > 0` },
];

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

const system = await startConsoleSystem();
const browser = await launchBrowser();
try {
  const member = await registerMember(system, {
    kind: 'reuse-village',
    siteKind: 'reuse-village',
    name: 'Ressourcerie du banc',
  });
  const operator = system.person('operator', member.organisationId);
  // A page of stock to show: 50 aids of one intake.
  created(
    await system.call('POST', '/v1/intakes', operator, {
      siteId: member.siteId,
      locationId: member.locationId,
      grossWeightKg: 900,
      tareKg: 0,
      provenance: { locality: 'Amiens' },
      collectionMode: 'pickup',
      goods: Array.from({ length: 50 }, (_, i) => ({
        kind: 'item',
        serialNumber: `BENCH-${i}`,
        make: 'Invacare',
        model: 'Action 3',
        weightKg: 18,
      })),
    }),
  );

  const results: Record<
    string,
    { ttiMs: number; readyMs: number; jsKb: number; scripts: number; runs: number[] }
  > = {};
  for (const view of VIEWS) {
    const runs: { tti: number; ready: number; js: number; scripts: number }[] = [];
    for (let run = 0; run < RUNS; run++) {
      // bypassCSP: Playwright's polling predicate is evaluated as a string, which the console's CSP forbids.
      const context = await browser.newContext({
        locale: 'fr-FR',
        serviceWorkers: 'block',
        bypassCSP: true,
      });
      // Signed in and set up as the counter's tablet is: no sign-in page on the way.
      await context.addInitScript(
        ([token, workstation]) => {
          sessionStorage.setItem('boucle.session', token);
          localStorage.setItem('boucle.workstation', workstation);
          const tasks: { start: number; end: number }[] = [];
          (window as unknown as { __longTasks: typeof tasks }).__longTasks = tasks;
          new PerformanceObserver((list) => {
            for (const entry of list.getEntries())
              tasks.push({ start: entry.startTime, end: entry.startTime + entry.duration });
          }).observe({ type: 'longtask', buffered: true });
        },
        [
          operator,
          JSON.stringify({ siteId: member.siteId, locationId: member.locationId }),
        ] as const,
      );
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
      await cdp.send('Network.emulateNetworkConditions', FAST_3G);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
      const scripts: Promise<number>[] = [];
      page.on('response', (response) => {
        if (response.request().resourceType() === 'script')
          scripts.push(
            response
              .request()
              .sizes()
              .then((s) => s.responseBodySize),
          );
      });
      await page.goto(`${system.url}${view.path}`, { waitUntil: 'commit' });
      const ready = Number(
        await (
          await page.waitForFunction(`(${view.ready}) && performance.now()`, undefined, {
            polling: 'raf',
            timeout: 60_000,
          })
        ).jsonValue(),
      );
      // Wait for a quiet window: the view is interactive when its last long task ends.
      let lastEnd = ready;
      for (;;) {
        const tasks = await page.evaluate(
          () =>
            (window as unknown as { __longTasks: { start: number; end: number }[] }).__longTasks,
        );
        lastEnd = Math.max(ready, ...tasks.map((t) => t.end));
        const now = await page.evaluate(() => performance.now());
        if (now - lastEnd >= QUIET_MS) break;
        await page.waitForTimeout(250);
      }
      const bytes = (await Promise.all(scripts)).reduce((a, b) => a + b, 0);
      if (process.env['BENCH_TIMELINE'])
        process.stdout.write(
          `${JSON.stringify(
            await page.evaluate(() =>
              performance
                .getEntries()
                .filter((e) => 'responseEnd' in e)
                .map((e) => {
                  const r = e as PerformanceResourceTiming;
                  return `${r.name.replace(location.origin, '')} start ${r.startTime.toFixed(0)} reqStart ${r.requestStart.toFixed(0)} end ${r.responseEnd.toFixed(0)}`;
                }),
            ),
            null,
            1,
          )}\n`,
        );
      runs.push({ tti: lastEnd, ready, js: bytes, scripts: scripts.length });
      process.stdout.write(
        `${view.name} run ${run + 1}: ready ${ready.toFixed(0)} ms, interactive ${lastEnd.toFixed(0)} ms, ${scripts.length} scripts, ${(bytes / 1024).toFixed(1)} KB over the wire\n`,
      );
      await context.close();
    }
    results[view.name] = {
      ttiMs: Math.round(median(runs.map((r) => r.tti))),
      readyMs: Math.round(median(runs.map((r) => r.ready))),
      jsKb: Math.round((median(runs.map((r) => r.js)) / 1024) * 10) / 10,
      scripts: median(runs.map((r) => r.scripts)),
      runs: runs.map((r) => Math.round(r.tti)),
    };
  }
  const summary = {
    benchmark: 'console',
    cpuSlowdown: CPU_SLOWDOWN,
    network: 'fast-3g',
    runs: RUNS,
    ...results,
    targets: TARGETS,
    withinTargets:
      results['intake']!.ttiMs <= TARGETS.ttiMs &&
      results['stock']!.ttiMs <= TARGETS.ttiMs &&
      results['intake']!.jsKb <= TARGETS.intakeJsKb,
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
} finally {
  await browser.close();
  await system.close();
}
