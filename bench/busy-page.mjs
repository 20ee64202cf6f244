// @ts-check
// The busy page (issue 36): what a visitor pays on every call of a busy page, not once per load. Three pages,
// identical but for what monitors them (nothing; the naive `Sentry.init` baseline; ours, the full bundle started
// with consent required and granted), each runs the same scripted busy minute, compressed, in Chromium with 4x
// CPU throttling, pages interleaved in a rotated order. For each kind of call it reports the main-thread time per
// call above the page with no Sentry (DevTools' task duration over the phase and its delayed work, median over
// rounds), ours against naive; and the JS heap after the minute and after a forced GC. BENCH_BUSY_MINUTES=5 runs
// the minute five times in each page and prints the heap after GC after the first and after the last (nothing
// may grow with time). Run by `npm run bench` (bench/bench.mjs), or alone: `npm run bench:busy`.
// A benchmark, not a test: it prints what it measured and writes bench/busy-results.json.
import { writeFile } from 'node:fs/promises';
import { chromium } from 'playwright';
import { CHROMIUM_ARGS, browserExecutable } from '../scripts/dev/browsers.mjs';
import { startIngestServer } from '../scripts/dev/ingest-server.mjs';
import { startStaticServer } from '../scripts/dev/static-server.mjs';
import { median, rotated } from './rounds.mjs';

const ROUNDS = Number(process.env.BENCH_BUSY_ROUNDS ?? 3);
const MINUTES = Number(process.env.BENCH_BUSY_MINUTES ?? 1);
const CPU_THROTTLING = 4;
/** After a load: the transport is made and the first session sent at idle, and the queue's first look follows it. */
const SETTLE_AFTER_LOAD_MS = 2_500;
/**
 * Each phase runs in this many equal chunks, each timed on its own; a page's time per call is the median chunk's.
 * Other processes on a small shared machine take the CPU now and then: a median of chunks leaves those out.
 */
const CHUNKS = 5;
/** Between chunks: what a chunk left to do (responses, timers) is done before the next is timed. */
const SETTLE_AFTER_CHUNK_MS = 150;
/** Handled errors are spaced as on a page (each send's look 100 ms later is its own), not fired in one burst. */
const ERROR_SPACING_MS = 130;

/**
 * The busy minute, in the issue's order. `calls` is what the per-call time is divided by; a fetch, an XHR or a key
 * press is one call however many events it makes.
 */
export const PHASES = [
  { name: 'fetch (token=, session= in the URL)', key: 'fetch', calls: 1_000 },
  { name: 'XHR', key: 'xhr', calls: 200 },
  { name: 'click on a nested element', key: 'clicks', calls: 2_000 },
  { name: 'key press in an input', key: 'keys', calls: 2_000 },
  { name: 'console.log, a few-KB object', key: 'log', calls: 5_000 },
  { name: 'console.error', key: 'error', calls: 500 },
  { name: 'history.pushState', key: 'pushState', calls: 200 },
  { name: 'handled error, sent', key: 'captures', calls: 100 },
];

/** What every page runs: its own markup and listeners, and the busy minute's phases as window.__busy. */
export const PAGE_BODY = `
<div id="app"><header><nav class="menu"><ul>${Array.from({ length: 4 }, (_, i) => `<li><a href="#s${i}">Section ${i}</a></li>`).join('')}</ul></nav></header>
<main><section class="results">${Array.from(
  { length: 20 },
  (_, i) =>
    `<article class="card item-${i}" data-id="${i}"><div class="card-body"><div class="actions"><span class="wrap"><button type="button" id="buy-${i}" class="btn btn-primary" name="buy">Add to cart</button></span></div></div></article>`,
).join('')}</section>
<form class="search" onsubmit="return false"><label>Search <input id="q" type="text" name="q" autocomplete="off"></label></form></main></div>
<script>
(() => {
  // The page's own listeners, added after the monitor (a monitor that wraps addEventListener wraps these).
  let clicks = 0, keys = 0;
  document.addEventListener('click', (event) => { if (event.target.closest('.card')) clicks++; });
  for (const button of document.querySelectorAll('.btn')) button.addEventListener('click', () => { clicks++; });
  const input = document.getElementById('q');
  input.addEventListener('keydown', () => { keys++; });
  input.addEventListener('input', () => { keys++; });
  const buttons = [...document.querySelectorAll('.btn')];
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  // A few KB of state, made fresh for each line (a page logging what it has).
  const state = (i) => ({ i, user: { id: 'u' + i, plan: 'pro', flags: ['a', 'b', 'c'] },
    items: Array.from({ length: 24 }, (_, j) => ({ sku: 'SKU-' + i + '-' + j, name: 'Item number ' + j, price: j * 1.5, tags: ['x', 'y'] })) });
  const xhr = (url) => new Promise((resolve) => {
    const request = new XMLHttpRequest();
    request.open('GET', url);
    request.onloadend = () => resolve(request.status);
    request.send();
  });
  window.__busy = {
    async fetch(n) {
      for (let i = 0; i < n; i += 10)
        await Promise.all(Array.from({ length: 10 }, (_, j) => fetch('/busy/api?token=t' + (i + j) + '&session=s' + (i + j) + '&page=2').then((r) => r.text())));
    },
    async xhr(n) {
      for (let i = 0; i < n; i += 10) await Promise.all(Array.from({ length: 10 }, (_, j) => xhr('/busy/api?session=s' + (i + j) + '&q=shoes')));
    },
    clicks(n) {
      for (let i = 0; i < n; i++) buttons[i % buttons.length].click();
      return clicks;
    },
    keys(n) {
      for (let i = 0; i < n; i++) {
        const key = String.fromCharCode(97 + (i % 26));
        input.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
        input.dispatchEvent(new KeyboardEvent('keypress', { key, bubbles: true }));
        input.value = i % 40 === 0 ? key : input.value + key;
        input.dispatchEvent(new InputEvent('input', { data: key, bubbles: true }));
        input.dispatchEvent(new KeyboardEvent('keyup', { key, bubbles: true }));
      }
      return keys;
    },
    log(n) {
      for (let i = 0; i < n; i++) console.log('cart state', state(i));
    },
    error(n) {
      for (let i = 0; i < n; i++) console.error('request failed', { status: 500, attempt: i });
    },
    pushState(n) {
      for (let i = 0; i < n; i++) history.pushState({ i }, '', '/busy/view/' + i + '?session=s' + i + '&tab=2');
    },
    async captures(n) {
      for (let i = 0; i < n; i++) {
        try {
          throw new Error('busy page error ' + i);
        } catch (error) {
          window.SegmentSentry?.captureException(error);
        }
        await sleep(${ERROR_SPACING_MS});
      }
    },
  };
})();
</script>`;

