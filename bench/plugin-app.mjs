// @ts-check
// The npm plugin's row of `npm run bench` (issue 31): an app that bundles @segment/analytics-next, with and without
// `segment-sentry/plugin` (e2e/npm-app/app-recipe.ts, the README's recipe, against app-without-plugin.ts), built by
// esbuild and by Vite's production build (scripts/dev/npm-app.mjs, as scripts/build/plugin-cost.mjs builds them):
// - the app's first chunk (its entry and every file it imports statically), gzip;
// - the app's start-up main-thread time: DevTools' task duration (less its own commands) from the navigation until analytics-next is ready
//   (its settings fetched, every plugin loaded, ours too), the page's load event held back meanwhile, so the
//   plugin's Sentry chunk (fetched after it) is not in it; Chromium, 4x CPU throttling as bench.mjs, the four
//   variants' loads interleaved in a rotated order, medians.
// `node bench/plugin-app.mjs` runs it alone (after `npm run build`); bench/bench.mjs calls benchPluginApp().
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright';
import { buildNpmApp, gzipBytes } from '../scripts/dev/npm-app.mjs';
import { CHROMIUM_ARGS, browserExecutable } from '../scripts/dev/browsers.mjs';
import { mountLocalSegment } from '../scripts/dev/local-segment.mjs';
import { startStaticServer } from '../scripts/dev/static-server.mjs';
import { median } from './rounds.mjs';

const LOADS = Number(process.env.BENCH_PLUGIN_LOADS ?? 101);
const CPU_THROTTLING = 4;
const WRITE_KEY = 'bench-plugin-app';
const BUNDLERS = /** @type {const} */ (['esbuild', 'vite']);
const APPS = { without: 'app-without-plugin.ts', with: 'app-recipe.ts' };

/** @param {number} value @param {number} [digits] */
const round = (value, digits = 1) => Number(value.toFixed(digits));

/**
 * One load of one variant: the main thread's task time and its script time (ms) until analytics-next is ready, without DevTools' own
 * commands (this driver's): the page says when it is ready, and one evaluation waits for it, with no polling.
 * @param {import('playwright').Browser} browser @param {string} url
 */
async function startUpMs(browser, url) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_THROTTLING });
    await cdp.send('Performance.enable');
    // (ms) the main thread's tasks, and the JavaScript run in them
    const timeSpent = async () => {
      const { metrics } = await cdp.send('Performance.getMetrics');
      const value = (/** @type {string} */ name) => (metrics.find((metric) => metric.name === name)?.value ?? 0) * 1000;
      return { main: value('TaskDuration') - value('DevToolsCommandDuration'), script: value('ScriptDuration') };
    };
    const before = await timeSpent();
    await page.goto(url, { waitUntil: 'commit' });
    await page.evaluate(() => /** @type {{ ready: Promise<void> }} */ (/** @type {unknown} */ (window)).ready);
    const after = await timeSpent();
    const spent = { main: after.main - before.main, script: after.script - before.script };
    // The Sentry part comes after the load event, held back until now: not one of its bytes may be in this time.
    const fetched = await page.evaluate(() => performance.getEntriesByType('resource').map((entry) => entry.name));
    return { spent, fetched };
  } finally {
    await context.close();
  }
}

/**
 * Builds the four variants, measures them, prints a table; returns what bench/results.json keeps.
 * @param {{ loads?: number }} [options]
 */
