import { Builder, By, type WebDriver } from 'selenium-webdriver';
import { startFirefoxMarionette } from '../../scripts/dev/firefox-marionette.mjs';
import { miniBrowserBinary, withTimeout } from '../../scripts/dev/webkit-driver.mjs';

// A bad capability makes WebKitWebDriver hang instead of answering; a session normally starts in under a second.
const SESSION_TIMEOUT_MS = 15_000;
// Below the test's own timeout, so a script that never answers fails its test with WebDriver's error rather
// than a teardown timeout (a script is lost, for one, when its document navigates away under it).
const SCRIPT_TIMEOUT_MS = 15_000;

/**
 * The classic WebDriver commands the WebDriver lanes' page object uses (webdriver-page.ts), over WebKitGTK's
 * WebKitWebDriver (selenium-webdriver's client) or Firefox's Marionette (the same commands, spoken directly).
 */
export interface WebDriverSession {
  navigate(url: string): Promise<void>;
  refresh(): Promise<void>;
  back(): Promise<void>;
  click(selector: string): Promise<void>;
  /**
   * Evaluates `expression` in the page's own realm (as the page's scripts run: an error thrown or a promise rejected
   * there is the page's), with `argJson` bound to the given text or null; resolves with the string it evaluates to,
   * or the string its promise resolves to.
   */
  runInPage(expression: string, argJson: string | null): Promise<string>;
  currentUrl(): Promise<string>;
  deleteAllCookies(): Promise<void>;
  /** Ends the session and the browser. */
  quit(): Promise<void>;
}

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

/** A session of WebKitGTK's MiniBrowser through WebKitWebDriver at `driverUrl`. */
export async function openWebKitSession(driverUrl: string, { pageCache = false }: { pageCache?: boolean } = {}): Promise<WebDriverSession> {
  const driver: WebDriver = await withTimeout(
    new Builder()
      .usingServer(driverUrl)
      .withCapabilities({ browserName: 'MiniBrowser', 'webkitgtk:browserOptions': { binary: miniBrowserBinary(), args: pageCache ? MINIBROWSER_ARGS_WITH_PAGE_CACHE : MINIBROWSER_ARGS } })
      .build(),
    SESSION_TIMEOUT_MS,
    'WebKit session creation',
  );
  await driver.manage().setTimeouts({ script: SCRIPT_TIMEOUT_MS, pageLoad: SCRIPT_TIMEOUT_MS });
  return {
    navigate: (url) => driver.get(url),
    refresh: () => driver.navigate().refresh(),
    back: () => driver.navigate().back(),
    click: async (selector) => driver.findElement(By.css(selector)).click(),
    // WebKitWebDriver runs scripts in the page's own realm.
    runInPage: (expression, argJson) =>
      driver.executeAsyncScript(
        `const done = arguments[arguments.length - 1];
        const argJson = arguments[0];
        const value = ${expression};
        if (typeof value === 'string') done(value);
        else value.then(done, (error) => done(JSON.stringify({ error: String(error) })));`,
        argJson,
      ),
    currentUrl: () => driver.getCurrentUrl(),
    deleteAllCookies: () => driver.manage().deleteAllCookies(),
    quit: () => driver.quit().catch(() => undefined),
  };
}

/**
 * Marionette runs a script in a sandbox of its own, with the page's window as its prototype: a function the script
 * makes is the sandbox's, so an error it throws in a timer, or a promise it rejects, never reaches the page's
 * handlers (nor Sentry's) as the page's own would. So the script runs in Marionette's privileged sandbox and hands
 * the expression to Firefox's Debugger API, which evaluates it in the page's realm as devtools' console does
 * (not subject to the page's Content-Security-Policy either, as Playwright's evaluation is not).
 */
const RUN_IN_PAGE_OVER_MARIONETTE = `const [expression, argJson] = arguments;
  const done = arguments[arguments.length - 1];
  const fail = (what) => done(JSON.stringify({ error: what }));
  if (!globalThis.Debugger) {
    const { addDebuggerToGlobal } = ChromeUtils.importESModule('resource://gre/modules/jsdebugger.sys.mjs');
    addDebuggerToGlobal(globalThis);
  }
  const pageDebugger = new Debugger();
  let completion;
  try {
    completion = pageDebugger.addDebuggee(window).executeInGlobalWithBindings(expression, { argJson });
  } finally {
    pageDebugger.removeAllDebuggees();
  }
  if (!completion) fail('the page stopped the script');
  else if ('throw' in completion) fail(String(completion.throw?.unsafeDereference?.() ?? completion.throw));
  else if (typeof completion.return === 'string') done(completion.return);
  else completion.return.unsafeDereference().then(done, (error) => fail(String(error)));`;

/** WebDriver's key for an element reference in a command's result. */
const ELEMENT_KEY = 'element-6066-11e4-a52e-4f735466cecf';

/**
 * A session of Debian's firefox-esr over Marionette (scripts/dev/firefox-marionette.mjs), started for it and
 * stopped with it. `proxyPort`: where requests not to 127.0.0.1 go (a closed port: they fail).
 */
export async function openFirefoxSession({ proxyPort }: { proxyPort: number }): Promise<WebDriverSession> {
  const firefox = await startFirefoxMarionette({ proxyPort });
  const { client } = firefox;
  try {
    await client.command('WebDriver:SetTimeouts', { script: SCRIPT_TIMEOUT_MS, pageLoad: SCRIPT_TIMEOUT_MS });
  } catch (error) {
    firefox.stop();
    throw error;
  }
  let inPage: Promise<unknown> = Promise.resolve();
  const valueOf = async <T>(name: string, params?: Record<string, unknown>): Promise<T> => ((await client.command(name, params)) as { value: T }).value;
  return {
    navigate: async (url) => void (await client.command('WebDriver:Navigate', { url })),
    refresh: async () => void (await client.command('WebDriver:Refresh')),
    back: async () => void (await client.command('WebDriver:Back')),
    click: async (selector) => {
      const element = await valueOf<Record<string, string>>('WebDriver:FindElement', { using: 'css selector', value: selector });
      await client.command('WebDriver:ElementClick', { id: element[ELEMENT_KEY] });
    },
    // One at a time: with two async scripts at once in the one named sandbox (the recorder's poll during an
    // evaluation), one of them never answered (a script timeout in 38 of 257 tests; none since).
    runInPage: (expression, argJson) => {
      const run = inPage.then(() => valueOf<string>('WebDriver:ExecuteAsyncScript', { script: RUN_IN_PAGE_OVER_MARIONETTE, args: [expression, argJson], sandbox: 'system' }));
      inPage = run.catch(() => undefined);
      return run;
    },
    currentUrl: () => valueOf('WebDriver:GetCurrentURL'),
    deleteAllCookies: async () => void (await client.command('WebDriver:DeleteAllCookies')),
    quit: async () => {
      await withTimeout(client.command('WebDriver:DeleteSession'), 2_000, 'Marionette session end').catch(() => undefined);
      firefox.stop();
    },
  };
}
