import { closedPort } from '../scripts/dev/closed-port.mjs';
import { describeEvent, everyEngine, expect, inChromiumOnly, test } from './support/fixtures';

// The errors this file's pages throw on purpose; any other page error fails a test (e2e/support/fixtures.ts).
test.use({ expectedPageErrors: [/boom|uncaught at load|after breadcrumbs|after clicks and typing/] });

test.describe('capture', () => {
  everyEngine('an uncaught error reaches the ingest as unhandled, with its stack, the page URL and the user agent', async ({
    openPage,
    project,
  }) => {
    const page = await openPage({ body: `<script>throw new Error('uncaught at load');</script>` });
    const event = await project.waitForError('uncaught at load');
    const exception = event.exception?.values?.[0];
    expect(exception?.type).toBe('Error');
    expect(exception?.mechanism?.handled).toBe(false);
    expect(exception?.stacktrace?.frames?.length).toBeGreaterThan(0);
    expect(event.request?.url).toBe(page.url());
    expect(event.request?.headers?.['User-Agent']).toBe(await page.evaluate(() => navigator.userAgent));
  });

  everyEngine('an unhandled promise rejection reaches the ingest as unhandled', async ({ openPage, project }) => {
    const page = await openPage();
    await page.evaluate(() => void Promise.reject(new Error('rejected boom')));
    const event = await project.waitForError('rejected boom');
    expect(event.exception?.values?.[0]?.mechanism?.handled).toBe(false);
    expect(event.exception?.values?.[0]?.mechanism?.type).toMatch(/onunhandledrejection/);
  });

  everyEngine('errors thrown inside timers and event handlers are captured with their stack', async ({ openPage, project }) => {
    // The throwing functions live in the page's script: code a test evaluates has no URL in WebKit's
    // frames ("onTimer@"), so the SDK could keep no frame of it (docs/browsers.md).
    const page = await openPage({
      body: `<button id="fail">fail</button>
        <script>document.getElementById('fail').addEventListener('click', function onFailClick() {
          throw new Error('handler boom');
        });
        window.startTimer = function () { setTimeout(function onTimer() { throw new Error('timer boom'); }, 0); };</script>`,
    });
    await page.evaluate(() => (window as unknown as { startTimer(): void }).startTimer());
    await page.click('#fail');
    for (const [text, api] of [['timer boom', 'setTimeout'], ['handler boom', 'addEventListener']] as const) {
      const exception = (await project.waitForError(text)).exception?.values?.[0];
      expect(exception?.mechanism?.handled).toBe(false);
      expect(exception?.mechanism?.type).toContain(api);
      expect(exception?.stacktrace?.frames?.some((frame) => frame.function?.includes(text === 'timer boom' ? 'onTimer' : 'onFailClick'))).toBe(true);
    }
  });

  everyEngine('wrapping EventTarget.prototype covers the listeners of every event target this browser has', async ({ openPage, project }) => {
    const page = await openPage({
      body: `<script>window.readWithListener = function () {
        const reader = new FileReader();
        reader.addEventListener('load', function onReaderLoad() {
          throw new Error('reader listener boom');
        });
        reader.readAsText(new Blob(['text']));
      };</script>`,
    });
    // Why the bundle wraps only EventTarget (sentry-client.ts): no other interface here has an
    // addEventListener of its own that a listener could be added through.
    const ownAddEventListener = await page.evaluate(() =>
      Object.getOwnPropertyNames(window).filter((name) => {
        const value = (window as unknown as Record<string, unknown>)[name];
        const prototype = typeof value === 'function' ? (value as { prototype?: object }).prototype : undefined;
        return prototype !== undefined && Object.prototype.hasOwnProperty.call(prototype, 'addEventListener');
      }),
    );
    expect(ownAddEventListener).toEqual(['EventTarget']);
    // And a listener on a target that is not a DOM node is wrapped too.
    await page.evaluate(() => (window as unknown as { readWithListener(): void }).readWithListener());
    const exception = (await project.waitForError('reader listener boom')).exception?.values?.[0];
    expect(exception?.mechanism?.type).toContain('addEventListener');
    expect(exception?.stacktrace?.frames?.some((frame) => frame.function?.includes('onReaderLoad'))).toBe(true);
  });

  everyEngine('breadcrumbs record clicks, console, fetch, XHR and navigation before an error', async ({ openPage, project }) => {
    const page = await openPage({ body: `<button id="press">press</button>` });
    await page.click('#press');
    await page.evaluate(async () => {
      console.log('a console line');
      await fetch('/fixtures/template.html');
      await new Promise((resolve) => {
        const xhr = new XMLHttpRequest();
        xhr.open('GET', '/fixtures/template.html?xhr');
        xhr.onloadend = resolve;
        xhr.send();
      });
      history.pushState({}, '', '/next-page');
      setTimeout(() => { throw new Error('after breadcrumbs'); });
    });
    const event = await project.waitForError('after breadcrumbs');
    const crumbs = event.breadcrumbs ?? [];
    const byCategory = (category: string) => crumbs.filter((crumb) => crumb.category === category);
    expect(byCategory('ui.click')[0]?.message).toContain('button#press');
    expect(byCategory('console').map((crumb) => crumb.message)).toContain('a console line');
    expect(byCategory('fetch')[0]?.data).toMatchObject({ method: 'GET', status_code: 200, url: '/fixtures/template.html' });
    expect(byCategory('xhr')[0]?.data).toMatchObject({ method: 'GET', status_code: 200 });
    expect(byCategory('navigation')[0]?.data).toMatchObject({ to: '/next-page' });
  });

  everyEngine('breadcrumbs in detail, as Sentry makes them: fetch of a Request, a 404 and a failure; sensitive query values filtered; an XHR seen before the page handler it had before open(); navigation resolved as the browser does, and popstate; console levels and assert, not our own lines; each event sent', async ({
    openPage,
    project,
  }) => {
    const deadPort = await closedPort();
    const page = await openPage();
    const failedMessage = await page.evaluate(async (port) => {
      await fetch(new Request('/fixtures/template.html?request', { method: 'post', body: 'x' }));
      await fetch('/missing?token=secret&page=2');
      const message = await fetch(`http://127.0.0.1:${port}/`, { mode: 'no-cors' }).then(() => 'reached', (error: Error) => error.message);
      console.warn('careful', { a: 1 });
      console.assert(true, 'not said');
      console.assert(false, 'said');
      window.SegmentSentry?.setConsent('not an object' as never); // one of our own [segment-sentry] lines
      history.pushState({}, '', 'sub/page?q=1&session=abc#h');
      history.replaceState({}, '', '/other');
      await new Promise((resolve) => (addEventListener('popstate', resolve, { once: true }), history.back()));
      window.SegmentSentry?.captureMessage('an earlier event');
      const xhr = new XMLHttpRequest();
      xhr.onreadystatechange = () => {
        if (xhr.readyState === 4) throw new Error('boom in a handler set before open');
      };
      xhr.open('get', '/missing?xhr');
      xhr.responseType = 'text'; // (not read as XML: Firefox reports an empty 404 it reads so as a page error)
      xhr.send();
      return message;
    }, deadPort);
    const crumbs = (await project.waitForError('boom in a handler set before open')).breadcrumbs ?? [];
    const pick = (category: string) => crumbs.filter((crumb) => crumb.category === category).map(({ data, level, message, type }) => ({ data, level, message, type }));
    const pagePath = new URL(page.url()).pathname;
    const origin = new URL(page.url()).origin;
    // Sentry appends the host to a failed fetch's message; ours leaves the page's error as the browser made it.
    expect(failedMessage).not.toContain('127.0.0.1');
    expect(pick('fetch')).toEqual([
      { type: 'http', data: { method: 'POST', url: `${origin}/fixtures/template.html?request`, status_code: 200 } },
      { type: 'http', level: 'warning', data: { method: 'GET', url: '/missing?token=[Filtered]&page=2', status_code: 404 } },
      { type: 'http', level: 'error', data: { method: 'GET', url: `http://127.0.0.1:${deadPort}/` } },
    ]);
    expect(pick('xhr')).toEqual([{ type: 'http', level: 'warning', data: { method: 'GET', url: '/missing?xhr', status_code: 404 } }]);
    expect(pick('console')).toEqual([
      { level: 'warning', message: 'careful [object Object]', data: { arguments: ['careful', { a: 1 }], logger: 'console' } },
      { level: 'log', message: 'Assertion failed: said', data: { arguments: ['said'], logger: 'console' } },
    ]);
    const subPage = new URL('sub/page', page.url());
    expect(pick('navigation').map((crumb) => crumb.data)).toEqual([
      { from: pagePath, to: `${subPage.pathname}?q=1&session=[Filtered]#h` },
      { from: `${subPage.pathname}?q=1&session=[Filtered]#h`, to: '/other' },
      { from: '/other', to: pagePath },
    ]);
    expect(pick('sentry.event')).toEqual([{ level: 'info', message: 'an earlier event' }]);
  });

  everyEngine('click and typing breadcrumbs: one per click, a click the page stops included; one per field while typing; none for keys outside a field', async ({ openPage, project }) => {
    const page = await openPage({ body: `<button id="press">press</button><button id="stopper" data-sentry-component="Stopper">stop</button><input id="field">` });
    await page.evaluate(() => {
      const byId = (id: string) => document.getElementById(id)!;
      // Stopped at the element itself: it never reaches the document.
      byId('stopper').addEventListener('click', (event) => event.stopPropagation());
      byId('press').dispatchEvent(new MouseEvent('click', { bubbles: true }));
      byId('stopper').dispatchEvent(new MouseEvent('click', { bubbles: true }));
      for (const key of 'abc') byId('field').dispatchEvent(new KeyboardEvent('keypress', { key, bubbles: true }));
      document.body.dispatchEvent(new KeyboardEvent('keypress', { key: 'x', bubbles: true }));
      setTimeout(() => { throw new Error('after clicks and typing'); });
    });
    const crumbs = (await project.waitForError('after clicks and typing')).breadcrumbs ?? [];
    const ui = crumbs.filter((crumb) => crumb.category?.startsWith('ui.')).map(({ category, message, data }) => ({ category, message, data }));
    expect(ui).toEqual([
      { category: 'ui.click', message: 'body > button#press', data: undefined },
      { category: 'ui.click', message: 'body > Stopper', data: { 'ui.component_name': 'Stopper' } },
      { category: 'ui.input', message: 'body > input#field', data: undefined },
    ]);
  });

  test('typing in the same field again after a pause of a second is a new breadcrumb', async ({ openPage, project }) => {
    const page = await openPage({ body: '<input id="field">' });
    await page.evaluate(async () => {
      const type = (key: string) => document.getElementById('field')!.dispatchEvent(new KeyboardEvent('keypress', { key, bubbles: true }));
      type('a');
      type('b');
      // The pause that ends one typing breadcrumb (1 s, as Sentry's).
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      type('c');
      setTimeout(() => { throw new Error('after clicks and typing, then a pause'); });
    });
    const crumbs = (await project.waitForError('after clicks and typing, then a pause')).breadcrumbs ?? [];
    expect(crumbs.filter((crumb) => crumb.category === 'ui.input').map(({ message }) => message)).toEqual(['body > input#field', 'body > input#field']);
  });

  everyEngine('chained causes (error.cause) arrive as linked exceptions', async ({ openPage, project }) => {
    const page = await openPage();
    await page.evaluate(() => window.SegmentSentry?.captureException(new Error('outer failure', { cause: new TypeError('root cause') })));
    const event = await project.waitForError('outer failure');
    expect(event.exception?.values?.map((value) => `${value.type}: ${value.value}`)).toEqual([
      'TypeError: root cause',
      'Error: outer failure',
    ]);
  });

  everyEngine('dedupe: the same error twice in a row is sent once, as is a message; the same message from another line, or a repeat after another error, is sent', async ({ openPage, project }) => {
    // In the page's own script: code a test evaluates has no URL in WebKit, so its lines could not be told apart.
    const page = await openPage({
      body: `<script>
        function captureRepeats() {
          var sentry = window.SegmentSentry;
          // Distinct Error objects from the same line: only dedupe can tell they are one.
          var fail = function () { return new Error('twice boom'); };
          for (var i = 0; i < 2; i++) sentry.captureException(fail()); // the second is dropped
          sentry.captureException(new Error('twice boom')); // another line: sent
          for (var j = 0; j < 2; j++) {
            // Each repeat comes after another error: all four sent.
            sentry.captureException(fail());
            sentry.captureException(new Error('between boom'));
          }
          for (var k = 0; k < 2; k++) sentry.captureMessage('said twice'); // the second is dropped
        }
      </script>`,
    });
    await page.evaluate(() => (window as unknown as { captureRepeats(): void }).captureRepeats());
    await project.settle(page);
    const count = (text: string) => project.events().filter((event) => describeEvent(event).includes(text)).length;
    expect([count('twice boom'), count('between boom'), count('said twice')]).toEqual([4, 2, 1]);
  });

  everyEngine('a release-health session starts with the page and records the unhandled error', async ({ openPage, project }) => {
    const page = await openPage({ settings: { release: 'health@1.0.0', environment: 'staging' } });
    const started = await project.waitForItem('session', (session) => session.init === true, 'initial session');
    expect(started.payload).toMatchObject({ status: 'ok', attrs: { release: 'health@1.0.0', environment: 'staging' } });
    await page.evaluate(() => setTimeout(() => { throw new Error('session boom'); }));
    await project.waitForError('session boom');
    const updated = await project.waitForItem('session', (session) => session.errors >= 1, 'session with an error');
    expect(updated.payload.sid).toBe(started.payload.sid);
  });

  everyEngine('an error thrown during start-up, before the session is due, still counts towards the one session of the page', async ({
    openPage,
    project,
  }) => {
    // The session starts when the page is first idle (page-session.ts); an earlier event starts it.
    await openPage({ settings: { release: 'health@1.0.0' }, body: `<script>throw new Error('start-up boom');</script>` });
    await project.waitForError('start-up boom');
    const first = await project.waitForItem('session', (session) => session.init === true, 'the session as it started');
    expect(first.payload).toMatchObject({ errors: 1 });
    // Then the page is idle, and the same session is sent as it is now. (The two requests may arrive in either
    // order: without requestIdleCallback, WebKit's page is idle at once.)
    await project.waitForItem('session', (session) => session.init === false, 'session sent at idle');
    expect(project.items('session').filter((item) => item.payload.init === true)).toHaveLength(1);
    expect(new Set(project.items('session').map((item) => item.payload.sid))).toEqual(new Set([first.payload.sid]));
  });

  everyEngine("the bundle's own requests bypass a fetch wrapper the page adds later, and open no iframe", async ({ openPage, project }) => {
    // Like an APM script loaded after ours. Sentry's transport would fetch a clean copy from a hidden
    // iframe once the page's fetch is wrapped: ours took the page's fetch during start-up.
    const page = await openPage({
      body: `<script>
        window.seenByWrapper = [];
        window.iframeAdded = false;
        const pageFetch = window.fetch;
        window.fetch = function countingFetch(input, init) {
          window.seenByWrapper.push(String(input instanceof Request ? input.url : input));
          return pageFetch.call(this, input, init);
        };
        new MutationObserver((records) => {
          if (records.some((record) => [...record.addedNodes].some((node) => node.nodeName === 'IFRAME'))) window.iframeAdded = true;
        }).observe(document, { childList: true, subtree: true });
      </script>`,
    });
    await page.evaluate(() => {
      window.SegmentSentry?.captureMessage('own request');
      return fetch('/fixtures/template.html');
    });
    await project.waitForEvent((event) => event.message === 'own request', 'the message');
    const seen = await page.evaluate(() => ({
      urls: (window as unknown as { seenByWrapper: string[] }).seenByWrapper,
      iframeAdded: (window as unknown as { iframeAdded: boolean }).iframeAdded,
    }));
    expect(seen.urls).toEqual(['/fixtures/template.html']);
    expect(seen.iframeAdded).toBe(false);
  });
});