/**
 * Counts the queue's IndexedDB looks (cursor opens) on every page alike, installed before any monitor runs: the
 * row of handled errors says how many it made.
 */
const COUNT_LOOKS = `<script>(() => { const open = IDBObjectStore.prototype.openCursor; window.__looks = 0;
  IDBObjectStore.prototype.openCursor = function (...args) { window.__looks++; return open.apply(this, args); }; })();</script>`;

/** @param {string} code @param {string} settings */
function monitorScripts(code, settings) {
  return `<script type="application/json" id="segment-sentry-settings">${settings}</script>
    <script>${code.replace(/<\/script/g, '<\\/script')}\n//# ${Math.random()}</script>
    <script>SegmentSentry.setConsent({ C0002: true });</script>`;
}

/** @param {number} value @param {number} [digits] */
const round = (value, digits = 2) => Number(value.toFixed(digits));
const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One page of one variant: load, settle, the busy minute (MINUTES times), each phase's main-thread time; the heap
 * after the first minute and after the last, before and after a forced GC.
 * @param {import('playwright').Browser} browser @param {{ site: any, ingest: any }} servers
 * @param {{ name: string, code: string | undefined }} variant @param {number} projectId
 */
async function measurePage(browser, servers, variant, projectId) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_THROTTLING });
  await cdp.send('Performance.enable');
  const settings = JSON.stringify({ config: servers.ingest.dsnFor(projectId), release: 'bench@1', consentSettings: { categories: ['C0002'] } });
  const monitor = variant.code === undefined ? '' : monitorScripts(variant.code, settings);
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>busy</title>${COUNT_LOOKS}${monitor}</head><body>${PAGE_BODY}</body></html>`;
  await page.goto(servers.site.register(`/busy/${variant.name}-${projectId}.html`, html));
  await sleep(SETTLE_AFTER_LOAD_MS);
  /** The main thread's task time (DevTools' TaskDuration), in ms. */
  const taskMs = async () => ((await cdp.send('Performance.getMetrics')).metrics.find((metric) => metric.name === 'TaskDuration')?.value ?? Number.NaN) * 1000;
  const heap = async () => (await cdp.send('Runtime.getHeapUsage')).usedSize;
  const heapAfterGc = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('HeapProfiler.collectGarbage');
    return heap();
  };
  /** @type {Record<string, number[]>} per phase, each chunk's main-thread ms per call */
  const chunks = {};
  /** @type {Array<{ heap: number, heapAfterGc: number }>} */
  const heaps = [];
  let looksDuringCaptures = 0;
  for (let minute = 0; minute < MINUTES; minute++) {
    for (const phase of PHASES) {
      const looksBefore = await page.evaluate(() => /** @type {any} */ (window).__looks);
      const calls = phase.calls / CHUNKS;
      for (let chunk = 0; chunk < CHUNKS; chunk++) {
        const before = await taskMs();
        await page.evaluate(([key, count]) => /** @type {any} */ (window).__busy[key](count), /** @type {const} */ ([phase.key, calls]));
        await sleep(SETTLE_AFTER_CHUNK_MS);
        (chunks[phase.key] ??= []).push(((await taskMs()) - before) / calls);
      }
      if (phase.key === 'captures') looksDuringCaptures += (await page.evaluate(() => /** @type {any} */ (window).__looks)) - looksBefore;
    }
    if (minute === 0 || minute === MINUTES - 1) heaps.push({ heap: await heap(), heapAfterGc: await heapAfterGc() });
  }
  /** @type {Record<string, number>} */
  const msPerCall = Object.fromEntries(Object.entries(chunks).map(([key, values]) => [key, median(values)]));
  await context.close();
  const received = servers.ingest.items.filter((/** @type {any} */ item) => item.projectId === String(projectId) && item.type === 'event').length;
  return { msPerCall, chunks, heaps, looksDuringCaptures, received };
}

/**
 * @param {() => Promise<{ ours: string, naive: string }>} buildVariants what bench.mjs builds (ours is dist/'s)
 */
export async function busyPage(buildVariants) {
  const built = await buildVariants();
  const variants = [
    { name: 'none', code: undefined },
    { name: 'naive', code: built.naive },
    { name: 'ours', code: built.ours },
  ];
  const ingest = await startIngestServer();
  const site = await startStaticServer();
  site.register('/busy/api', '{"ok":true}', { 'Content-Type': 'application/json' });
  const browser = await chromium.launch({ executablePath: browserExecutable('chromium'), args: CHROMIUM_ARGS });
  /** @type {Record<string, Array<Awaited<ReturnType<typeof measurePage>>>>} */
  const samples = { none: [], naive: [], ours: [] };
  let projectId = 9000;
  try {
    for (let run = 0; run < ROUNDS; run++) {
      for (const variant of rotated(variants, run)) {
        const started = Date.now();
        samples[variant.name]?.push(await measurePage(browser, { site, ingest }, variant, ++projectId));
        if (process.env.BENCH_BUSY_VERBOSE) console.log(`  ${variant.name}: ${Math.round((Date.now() - started) / 1000)} s`);
      }
      console.log(`busy page: round ${run + 1}/${ROUNDS} of each${MINUTES > 1 ? ` (${MINUTES} minutes a page)` : ''}`);
    }
  } finally {
    await browser.close();
    await ingest.close();
    await site.close();
  }

  // Per round, each monitored page's time per call above the unmonitored page's of the same round; then the median.
  const perCallUs = (/** @type {any} */ sample, /** @type {typeof PHASES[number]} */ phase) => (sample?.msPerCall[phase.key] ?? Number.NaN) * 1000;
  const overheadUs = (/** @type {string} */ name, /** @type {typeof PHASES[number]} */ phase) =>
    median((samples[name] ?? []).map((sample, run) => perCallUs(sample, phase) - perCallUs(samples.none?.[run], phase)));
  const table = Object.fromEntries(
    PHASES.map((phase) => {
      const naive = overheadUs('naive', phase);
      const ours = overheadUs('ours', phase);
      return [
        `${phase.name} ×${phase.calls}`,
        {
          'no Sentry µs/call': round(median((samples.none ?? []).map((sample) => perCallUs(sample, phase))), 1),
          'naive +µs/call': round(naive, 1),
          'ours +µs/call': round(ours, 1),
          'ours / naive': round(ours / naive, 2),
        },
      ];
    }),
  );
  const kb = (/** @type {number} */ bytes) => round(bytes / 1024, 0);
  const heapOf = (/** @type {string} */ name, /** @type {number} */ at, /** @type {'heap' | 'heapAfterGc'} */ field) =>
    median((samples[name] ?? []).map((sample) => sample.heaps[at]?.[field] ?? Number.NaN));
  const heapTable = Object.fromEntries(
    ['none', 'naive', 'ours'].map((name) => [
      name,
      {
        'heap after the minute (KB)': kb(heapOf(name, 0, 'heap')),
        'after a forced GC (KB)': kb(heapOf(name, 0, 'heapAfterGc')),
        ...(MINUTES > 1 && { [`after GC, minute ${MINUTES} (KB)`]: kb(heapOf(name, 1, 'heapAfterGc')) }),
        'events received': median((samples[name] ?? []).map((sample) => sample.received)),
        'IndexedDB looks (errors phase)': median((samples[name] ?? []).map((sample) => sample.looksDuringCaptures)),
      },
    ]),
  );
  console.log(
    `\nThe busy page: Chromium with ${CPU_THROTTLING}x CPU throttling, ${ROUNDS} rounds of three pages (no Sentry, naive, ours),\n` +
      `each round in a rotated order, the busy minute ${MINUTES === 1 ? 'once' : `${MINUTES} times`} a page. Main-thread time per call (DevTools' task duration\n` +
      `over each of a phase's ${CHUNKS} chunks and what it leaves to do; a page's figure is its median chunk), above the page\n` +
      'with no Sentry of the same round; median over rounds.',
  );
  console.table(table);
  console.table(heapTable);
  await writeFile(
    new URL('./busy-results.json', import.meta.url),
    `${JSON.stringify({ date: new Date().toISOString(), rounds: ROUNDS, minutes: MINUTES, cpuThrottling: CPU_THROTTLING, chunks: CHUNKS, table, heap: heapTable, samples }, null, 2)}\n`,
  );
}
