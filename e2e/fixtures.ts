import { test as base, expect, type Page, type TestInfo } from '@playwright/test';
import type { Event } from '@sentry/core';
import { startIngestServer, type IngestItem, type IngestServer } from '../scripts/dev/ingest-server.mjs';
import { mountLocalSegment } from '../scripts/dev/local-segment.mjs';
import { startStaticServer, type StaticServer } from '../scripts/dev/static-server.mjs';
import { startWebKitDriver } from '../scripts/dev/webkit-driver.mjs';
import type { BrowserPage } from './browser-page';
import { blankPageOf, clearOriginStorage } from './clean-slate';
import { buildPage, type PageOptions } from './page-builder';
import { PAGE_RECORDER } from './page-recorder';
import { BLOCKED_WRITE_KEY, WRITE_KEY, type SegmentTraffic } from './segment';
import { WebDriverPage } from './webdriver-page';

export { expect };
export type { BrowserPage, Event, IngestItem, PageOptions };
export type StaticServerFixture = StaticServer;

export const PREFIX = '[segment-sentry]';
const SENTINEL = 'segment-sentry sentinel';

/** One Sentry project on the local ingest: each test gets its own, so tests never see each other's events. */
export class Project {
  constructor(
    readonly id: string,
    readonly dsn: string,
    private readonly ingest: IngestServer,
  ) {}

  items(type?: string): IngestItem[] {
    return this.ingest.items.filter((item) => item.projectId === this.id && (!type || item.type === type));
  }

  events(): Event[] {
    return this.items('event').map((item) => item.payload as Event);
  }

  waitForItem(type: string, predicate: (payload: any) => boolean = () => true, description = type, timeoutMs?: number): Promise<IngestItem> {
    return this.ingest.waitForItem((item) => item.projectId === this.id && item.type === type && predicate(item.payload), {
      description: `${description} for project ${this.id}`,
      timeoutMs,
    });
  }

  async waitForEvent(predicate: (event: Event) => boolean = () => true, description = 'event', timeoutMs?: number): Promise<Event> {
    return (await this.waitForItem('event', predicate, description, timeoutMs)).payload as Event;
  }

  /** The event whose exception (or message) mentions `text`. */
  waitForError(text: string, timeoutMs?: number): Promise<Event> {
    return this.waitForEvent((event) => describeEvent(event).includes(text), `event mentioning "${text}"`, timeoutMs);
  }

  /**
   * "Nothing was sent" made checkable: a sentinel message is captured after whatever should have
   * been dropped, the page's client is flushed (so every earlier request has been answered), and
   * only then are the events this project received compared against `predicate`.
   */
  /**
   * A barrier, not an assertion: once it resolves, everything the page captured before it has been
   * processed and sent (a sentinel captured after it arrived, and the client was flushed).
   */
  async settle(page: BrowserPage): Promise<void> {
    await sendSentinel(page);
    await this.waitForEvent((event) => event.message === SENTINEL, 'sentinel');
    await page.evaluate(() => window.SegmentSentry?.flush(5000));
  }

  async expectNoEvent(page: BrowserPage, predicate: (event: Event) => boolean, options: { sentinelError?: string } = {}): Promise<void> {
    if (options.sentinelError) {
      // The page sends its own sentinel (an error it throws last), for filters a message would not pass.
      await this.waitForError(options.sentinelError);
    } else {
      await sendSentinel(page);
      await this.waitForEvent((event) => event.message === SENTINEL, 'sentinel');
    }
    await page.evaluate(() => window.SegmentSentry?.flush(5000));
    const unexpected = this.events().filter(predicate);
    expect(unexpected.map(describeEvent), 'events that should not have been sent').toEqual([]);
  }
}

export async function sendSentinel(page: BrowserPage): Promise<void> {
  await page.evaluate(async (message) => {
    window.SegmentSentry?.captureMessage(message);
    await window.SegmentSentry?.flush(5000);
  }, SENTINEL);
}

/** Captures an Error with this message through SegmentSentry. */
export const capture = (page: BrowserPage, message: string): Promise<unknown> =>
  page.evaluate((text) => window.SegmentSentry?.captureException(new Error(text)), message);

/** How many envelopes wait in our IndexedDB offline queue (0 when there is no queue). */
export const queuedOffline = (page: BrowserPage): Promise<number> =>
  page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const open = indexedDB.open('segment-sentry-offline');
        open.onupgradeneeded = () => open.result.createObjectStore('queue');
        open.onsuccess = () => {
          const request = open.result.transaction('queue', 'readonly').objectStore('queue').count();
          request.onsuccess = () => {
            resolve(request.result);
            open.result.close();
          };
        };
      }),
  );

/** Whether our offline queue's database exists at all (looking does not create it). */
export const offlineDatabaseExists = (page: BrowserPage): Promise<boolean> =>
  page.evaluate(async () => (await indexedDB.databases()).some((database) => database.name === 'segment-sentry-offline'));

export function describeEvent(event: Event): string {
  if (event.message !== undefined) return event.message;
  const exception = event.exception?.values?.map((value) => `${value.type}: ${value.value}`).join(' / ');
  return exception ?? event.logentry?.message ?? '(no message)';
}

/** Everything the page wrote to its console, and a way to wait for a line to appear. */
export class ConsoleLog {
  readonly entries: Array<{ type: string; text: string }> = [];
  private readonly listeners = new Set<() => void>();
  private readonly expected: RegExp[] = [];

  /** Declares `[segment-sentry]` errors this test expects; any other one fails the test (checked after it). */
  expectErrors(...patterns: RegExp[]): void {
    this.expected.push(...patterns);
  }

