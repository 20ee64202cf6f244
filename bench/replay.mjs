// @ts-check
// Session Replay (issue 33): what turning it on costs a page. The sizes of the extra files and of the full bundle
// with them off (dist/, as `npm run build` writes it); the main-thread time of a page's start-up with an on-error
// replay recording, ours (the full bundle, which fetches its replay file once Sentry runs) against the naive
// baseline with Sentry's own replayIntegration from the same SDK (`Sentry.init`, bench/naive-sentry-client.ts);
// and the memory an on-error replay holds after the busy page's minute (bench/busy-page.mjs), compressed as that
// bench runs it and without its handled errors (an error would send the buffer). Replay keeps its buffer in a web
// worker (its compression worker): the worker's heap is counted with the page's. Chromium, 4x CPU throttling,
// pages interleaved in a rotated order. Run by `npm run bench`, or alone: `npm run bench:replay`.
// A benchmark, not a test: it prints what it measured and writes bench/replay-results.json.
import { writeFile } from 'node:fs/promises';
import { chromium } from 'playwright';
import { sizes } from '../esbuild.config.mjs';
import { CHROMIUM_ARGS, browserExecutable } from '../scripts/dev/browsers.mjs';
import { startIngestServer } from '../scripts/dev/ingest-server.mjs';
import { startStaticServer } from '../scripts/dev/static-server.mjs';
import { PAGE_BODY, PHASES } from './busy-page.mjs';
import { median, rotated } from './rounds.mjs';

const START_UP_LOADS = Number(process.env.BENCH_REPLAY_LOADS ?? 21);
const MEMORY_ROUNDS = Number(process.env.BENCH_REPLAY_ROUNDS ?? 2);
const CPU_THROTTLING = 4;
/** After recording started (or the load event, on a page without replay): the snapshot's trailing work is done. */
const SETTLE_MS = 1_500;

/**
 * The pages: none (no Sentry); ours with replay off and with replaysOnErrorSampleRate 1; naive with
 * Sentry.init's replayIntegration, replaysOnErrorSampleRate 1. Each script from the site by its URL (ours fetches
 * its replay file from its own folder).
 * @typedef {{ name: string, script?: string, settings?: object, replayKey?: string }} Variant
 */
/** @type {Variant[]} */
const VARIANTS = [
  { name: 'no Sentry' },
  { name: 'ours, replay off', script: '/replay-bench/segment-sentry.min.js', settings: {} },
  { name: 'ours, replay on error', script: '/replay-bench/segment-sentry.min.js', settings: { replaysOnErrorSampleRate: 1 }, replayKey: 'segmentSentryReplaySession' },
  { name: 'naive + replayIntegration', script: '/replay-bench/naive-replay.min.js', settings: { replaysOnErrorSampleRate: 1 }, replayKey: 'sentryReplaySession' },
];

/** @param {number} value @param {number} [digits] */
const round = (value, digits = 1) => Number(value.toFixed(digits));
const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The JS heap of every web worker of the browser (Replay's compression worker), after a forced GC: the browser's
 * own CDP session reaches workers, which a page's does not.
 * @param {import('playwright').CDPSession} browserCdp
 */
async function workersHeap(browserCdp) {
  const { targetInfos } = await browserCdp.send('Target.getTargets');
  let total = 0;
  for (const { targetId } of targetInfos.filter((target) => target.type === 'worker')) {
    const { sessionId } = await browserCdp.send('Target.attachToTarget', { targetId, flatten: false });
    let id = 0;
    /** @param {string} method */
    const call = (method) =>
      new Promise((resolve) => {
        const mine = ++id;
        /** @param {{ sessionId: string, message: string }} event */
        const listener = (event) => {
          const message = JSON.parse(event.message);
          if (event.sessionId !== sessionId || message.id !== mine) return;
          browserCdp.off('Target.receivedMessageFromTarget', listener);
          resolve(message.result);
        };
        browserCdp.on('Target.receivedMessageFromTarget', listener);
        void browserCdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id: mine, method }) });
      });
    await call('HeapProfiler.collectGarbage');
    total += /** @type {{ usedSize: number }} */ (await call('Runtime.getHeapUsage')).usedSize;
    await browserCdp.send('Target.detachFromTarget', { sessionId });
  }
  return total;
}