test.describe('window.SegmentSentry', () => {
  everyEngine('exposes its version, captureException, captureMessage and a flush promise', async ({ openPage, project }) => {
    const page = await openPage();
    const { version, eventId, flushed } = await page.evaluate(async () => {
      const api = window.SegmentSentry!;
      api.captureException(new Error('api boom'));
      const eventId = api.captureMessage('api message');
      return { version: api.version, eventId, flushed: await api.flush(5000) };
    });
    const { version: packageVersion } = (await import('../package.json', { with: { type: 'json' } })).default;
    expect(version).toBe(packageVersion);
    expect(flushed).toBe(true);
    const message = await project.waitForEvent((event) => event.message === 'api message', 'api message');
    expect(message.event_id).toBe(eventId);
    expect(message.level).toBe('info');
    expect((await project.waitForError('api boom')).exception?.values?.[0]?.mechanism?.handled).toBe(true);
  });

  everyEngine('calls made before init are kept and sent once Sentry starts', async ({ openPage, project }) => {
    const page = await openPage({ settings: null });
    await page.evaluate(() => {
      window.SegmentSentry?.captureMessage('queued before init');
      window.SegmentSentry?.captureException(new Error('queued error before init'));
    });
    const started = await page.evaluate((dsn) => window.SegmentSentry?.init({ config: dsn }), project.dsn);
    expect(started).toBe(true);
    await project.waitForEvent((event) => event.message === 'queued before init', 'queued message');
    await project.waitForError('queued error before init');
  });
});

test.describe('Debug IDs', () => {
  inChromiumOnly("the SDK's own stack parsing, the same lookup of ours in every engine (sentry-source-transforms.test.ts)");

  test("the Debug ID Sentry's bundler plugins put on a file of the site's becomes the error's debug_meta image for that file", async ({ openPage, project }) => {
    const debugId = 'c0ffee00-1234-4abc-8def-0123456789ab';
    // What Sentry's bundler plugins inject at the top of each file they build: that file's stack, and its Debug ID.
    const page = await openPage({
      body: `<script>(window._sentryDebugIds = window._sentryDebugIds || {})[new Error().stack] = '${debugId}';
        window.reportFromTheSite = function reportFromTheSite() {
          try { throw new Error('from a file with a Debug ID'); } catch (error) { window.SegmentSentry.captureException(error); }
        };</script>`,
    });
    await page.evaluate(() => (window as unknown as { reportFromTheSite(): void }).reportFromTheSite());
    const event = (await project.waitForError('from a file with a Debug ID')) as { debug_meta?: { images?: unknown[] } };
    expect(event.debug_meta?.images).toEqual([{ type: 'sourcemap', code_file: page.url(), debug_id: debugId }]);
  });
});