  /** Our console errors that no test declared (waiting for a line declares it too). */
  unexpectedErrors(): string[] {
    return this.ours()
      .filter((entry) => entry.type === 'error' && !this.expected.some((pattern) => pattern.test(entry.text)))
      .map((entry) => entry.text);
  }

  record(message: { type(): string; text(): string }): void {
    this.entries.push({ type: message.type(), text: message.text() });
    for (const listener of this.listeners) listener();
  }

  /** Our own messages: every line the bundle prints starts with the prefix. */
  ours(): Array<{ type: string; text: string }> {
    return this.entries.filter((entry) => entry.text.startsWith(PREFIX));
  }

  waitFor(pattern: RegExp, timeoutMs = 10_000): Promise<{ type: string; text: string }> {
    this.expected.push(pattern);
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.entries.find((entry) => pattern.test(entry.text));
        if (!found) return false;
        clearTimeout(timer);
        this.listeners.delete(onEntry);
        resolve(found);
        return true;
      };
      const onEntry = (): void => void check();
      const timer = setTimeout(() => {
        this.listeners.delete(onEntry);
        reject(new Error(`console: no line matching ${pattern} within ${timeoutMs} ms; saw:\n${this.entries.map((e) => e.text).join('\n')}`));
      }, timeoutMs);
      if (!check()) this.listeners.add(onEntry);
    });
  }
}

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
  /** Builds a page from fixtures/template.html with these options, serves it and opens it. */
  openPage: (options?: PageOptions) => Promise<Page>;
  /** Serves a page built from these options and returns its URL without opening it. */
  pageUrl: (options?: PageOptions) => string;
  /** The real Segment served from `site` (e2e/segment.ts), and the calls analytics.js made to its API in this test. */
  segment: SegmentTraffic;
}

interface WorkerFixtures {
  /** The Chromium and Firefox lanes' one page per worker (e2e/clean-slate.ts); tests get it as `page`. */
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
 * mode) is taken off, and its storage is cleared on each origin the tests use (e2e/clean-slate.ts).
 */
async function resetPlaywrightPage(page: Page, origins: StaticServer[]): Promise<void> {
  const context = page.context();
  for (const event of ['console', 'pageerror', 'request', 'requestfinished', 'requestfailed', 'response'] as const) page.removeAllListeners(event);
  await page.unrouteAll({ behavior: 'ignoreErrors' });
  await context.unrouteAll({ behavior: 'ignoreErrors' });
  await context.setOffline(false);
  await context.clearCookies();
  for (const origin of origins) {
    await page.goto(blankPageOf(origin));
    await page.evaluate(clearOriginStorage);
  }
  await page.goto('about:blank');
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  workerPage: [
    async ({ browser }, use) => {
      const context = await browser.newContext();
      await use(await context.newPage());
      await context.close();
    },
    { scope: 'worker' },
  ],
  context: async ({ workerPage }, use) => use(workerPage.context()),
  page: async ({ workerPage, site, otherSite }, use) => {
    // Nothing a test does may leave the machine: such a request is cut off, and fails the test.
    const offMachine: string[] = [];
    await workerPage.context().route(/^(https?|wss?):\/\/(?!127\.0\.0\.1[:/])/, (route) => {
      offMachine.push(route.request().url());
      return route.abort('blockedbyclient');
    });
    await use(workerPage);
    // Cleared after the test, so a failed one leaves nothing for the next either.
    await resetPlaywrightPage(workerPage, [site, otherSite]);
    expect(offMachine, 'requests that would have left 127.0.0.1').toEqual([]);
  },
  ingest: [serveForTheWorker(startIngestServer), { scope: 'worker' }],
  site: [serveForTheWorker(startStaticServer), { scope: 'worker' }],
  otherSite: [serveForTheWorker(startStaticServer), { scope: 'worker' }],
  project: async ({ ingest }, use) => use(newProject(ingest)),
  // Automatic and cheap (it only registers routes on the site): any page may carry the snippet.
  segment: [
    async ({ site }, use) => {
      const traffic: SegmentTraffic = { apiCalls: [] };
      mountLocalSegment(site, { writeKey: WRITE_KEY, blockedWriteKey: BLOCKED_WRITE_KEY, onApiCall: (path) => traffic.apiCalls.push(path) });
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
      // The test build's trimmed SDK functions say so when reached (scripts/esbuild-trim-sentry.mjs): the client
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
 * The WebKit lane: the same fixtures over WebKitGTK driven by WebDriver (scripts/webkit-driver.mjs starts the
 * display and the driver once per worker). `page` is a WebDriverPage over one session per worker, reset after
 * every test (WebDriverPage.resetFor: no cookies, storage or databases on either site); a session per test
 * would cost 0.4 s more each. The servers put the page recorder first in every page, for console lines and
 * page errors.
 */
export const webkitTest = test.extend<object, { webkitSession: WebDriverPage }>({
  webkitSession: [
    async ({}, use) => {
      const driver = await startWebKitDriver();
      try {
        const session = await WebDriverPage.open(driver.url);
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
    await use(webkitSession as unknown as Page);
    // Cleared after the test, as in the other lanes (a failed test restarts the worker, and the session).
    await webkitSession.resetFor([site, otherSite]);
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
 * Registers one scenario for every engine: in the Chromium and Firefox lanes through Playwright, and in the
 * WebKit lane (its title tagged @webkit, which the projects select on) through WebDriver.
 */
export function everyEngine(title: string, body: (args: ScenarioArgs, testInfo: TestInfo) => Promise<void>): void {
  test(title, body);
  webkitTest(`${title} @webkit`, body);
}
