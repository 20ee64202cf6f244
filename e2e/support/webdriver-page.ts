import { Builder, By, type WebDriver } from 'selenium-webdriver';
import { miniBrowserBinary, withTimeout } from '../../scripts/dev/webkit-driver.mjs';
import { pollUntil } from '../../scripts/dev/poll-until.mjs';
import type { BrowserPage } from './browser-page';
import { blankPageOf, clearOriginStorage } from './clean-slate';
import { READ_RECORDER, STRINGIFY_IN_PAGE, type RecordedEntry } from './page-recorder';

// A bad capability makes WebKitWebDriver hang instead of answering; a session normally starts in under a second.
const SESSION_TIMEOUT_MS = 15_000;
// Below the test's own timeout, so a script that never answers fails its test with WebDriver's error rather
// than a teardown timeout (a script is lost, for one, when its document navigates away under it).
const SCRIPT_TIMEOUT_MS = 15_000;
const POLL_MS = 50;

/**
 * MiniBrowser without its page cache (back-forward cache), as Playwright launches Chromium
 * (--disable-back-forward-cache): a page kept there is suspended mid-task, and one suspended while it opens an
 * IndexedDB database (Sentry's offline queue opens ours as its transport is made) blocks every later open or
 * deletion of that database on its origin, with no 'blocked' event, until it is evicted: the next test's
 * clean slate waited forever (measured: over 60 s; 1 or 2 runs in 8 of the click-breadcrumb scenario).
 */
const MINIBROWSER_ARGS = ['--automation', '--enable-page-cache=false'];
/** With its page cache, for the one scenario that is about it (e2e/back-forward-cache.spec.ts). */
const MINIBROWSER_ARGS_WITH_PAGE_CACHE = ['--automation'];

type ConsoleListener = (message: { type(): string; text(): string }) => void;
type PageErrorListener = (error: { message: string }) => void;

/**
 * The part of Playwright's Page that the shared scenarios use, over a WebDriver session of WebKitGTK's
 * MiniBrowser, which each test starts afresh (resetFor) as a Playwright context would. Console lines and page
 * errors come from the page recorder (page-recorder.ts), polled while the page is open and read before
 * every navigation.
 */
export class WebDriverPage implements BrowserPage {
  private readonly consoleListeners: ConsoleListener[] = [];
  private readonly errorListeners: PageErrorListener[] = [];
  private currentUrl = 'about:blank';
  private poller: NodeJS.Timeout | undefined;
  private reads: Promise<void> = Promise.resolve();
  private pendingReads = 0;
  private navigating = false;
  private recording = false;

  private constructor(private readonly driver: WebDriver) {}

  static async open(driverUrl: string, { pageCache = false }: { pageCache?: boolean } = {}): Promise<WebDriverPage> {
    const driver = await withTimeout(
      new Builder()
        .usingServer(driverUrl)
        .withCapabilities({ browserName: 'MiniBrowser', 'webkitgtk:browserOptions': { binary: miniBrowserBinary(), args: pageCache ? MINIBROWSER_ARGS_WITH_PAGE_CACHE : MINIBROWSER_ARGS } })
        .build(),
      SESSION_TIMEOUT_MS,
      'WebKit session creation',
    );
    await driver.manage().setTimeouts({ script: SCRIPT_TIMEOUT_MS, pageLoad: SCRIPT_TIMEOUT_MS });
    const page = new WebDriverPage(driver);
    page.poller = setInterval(() => void (page.pendingReads === 0 && page.readRecorded()), POLL_MS);
    return page;
  }

  on(event: 'console', listener: ConsoleListener): void;
  on(event: 'pageerror', listener: PageErrorListener): void;
  on(event: 'console' | 'pageerror', listener: ConsoleListener | PageErrorListener): void {
    if (event === 'console') this.consoleListeners.push(listener as ConsoleListener);
    else this.errorListeners.push(listener as PageErrorListener);
  }

  url(): string {
    return this.currentUrl;
  }

  async goto(url: string): Promise<null> {
    await this.navigate(() => this.driver.get(url));
    return null;
  }

  async reload(): Promise<null> {
    await this.navigate(() => this.driver.navigate().refresh());
    return null;
  }

  /** History's Back, as the visitor's button. */
  async goBack(): Promise<null> {
    await this.navigate(() => this.driver.navigate().back());
    return null;
  }

  async click(selector: string): Promise<void> {
    await this.driver.findElement(By.css(selector)).click();
  }

