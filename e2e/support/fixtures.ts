import { test as base, expect, type Page, type TestInfo } from '@playwright/test';
import type { Event } from '@sentry/core';
import { closedPort } from '../../scripts/dev/closed-port.mjs';
import { startIngestServer, type IngestItem, type IngestServer } from '../../scripts/dev/ingest-server.mjs';
import { mountLocalSegment } from '../../scripts/dev/local-segment.mjs';
import { startStaticServer, type StaticServer } from '../../scripts/dev/static-server.mjs';
import { startWebKitDriver } from '../../scripts/dev/webkit-driver.mjs';
import type { BrowserPage } from './browser-page';
import { CLEARED, clearingPageOf } from './clean-slate';
import { buildPage, type PageOptions } from './page-builder';
import { PAGE_RECORDER } from './page-recorder';
import { BLOCKED_WRITE_KEY, WRITE_KEY, type SegmentApiBody, type SegmentTraffic } from './segment';
import { WebDriverPage } from './webdriver-page';
import { ConsoleLog } from './console-log';
import { Project } from './ingest-project';

export { expect };

/**
 * expect.poll, trying every 50 ms: Playwright's own backs off to a second between tries (100, 250, 500, then 1,000
 * ms), so a wait that ends after 400 ms was seen only at 850 ms, and one that ends after 2 s at up to 2.85 s.
 */
export const poll: typeof expect.poll = (generator, options = {}) =>
  expect.poll(generator, { intervals: [50], ...(typeof options === 'string' ? { message: options } : options) });
export type { BrowserPage, Event, IngestItem, PageOptions };
export type StaticServerFixture = StaticServer;
export { ConsoleLog };
export { blockDirectSends, capture, describeEvent, pastTheQueuesNextSend, PREFIX, Project, sendSentinel } from './ingest-project';
export { busyOnceForEachEvent, deleteOfflineDatabase, offlineDatabaseExists, queuedOffline } from './offline-queue';

interface TestFixtures {
  project: Project;
  /** A second project, for a second Sentry on the same page. */
  otherProject: Project;
  consoleLog: ConsoleLog;
  /** Uncaught errors and rejections of the page; one that no test declared fails the test (checked after it). */
  pageErrors: string[];
  /** Page errors a whole file or describe block expects: `test.use({ expectedPageErrors: [/boom/] })`. */
  expectedPageErrors: RegExp[];
  /** Declares page errors this test expects (the page's own, thrown on purpose). */
  expectPageErrors: (...patterns: RegExp[]) => void;
  declaredPageErrors: RegExp[];
  /** Requests off 127.0.0.1 this test makes on purpose (the proxy's own check); any other fails the test. */
  expectOffMachineRequests: (...patterns: RegExp[]) => void;
  declaredOffMachine: RegExp[];
  /** Builds a page from fixtures/template.html with these options, serves it and opens it. */
  openPage: (options?: PageOptions) => Promise<Page>;
  /** Serves a page built from these options and returns its URL without opening it. */
  pageUrl: (options?: PageOptions) => string;
  /** The real Segment served from `site` (e2e/support/segment.ts), and the calls analytics.js made to its API in this test. */
  segment: SegmentTraffic;
}

interface WorkerFixtures {
  /** The Chromium and Firefox lanes' one page per worker (e2e/support/clean-slate.ts); tests get it as `page`. */
  workerPage: Page;
  ingest: IngestServer;
  /** Serves the pages under test, dist/ and fixtures/. */
  site: StaticServer;
  /** A second origin, for scripts that really come from somewhere else. */
  otherSite: StaticServer;
}

/** The WebKit lane's page reads its recorder on a timer: the checks after a test first read what is left. */
const readWhatThePageRecorded = (page: Page | WebDriverPage): Promise<void> =>
  page instanceof WebDriverPage ? page.readRecorded() : Promise.resolve();

let projectCounter = 0;
let pageCounter = 0;

function newProject(ingest: IngestServer): Project {
  const id = String(++projectCounter);
  return new Project(id, ingest.dsnFor(id), ingest);
}

/** A server started once per worker (OS-picked port) and closed when the worker ends. */
function serveForTheWorker<S extends { close(): Promise<unknown> }>(startServer: () => Promise<S>) {
  return async ({}, use: (server: S) => Promise<void>) => {
    const server = await startServer();
    await use(server);
    await server.close();
  };
}

/**
 * Playwright's page, kept for the next test: whatever this test attached to it (listeners, routes, offline
 * mode) is taken off, and its storage is cleared on each origin the tests use (e2e/support/clean-slate.ts).
 */
async function resetPlaywrightPage(page: Page, origins: StaticServer[]): Promise<void> {
  const context = page.context();
  for (const event of ['console', 'pageerror', 'request', 'requestfinished', 'requestfailed', 'response'] as const) page.removeAllListeners(event);
  await page.unrouteAll({ behavior: 'ignoreErrors' });
  await context.unrouteAll({ behavior: 'ignoreErrors' });
  await context.setOffline(false);
  await context.clearCookies();
  for (const origin of origins) {
    await page.goto(clearingPageOf(origin));
    await page.waitForURL(CLEARED);
    const failed = /#failed:(.*)$/.exec(page.url());
    if (failed) throw new Error(`the clean slate: ${decodeURIComponent(failed[1]!)}`);
  }
  // Whatever the test had open (the demo's own server, say) is unloaded in any case.
  if (origins.length === 0) await page.goto('about:blank');
}