export async function benchPluginApp({ loads = LOADS } = {}) {
  const site = await startStaticServer();
  mountLocalSegment(site, { writeKey: WRITE_KEY });
  // What holds the page's load event back: a script that never comes (the server drops it as it closes).
  site.mount('/plugin-app/held.js', () => undefined);
  /** @type {Array<{ bundler: 'esbuild' | 'vite', app: 'without' | 'with', url: string, firstChunk: number, sentryChunk?: string, samples: Array<{ main: number, script: number }> }>} */
  const variants = [];
  for (const bundler of BUNDLERS) {
    for (const app of /** @type {const} */ (['without', 'with'])) {
      const base = `/plugin-app/${bundler}-${app}/`;
      const built = await buildNpmApp(bundler, APPS[app], base);
      site.mount(`${base}*`, (request, response) => {
        const file = normalize(decodeURIComponent(new URL(request.url ?? '/', site.origin).pathname.slice(base.length)));
        if (file.startsWith('..') || extname(file) !== '.js') return void response.writeHead(404).end();
        readFile(join(built.dir, file)).then(
          // A unique comment defeats V8's in-memory compilation cache between loads, as in bench.mjs.
          (body) => response.writeHead(200, { 'Content-Type': 'text/javascript', 'Cache-Control': 'no-store' }).end(`${body}\n//# ${Math.random()}`),
          () => response.writeHead(404).end(),
        );
      });
      const html = `<!doctype html><html><head><meta charset="utf-8">
        <script>window.appConfig = ${JSON.stringify({ writeKey: WRITE_KEY })};
          window.ready = new Promise((resolve) => (window.whenReady = resolve));</script>
        <script async src="/plugin-app/held.js"></script>
        <script type="module" src="${base}${built.entry}"></script>
        <script type="module">app.analytics.ready(() => whenReady());</script></head><body></body></html>`;
      const url = site.register(`/plugin-app/${bundler}-${app}.html`, html);
      variants.push({ bundler, app, url, firstChunk: await gzipBytes(built, built.firstChunk), sentryChunk: built.sentryChunk, samples: [] });
    }
  }
  const browser = await chromium.launch({ executablePath: browserExecutable('chromium'), args: CHROMIUM_ARGS });
  /** @type {Array<Record<string, { main: number, script: number }>>} */
  const rounds = [];
  try {
    for (let run = 0; run < loads; run++) {
      /** @type {Record<string, { main: number, script: number }>} */
      const thisRound = {};
      const start = run % variants.length;
      for (const variant of [...variants.slice(start), ...variants.slice(0, start)]) {
        const { spent, fetched } = await startUpMs(browser, variant.url);
        if (variant.sentryChunk && fetched.some((name) => name.endsWith(`/${variant.sentryChunk}`))) {
          throw new Error(`bench: the ${variant.bundler} app fetched the plugin's Sentry chunk before its load event; the start-up time would hold it`);
        }
        variant.samples.push(spent);
        thisRound[`${variant.bundler} ${variant.app}`] = spent;
      }
      rounds.push(thisRound);
      if ((run + 1) % 10 === 0 || run + 1 === loads) process.stdout.write(`${process.stdout.isTTY ? '\r' : ''}plugin app loads: ${run + 1}/${loads} of each${process.stdout.isTTY ? '' : '\n'}`);
    }
  } finally {
    await browser.close();
    await site.close();
  }
  if (process.stdout.isTTY) process.stdout.write('\n');

  const results = Object.fromEntries(
    BUNDLERS.map((bundler) => {
      const of = (/** @type {'without' | 'with'} */ app) => variants.find((variant) => variant.bundler === bundler && variant.app === app);
      const without = of('without');
      const withPlugin = of('with');
      if (!without || !withPlugin) throw new Error(`bench: no ${bundler} variants`);
      const medianOf = (/** @type {'without' | 'with'} */ app, /** @type {'main' | 'script'} */ metric) =>
        median((app === 'with' ? withPlugin : without).samples.map((sample) => sample[metric]));
      const perRound = (/** @type {'main' | 'script'} */ metric) =>
        median(rounds.map((r) => (r[`${bundler} with`]?.[metric] ?? Number.NaN) - (r[`${bundler} without`]?.[metric] ?? Number.NaN)));
      return [
        bundler,
        {
          firstChunkWithout: without.firstChunk,
          firstChunkWith: withPlugin.firstChunk,
          firstChunkAdded: withPlugin.firstChunk - without.firstChunk,
          mainThreadMsWithout: round(medianOf('without', 'main')),
          mainThreadMsWith: round(medianOf('with', 'main')),
          mainThreadMsAdded: round(perRound('main')),
          scriptMsWithout: round(medianOf('without', 'script')),
          scriptMsWith: round(medianOf('with', 'script')),
          scriptMsAdded: round(perRound('script')),
        },
      ];
    }),
  );
  console.log(
    `\nThe npm plugin in an app that bundles analytics-next (the README's recipe against the same app without it). First chunk:\n` +
      `the app's entry and its static imports, gzip B. Start-up: main-thread task time (ms, DevTools' own commands left out) from the navigation until\n` +
      `analytics-next is ready, the load event held back (the Sentry chunk comes after it); Chromium, ${CPU_THROTTLING}x CPU throttling,\n` +
      `median of ${loads} interleaved loads each; script: the part of it that ran JavaScript. "Added": the median of each round's\n` +
      'difference (with minus without), which drifts in the machine\'s speed cancel out of.',
  );
  console.table(results);
  const samples = Object.fromEntries(variants.map((variant) => [`${variant.bundler} ${variant.app}`, variant.samples]));
  return { loads, cpuThrottling: CPU_THROTTLING, results, samples };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await benchPluginApp();