  /**
   * Runs `fn(arg)` in the page and resolves with its (awaited) result. As with Playwright, only the function's
   * source crosses over; the argument and the result travel as JSON. A result JSON cannot carry (a cycle,
   * such as the context analytics.js hands its callbacks) resolves as undefined, where Playwright would
   * send a copy that no scenario reads.
   */
  async evaluate<R, Arg>(fn: (arg: Arg) => R | Promise<R>, arg?: Arg): Promise<R> {
    const script = `const done = arguments[arguments.length - 1];
      const arg = arguments[0] === null ? undefined : JSON.parse(arguments[0]);
      const reply = (outcome) => {
        try {
          done((${STRINGIFY_IN_PAGE})(outcome));
        } catch {
          done('{}');
        }
      };
      Promise.resolve().then(() => (${fn.toString()})(arg)).then(
        (value) => reply({ value }),
        (error) => reply({ error: error instanceof Error ? error.name + ': ' + error.message : String(error) }),
      );`;
    const reply = await this.driver.executeAsyncScript<string>(script, arg === undefined ? null : JSON.stringify(arg));
    const { value, error } = JSON.parse(reply) as { value?: R; error?: string };
    if (error !== undefined) throw new Error(`page.evaluate in WebKit: ${error}`);
    await this.readRecorded();
    return value as R;
  }

  /**
   * Polls `fn(arg)` in the page until it returns something truthy (Playwright's waitForFunction, by polling).
   * As with Playwright, it outlasts a navigation: a poll that fails as the page changes is simply repeated.
   */
  async waitForFunction<Arg>(fn: (arg: Arg) => unknown, arg?: Arg, { timeout = 10_000 }: { timeout?: number } = {}): Promise<void> {
    let lastError: unknown;
    const truthy = () => this.evaluate(fn, arg).then(Boolean, (error: unknown) => ((lastError = error), false));
    await pollUntil(truthy, timeout, () => `waitForFunction: ${fn.toString()} stayed falsy for ${timeout} ms${lastError ? ` (last: ${lastError})` : ''}`, POLL_MS);
  }

  /**
   * Until the page is at `url`, after a navigation the page started itself, by WebDriver's current URL: no script is
   * run meanwhile, so none is lost with a document going away (an evaluation lost so waits for the script timeout,
   * 15 s, longer than a poll's deadline: seen once in a fresh-clone run).
   */
  async waitForURL(url: string, { timeout = 10_000 }: { timeout?: number } = {}): Promise<void> {
    let current: string | undefined;
    const there = async () => (current = await this.driver.getCurrentUrl().catch(() => undefined)) === url;
    await pollUntil(there, timeout, () => `waitForURL: at ${current ?? '(unknown)'} after ${timeout} ms, not at ${url}`, POLL_MS);
    this.currentUrl = url;
  }

  /**
   * A clean slate for the next test: no listeners, and on each origin this test used no cookies, localStorage,
   * sessionStorage or IndexedDB databases left by this one (each origin's blank page unloads whatever ran
   * there, so nothing of it runs on and no database stays open).
   */
  async resetFor(origins: Array<{ register(path: string, body: string): string }>): Promise<void> {
    for (const origin of origins) {
      await this.goto(blankPageOf(origin));
      await this.driver.manage().deleteAllCookies();
      await this.evaluate(clearOriginStorage);
    }
    // Whatever the test had open is unloaded in any case.
    if (origins.length === 0) await this.goto('about:blank');
    await this.readRecorded();
    this.consoleListeners.length = 0;
    this.errorListeners.length = 0;
  }

  async close(): Promise<void> {
    clearInterval(this.poller);
    await this.readRecorded();
    await this.driver.quit().catch(() => undefined);
  }

  private async navigate(go: () => Promise<void>): Promise<void> {
    await this.readRecorded();
    this.navigating = true;
    this.recording = false;
    try {
      await go();
    } finally {
      this.navigating = false;
    }
    await this.readRecorded();
    // Without the recorder, page errors and console lines would pass unseen: a page it is missing from fails.
    if (this.currentUrl.startsWith('http') && !this.recording) throw new Error(`the page recorder is not on ${this.currentUrl}`);
  }

  /** Reads what the recorder kept since the last read and hands it to the listeners; reads run one after another. */
  readRecorded(): Promise<void> {
    this.pendingReads++;
    this.reads = this.reads.then(() => this.readRecorder()).finally(() => this.pendingReads--);
    return this.reads;
  }

  private async readRecorder(): Promise<void> {
    if (this.navigating) return;
    let read: { recording: boolean; entries: RecordedEntry[]; url: string };
    try {
      read = JSON.parse(await this.driver.executeScript<string>(READ_RECORDER)) as typeof read;
    } catch {
      return; // a page between documents has nothing to read yet
    }
    this.currentUrl = read.url;
    this.recording = read.recording;
    for (const entry of read.entries) {
      if (entry.kind === 'console') this.consoleListeners.forEach((listener) => listener({ type: () => entry.type, text: () => entry.text }));
      else this.errorListeners.forEach((listener) => listener({ message: entry.text }));
    }
  }
}