/**
 * One page of one variant: load, wait for recording (where there is one), settle; the main thread's time so far.
 * With `busy`, then the busy page's minute (its handled errors left out) and the heaps after a forced GC.
 * @param {import('playwright').Browser} browser @param {import('playwright').CDPSession} browserCdp
 * @param {{ site: any, ingest: any }} servers @param {Variant} variant @param {number} projectId @param {boolean} busy
 */
async function measurePage(browser, browserCdp, servers, variant, projectId, busy) {
  const context = await browser.newContext();
  const page = await context.newPage();
  if (process.env.BENCH_REPLAY_VERBOSE) page.on('console', (message) => console.log(`  ${variant.name}: ${message.text()}`));
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_THROTTLING });
  await cdp.send('Performance.enable');
  const settings = JSON.stringify({ config: servers.ingest.dsnFor(projectId), release: 'bench@1', ...variant.settings });
  const monitor = variant.script
    ? `<script type="application/json" id="segment-sentry-settings">${settings}</script><script src="${variant.script}?${Math.random()}"></script>`
    : '';
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>replay</title>${monitor}</head><body>${PAGE_BODY}</body></html>`;
  await page.goto(servers.site.register(`/replay-bench/${projectId}.html`, html));
  const key = variant.replayKey;
  if (key) await page.waitForFunction((name) => sessionStorage.getItem(name) !== null, key, { timeout: 60_000 });
  await sleep(SETTLE_MS);
  const metrics = Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map(({ name, value }) => [name, value]));
  const startUp = { taskMs: (metrics.TaskDuration ?? Number.NaN) * 1000, scriptMs: (metrics.ScriptDuration ?? Number.NaN) * 1000 };
  let memory;
  if (busy) {
    for (const phase of PHASES.filter(({ key: name }) => name !== 'captures')) {
      await page.evaluate(([name, count]) => /** @type {any} */ (window).__busy[name](count), /** @type {const} */ ([phase.key, phase.calls]));
    }
    await sleep(SETTLE_MS);
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('HeapProfiler.collectGarbage');
    const pageHeap = (await cdp.send('Runtime.getHeapUsage')).usedSize;
    const workerHeap = await workersHeap(browserCdp);
    // (still buffering, nothing sent: no error came)
    const replaysSent = servers.ingest.items.filter((/** @type {any} */ item) => item.projectId === String(projectId) && item.type === 'replay_event').length;
    memory = { pageHeap, workerHeap, replaysSent };
  }
  await context.close();
  return { startUp, memory };
}

/** @param {() => Promise<{ ours: string, extra: { naiveReplay: string, replay: string, tracing: string } }>} buildVariants what bench.mjs builds */
export async function replayBench(buildVariants) {
  const built = await buildVariants();
  const fileSizes = {
    'segment-sentry.min.js (all four settings off)': sizes(built.ours),
    'segment-sentry.tracing.min.js': sizes(built.extra.tracing),
    'segment-sentry.replay.min.js': sizes(built.extra.replay),
  };
  const ingest = await startIngestServer();
  const site = await startStaticServer();
  site.register('/replay-bench/segment-sentry.min.js', built.ours, { 'Content-Type': 'text/javascript' });
  site.register('/replay-bench/segment-sentry.replay.min.js', built.extra.replay, { 'Content-Type': 'text/javascript' });
  site.register('/replay-bench/naive-replay.min.js', built.extra.naiveReplay, { 'Content-Type': 'text/javascript' });
  site.register('/busy/api', '{"ok":true}', { 'Content-Type': 'application/json' });
  const browser = await chromium.launch({ executablePath: browserExecutable('chromium'), args: CHROMIUM_ARGS });
  const browserCdp = await browser.newBrowserCDPSession();
  /** @type {Record<string, Array<Awaited<ReturnType<typeof measurePage>>>>} */
  const startUps = {};
  /** @type {Record<string, Array<Awaited<ReturnType<typeof measurePage>>>>} */
  const busy = {};
  let projectId = 12000;
  try {
    for (let run = 0; run < START_UP_LOADS; run++) {
      for (const variant of rotated(VARIANTS, run)) (startUps[variant.name] ??= []).push(await measurePage(browser, browserCdp, { site, ingest }, variant, ++projectId, false));
      if ((run + 1) % 5 === 0 || run + 1 === START_UP_LOADS) console.log(`replay: start-up loads ${run + 1}/${START_UP_LOADS} of each`);
    }
    for (let run = 0; run < MEMORY_ROUNDS; run++) {
      for (const variant of rotated(VARIANTS, run)) (busy[variant.name] ??= []).push(await measurePage(browser, browserCdp, { site, ingest }, variant, ++projectId, true));
      console.log(`replay: busy minute ${run + 1}/${MEMORY_ROUNDS} of each`);
    }
  } finally {
    await browser.close();
    await ingest.close();
    await site.close();
  }
  const none = 'no Sentry';
  const med = (/** @type {number[]} */ values) => median(values);
  const startUpTable = Object.fromEntries(
    VARIANTS.map(({ name }) => {
      const samples = startUps[name] ?? [];
      const taskMs = med(samples.map((sample) => sample.startUp.taskMs));
      return [
        name,
        {
          'main thread (ms)': round(taskMs),
          'of it, JavaScript (ms)': round(med(samples.map((sample) => sample.startUp.scriptMs))),
          // Each round's own page with no Sentry subtracted, then the median.
          'added (ms)': round(med(samples.map((sample, run) => sample.startUp.taskMs - (startUps[none]?.[run]?.startUp.taskMs ?? Number.NaN)))),
        },
      ];
    }),
  );
  const kb = (/** @type {number} */ bytes) => round(bytes / 1024, 0);
  const memoryTable = Object.fromEntries(
    VARIANTS.map(({ name }) => {
      const samples = (busy[name] ?? []).map((sample) => /** @type {NonNullable<typeof sample.memory>} */ (sample.memory));
      const total = (/** @type {typeof samples[number] | undefined} */ sample) => (sample ? sample.pageHeap + sample.workerHeap : Number.NaN);
      return [
        name,
        {
          'page heap (KB)': kb(med(samples.map((sample) => sample.pageHeap))),
          'worker heap (KB)': kb(med(samples.map((sample) => sample.workerHeap))),
          'added over no Sentry (KB)': kb(med(samples.map((sample, run) => total(sample) - total(busy[none]?.[run]?.memory)))),
          'replays sent': med(samples.map((sample) => sample.replaysSent)),
        },
      ];
    }),
  );
  console.log('\nSession Replay (issue 33): the files, gzip and brotli bytes as `npm run build` writes them:');
  console.table(fileSizes);
  console.log(
    `Start-up: Chromium with ${CPU_THROTTLING}x CPU throttling, the busy page's markup, main-thread time (DevTools' task duration)\n` +
      `from the navigation until replay records (its session stored) and ${SETTLE_MS} ms more (the load event, without replay),\n` +
      `median of ${START_UP_LOADS} loads each, pages interleaved in a rotated order; "added": above the page with no Sentry of the same round.`,
  );
  console.table(startUpTable);
  console.log(
    `Memory: the busy page's minute (bench/busy-page.mjs, compressed, its handled errors left out) then a forced GC; the page's\n` +
      `JS heap and its workers' (Replay's buffer is in its compression worker); median of ${MEMORY_ROUNDS} rounds.`,
  );
  console.table(memoryTable);
  await writeFile(
    new URL('./replay-results.json', import.meta.url),
    `${JSON.stringify({ date: new Date().toISOString(), startUpLoads: START_UP_LOADS, memoryRounds: MEMORY_ROUNDS, cpuThrottling: CPU_THROTTLING, fileSizes, startUp: startUpTable, memory: memoryTable, startUps, busy }, null, 2)}\n`,
  );
}