/**
 * The origins a test used (each had a request from it), for the reset to clear: a test that never loaded a
 * page from the other site leaves nothing there, and a navigation costs 0.1 to 0.3 s.
 */
function originsUsedBy(servers: StaticServer[]): () => StaticServer[] {
  const before = servers.map((server) => server.requests);
  return () => servers.filter((server, index) => server.requests !== before[index]);
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  workerPage: [
    async ({ browser }, use) => {
      // Nothing a test does may leave the machine: every request not to 127.0.0.1 goes to a proxy that is not
      // there, so it fails (the page fixture also fails the test for it). A proxy, not request routing:
      // intercepting every request cost Firefox a third of its run.
      const context = await browser.newContext({ proxy: { server: `http://127.0.0.1:${await closedPort()}`, bypass: '127.0.0.1' } });
      await use(await context.newPage());
      await context.close();
    },
    { scope: 'worker' },
  ],
  context: async ({ workerPage }, use) => use(workerPage.context()),
  declaredOffMachine: async ({}, use) => use([]),
  expectOffMachineRequests: async ({ declaredOffMachine }, use) => use((...patterns) => void declaredOffMachine.push(...patterns)),
  page: async ({ workerPage, site, otherSite, declaredOffMachine }, use) => {
    // A request that would have left the machine (the context's proxy cut it off) fails the test.
    const offMachine: string[] = [];
    workerPage.on('request', (request) => void (/^(https?|wss?):\/\/(?!127\.0\.0\.1[:/])/.test(request.url()) && offMachine.push(request.url())));
    const used = originsUsedBy([site, otherSite]);
    await use(workerPage);
    // Cleared after the test, so a failed one leaves nothing for the next either.
    await resetPlaywrightPage(workerPage, used());
    const undeclared = offMachine.filter((url) => !declaredOffMachine.some((pattern) => pattern.test(url)));
    expect(undeclared, 'requests that would have left 127.0.0.1').toEqual([]);
  },
  ingest: [serveForTheWorker(startIngestServer), { scope: 'worker' }],
  site: [serveForTheWorker(startStaticServer), { scope: 'worker' }],
  otherSite: [serveForTheWorker(startStaticServer), { scope: 'worker' }],
  project: async ({ ingest }, use) => use(newProject(ingest)),
  // Automatic and cheap (it only registers routes on the site): any page may carry the snippet.
  segment: [
    async ({ site }, use) => {
      const traffic: SegmentTraffic = { apiCalls: [], apiBodies: [], settings: {}, settingsServed: 0 };
      mountLocalSegment(site, {
        writeKey: WRITE_KEY,
        blockedWriteKey: BLOCKED_WRITE_KEY,
        onApiCall: (path, body) => void (traffic.apiCalls.push(path), traffic.apiBodies.push({ path, body: body as SegmentApiBody | undefined })),
        settings: () => (traffic.settingsServed++, traffic.settings),
        settingsHeld: () => traffic.settingsHeld,
        apiDelayMs: (body) => traffic.apiDelayMs?.(body as { name?: string } | undefined) ?? 0,
      });
      await use(traffic);
    },
    { auto: true },
  ],
  otherProject: async ({ ingest }, use) => use(newProject(ingest)),
  // Automatic, so every test that opens a page is watched from its first line.
  consoleLog: [
    async ({ page }, use) => {
      const log = new ConsoleLog();
      page.on('console', (message) => log.record(message));
      await use(log);
      await readWhatThePageRecorded(page);
      // The test build's trimmed SDK functions say so when reached (scripts/build/esbuild-trim-sentry.mjs): the client
      // swallows their throw, so events could be lost without a word. Any test that sees it fails.
      const reached = log.entries.filter((entry) => entry.text.includes('unreachable SDK code reached'));
      expect(reached.map((entry) => entry.text), 'trimmed Sentry SDK code was reached').toEqual([]);
      // Any other [segment-sentry] error the test did not declare (expectErrors, or waiting for it) fails it too.
      expect(log.unexpectedErrors(), 'unexpected [segment-sentry] console errors').toEqual([]);
    },
    { auto: true },
  ],
  expectedPageErrors: [[], { option: true }],
  declaredPageErrors: async ({ expectedPageErrors }, use) => use([...expectedPageErrors]),
  expectPageErrors: async ({ declaredPageErrors }, use) => use((...patterns) => void declaredPageErrors.push(...patterns)),
  // Automatic, like consoleLog: as Sentry's own browser tests do, a page error nobody expected fails the test,
  // so an error of ours that escapes into the page cannot pass unseen.
  pageErrors: [
    async ({ page, declaredPageErrors }, use) => {
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await use(errors);
      await readWhatThePageRecorded(page);
      const unexpected = errors.filter((message) => !declaredPageErrors.some((pattern) => pattern.test(message)));
      expect(unexpected, 'page errors this test did not declare (expectPageErrors)').toEqual([]);
    },
    { auto: true },
  ],
  pageUrl: async ({ site, project }, use) => {
    await use((options = {}) => site.register(`/pages/${++pageCounter}.html`, buildPage(options, project.dsn), options.headers));
  },
  openPage: async ({ page, pageUrl, consoleLog, pageErrors }, use) => {
    // consoleLog and pageErrors are named so their listeners exist before the page loads.
    void consoleLog;
    void pageErrors;
    await use(async (options = {}) => {
      await page.goto(pageUrl(options));
      return page;
    });
  },
});

/**
 * The WebKit lane: the same fixtures over WebKitGTK driven by WebDriver (scripts/dev/webkit-driver.mjs starts the
 * display and the driver once per worker). `page` is a WebDriverPage over one session per worker, reset after
 * every test (WebDriverPage.resetFor: no cookies, storage or databases on either site); a session per test
 * would cost 0.4 s more each. The servers put the page recorder first in every page, for console lines and
 * page errors.
 */
export const webkitTest = test.extend<object, { webkitSession: WebDriverPage; webkitPageCache: boolean }>({
  // MiniBrowser runs without its page cache (webdriver-page.ts says why); a describe block about that cache turns it on.
  webkitPageCache: [false, { scope: 'worker', option: true }],
  webkitSession: [
    async ({ webkitPageCache }, use) => {
      const driver = await startWebKitDriver();
      try {
        const session = await WebDriverPage.open(driver.url, { pageCache: webkitPageCache });
        await use(session);
        await session.close();
      } finally {
        driver.stop();
      }
    },
    { scope: 'worker', timeout: 30_000 },
  ],
  site: [serveForTheWorker(() => startStaticServer({ htmlPrelude: PAGE_RECORDER })), { scope: 'worker' }],
  otherSite: [serveForTheWorker(() => startStaticServer({ htmlPrelude: PAGE_RECORDER })), { scope: 'worker' }],
  page: async ({ webkitSession, site, otherSite }, use) => {
    // Typed as Playwright's Page for the shared fixtures; scenarios see it as a BrowserPage (everyEngine).
    const used = originsUsedBy([site, otherSite]);
    await use(webkitSession as unknown as Page);
    // Cleared after the test, as in the other lanes (a failed test restarts the worker, and the session).
    await webkitSession.resetFor(used());
  },
});

/** What a scenario run in every engine may use: the shared fixtures, with the page as a BrowserPage. */
export interface ScenarioArgs {
  page: BrowserPage;
  openPage: (options?: PageOptions) => Promise<BrowserPage>;
  pageUrl: (options?: PageOptions) => string;
  project: Project;
  otherProject: Project;
  consoleLog: ConsoleLog;
  pageErrors: string[];
  expectPageErrors: (...patterns: RegExp[]) => void;
  ingest: IngestServer;
  site: StaticServer;
  otherSite: StaticServer;
  segment: SegmentTraffic;
  browserName: string;
}

/**
 * Inside a describe block: its tests run in Chromium only. For the cases of a dimension that only changes which
 * branch of Segment's or our own JavaScript runs, not what the browser does: the dimension is crossed in full in
 * Chromium, and Firefox and WebKit run enough of its cases to see each value once (docs/development.md, «The run»).
 * Skipped before any page is set up (a skip inside the test still costs it a page reset).
 */
export function inChromiumOnly(why: string): void {
  test.skip(({ browserName }) => browserName !== 'chromium', `engine-independent: ${why}`);
}

/**
 * One case of a crossed dimension (see inChromiumOnly), for everyEngine: Chromium runs every case, Firefox the
 * even-numbered ones and WebKit the odd ones. Number the cases so each engine sees each value of each dimension:
 * for two dimensions crossed, the sum of the two indexes.
 */
export interface CaseOfACrossing {
  caseIndex: number;
  why: string;
}
export const caseOfACrossing = (caseIndex: number, why: string): CaseOfACrossing => ({ caseIndex, why });

/**
 * Registers one scenario for every engine: in the Chromium and Firefox lanes through Playwright, and in the
 * WebKit lane (its title tagged @webkit, which the projects select on) through WebDriver; with `crossing`, in
 * Chromium and one other engine (CaseOfACrossing).
 */
export function everyEngine(title: string, body: (args: ScenarioArgs, testInfo: TestInfo) => Promise<void>, crossing?: CaseOfACrossing): void {
  const register = () => {
    test(title, body);
    webkitTest(`${title} @webkit`, body);
  };
  if (!crossing) return register();
  test.describe(() => {
    const other = crossing.caseIndex % 2 === 0 ? 'firefox' : 'webkit';
    test.skip(({ browserName }) => browserName !== 'chromium' && browserName !== other, `engine-independent: ${crossing.why}`);
    register();
  });
}
