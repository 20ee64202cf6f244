import { readFile } from 'node:fs/promises';
import { describeEvent, everyEngine, expect, poll, test, type BrowserPage, type StaticServerFixture } from './support/fixtures';
import { loaderBeside } from './support/loader-beside';
import { deliveredCall, segmentSnippet } from './support/segment';

// The errors this file's pages throw on purpose; any other page error fails a test (e2e/support/fixtures.ts).
test.use({ expectedPageErrors: [/after the full bundle|after the refusal|both tags|early rejection|first inline error|thrown after the failure|integrity attribute/] });

const LOADER = '/dist/segment-sentry.loader.min.js';
const FULL = '/dist/segment-sentry.min.js';

/** Resolves once the full bundle has taken over from the loader. */
const fullBundleRunning = (page: BrowserPage) =>
  page.waitForFunction(() => Boolean(window.SegmentSentry) && !(window.SegmentSentry as unknown as { _loader?: unknown })._loader);

/** When the full bundle's request started, and when the page's load event did (page clock, ms). */
const timings = (page: BrowserPage) =>
  page.evaluate((full) => {
    const request = performance.getEntriesByType('resource').find((entry) => entry.name.endsWith(full));
    const navigation = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    return { requestStart: request?.startTime, loadEvent: navigation.loadEventStart };
  }, FULL);

/** An image that holds the page's load event back for a while. */
const slowImage = (site: StaticServerFixture) => `<img src="${site.register(`/slow-${Date.now()}.gif`, '', { 'Content-Type': 'image/gif' }, 1500)}" alt="">`;

test.describe('the loader', () => {
  everyEngine('without errors, the full bundle is requested only after the load event', async ({ openPage, page, project }) => {
    await openPage({ bundle: LOADER });
    await fullBundleRunning(page);
    const { requestStart, loadEvent } = await timings(page);
    expect(requestStart).toBeGreaterThanOrEqual(loadEvent);
    await page.evaluate(() => setTimeout(() => { throw new Error('after the full bundle'); }));
    await project.waitForError('after the full bundle');
  });

  everyEngine('an error thrown in the first inline script arrives with its stack, and loads the full bundle at once', async ({
    openPage,
    page,
    project,
    site,
  }) => {
    await openPage({
      bundle: LOADER,
      head: `<script>function firstInline() { throw new Error('first inline error'); } firstInline();</script>`,
      body: slowImage(site),
    });
    const event = await project.waitForError('first inline error');
    const exception = event.exception?.values?.[0];
    expect(exception?.mechanism).toMatchObject({ handled: false, type: 'auto.browser.global_handlers.onerror' });
    expect(exception?.stacktrace?.frames?.some((frame) => frame.function === 'firstInline')).toBe(true);
    const { requestStart, loadEvent } = await timings(page);
    expect(requestStart).toBeLessThan(loadEvent);
  });

  everyEngine('a rejection before the full bundle runs arrives with its stack', async ({ openPage, project }) => {
    await openPage({ bundle: LOADER, head: `<script>function rejectEarly() { return Promise.reject(new TypeError('early rejection')); } rejectEarly();</script>` });
    const exception = (await project.waitForError('early rejection')).exception?.values?.[0];
    expect(exception?.mechanism).toMatchObject({ handled: false, type: 'auto.browser.global_handlers.onunhandledrejection' });
    expect(exception?.stacktrace?.frames?.some((frame) => frame.function === 'rejectEarly')).toBe(true);
  });

  everyEngine('SegmentSentry calls made to the loader are replayed in order, flush included', async ({ openPage, page, project }) => {
    await openPage({
      bundle: LOADER,
      head: `<script>
        window.SegmentSentry.captureMessage('first call');
        window.SegmentSentry.captureException(new Error('second call'));
        window.SegmentSentry.captureMessage('third call');
        window.flushed = window.SegmentSentry.flush(5000);
      </script>`,
    });
    expect(await page.evaluate(() => (window as unknown as { flushed: Promise<boolean> }).flushed)).toBe(true);
    for (const text of ['first call', 'second call', 'third call']) await project.waitForError(text);
    // The order they were sent in, as Sentry records it (a sent-event breadcrumb each; their timestamps, made in
    // one synchronous replay, share a millisecond).
    await page.evaluate(() => window.SegmentSentry?.captureMessage('after the replay'));
    const after = await project.waitForError('after the replay');
    const sent = (after.breadcrumbs ?? []).filter((crumb) => crumb.category === 'sentry.event').map((crumb) => crumb.message);
    expect(sent).toEqual(['first call', 'Error: second call', 'third call']);
  });

  everyEngine('forceLoad() loads the full bundle before the load event', async ({ openPage, page, site }) => {
    await openPage({ bundle: LOADER, head: '<script>window.SegmentSentry.forceLoad();</script>', body: slowImage(site) });
    await fullBundleRunning(page);
    const { requestStart, loadEvent } = await timings(page);
    expect(requestStart).toBeLessThan(loadEvent);
  });

  const EARLY_SEGMENT_CALLS = `<script>${segmentSnippet()}</script><script>
    window.analytics.identify('early-user', { email: 'early@example.com' }, {}, function () {
      window.identifiedBeforeFullBundle = Boolean(window.SegmentSentry._loader);
    });
    window.analytics.track('Early Event', { step: 1 });
    window.analytics.page('Early Page');
  </script>`;

  for (const [title, holdFullBundle] of [
    ['delivered by analytics.js to the loader before the full bundle runs', true],
    ['delivered by analytics.js after the full bundle runs', false],
  ] as const) {
    test(`identify and track made before the full bundle runs show up as the user and breadcrumbs (${title})`, async ({
      openPage,
      page,
      project,
    }) => {
      if (holdFullBundle) {
        // Hold the full bundle back until analytics.js has delivered the identify to the loader's plugin.
        await page.route(`**${FULL}`, async (route) => {
          await page.waitForFunction(() => (window as unknown as { identifiedBeforeFullBundle?: boolean }).identifiedBeforeFullBundle !== undefined);
          await route.continue();
        });
      } else {
        // Hold analytics.js's settings back until the full bundle runs (a fetch does not delay the load
        // event, a script would): the identify then reaches the full bundle through the loader's plugin.
        await page.route('**/v1/projects/*/settings', async (route) => {
          await fullBundleRunning(page);
          await route.continue();
        });
      }
      await openPage({ bundle: LOADER, head: EARLY_SEGMENT_CALLS });
      await fullBundleRunning(page);
      await page.waitForFunction(() => (window as unknown as { identifiedBeforeFullBundle?: boolean }).identifiedBeforeFullBundle !== undefined);
      expect(await page.evaluate(() => (window as unknown as { identifiedBeforeFullBundle?: boolean }).identifiedBeforeFullBundle)).toBe(holdFullBundle);
      await deliveredCall(page, 'track', ['Late Event', {}, {}]);
      await page.evaluate(() => window.SegmentSentry?.captureException(new Error('after the handover')));
      const event = await project.waitForError('after the handover');
      expect(event.user).toMatchObject({ id: 'early-user', email: 'early@example.com' });
      const crumbs = (event.breadcrumbs ?? []).filter((crumb) => crumb.category?.startsWith('segment.')).map((crumb) => crumb.message);
      expect(crumbs).toEqual(['Early Event', 'Early Page', 'Late Event']);
    });
  }

  everyEngine('a blocked full bundle gives one warning, no page error and no retry; flush settles false at once', async ({ openPage, page, site, consoleLog, pageErrors }) => {
    let requests = 0;
    // Refused, so the script fails to load as behind a content blocker. (A cut connection is not the same:
    // browsers retry a request whose reused connection was closed, which is not our retry.)
    const loader = await loaderBeside(site, (path) =>
      site.mount(path, (_request, response) => {
        requests++;
        response.writeHead(403).end();
      }),
    );
    await openPage({ bundle: loader, head: '<script>window.pendingFlush = window.SegmentSentry.flush();</script>' });
    await consoleLog.waitFor(/^\[segment-sentry\] could not load .*segment-sentry\.min\.js; errors are not reported$/);
    // A flush that was waiting (with no timeout) settles false, and so does a later one, at once.
    expect(await page.evaluate(() => (window as unknown as { pendingFlush: Promise<boolean> }).pendingFlush)).toBe(false);
    const later = await page.evaluate(async () => {
      const started = performance.now();
      return { flushed: await window.SegmentSentry?.flush(), ms: performance.now() - started };
    });
    expect(later.flushed).toBe(false);
    expect(later.ms, 'a later flush settles at once').toBeLessThan(100);
    await page.evaluate(() => {
      window.SegmentSentry?.forceLoad();
      window.SegmentSentry?.captureMessage('after the failure');
      setTimeout(() => { throw new Error('thrown after the failure'); });
    });
    // The page's own error happened (and reached no loader listener that could retry).
    await poll(() => pageErrors.some((message) => message.includes('thrown after the failure'))).toBe(true);
    expect(requests).toBe(1);
    await poll(() => consoleLog.ours()).toHaveLength(1);
    // Firefox reports the failed response as an integrity failure of its own; nothing of ours is uncaught.
    expect(pageErrors.filter((message) => !/integrity attribute|thrown after the failure/.test(message))).toEqual([]);
  });

  everyEngine('flush(timeout) from the loader settles false by its timeout while the full bundle is still on its way, then works', async ({
    openPage,
    page,
    site,
  }) => {
    // The full bundle answers after 1.5 s: the loader's flush(300) must not wait for it.
    const fullBundle = await readFile(new URL(`..${FULL}`, import.meta.url));
    const slowLoader = await loaderBeside(site, (path) => site.register(path, fullBundle, {}, 1500));
    await openPage({ bundle: slowLoader });
    const result = await page.evaluate(async () => {
      window.SegmentSentry?.forceLoad();
      const flushed = await window.SegmentSentry?.flush(300);
      return { flushed, loaderStillInCharge: Boolean((window.SegmentSentry as unknown as { _loader?: unknown })._loader) };
    });
    expect(result).toEqual({ flushed: false, loaderStillInCharge: true });
    await fullBundleRunning(page);
    expect(await page.evaluate(() => window.SegmentSentry?.flush(5000))).toBe(true);
  });

  everyEngine('a full bundle that does not match the built-in integrity hash is refused by the browser and reported once', async ({
    openPage,
    page,
    site,
    consoleLog,
    pageErrors,
  }) => {
    let requests = 0;
    const loader = await loaderBeside(site, (path) =>
      site.mount(path, (_request, response) => {
        requests++;
        response.writeHead(200, { 'Content-Type': 'text/javascript', 'Access-Control-Allow-Origin': '*' }).end('window.tampered = true;');
      }),
    );
    await openPage({ bundle: loader });
    await consoleLog.waitFor(/^\[segment-sentry\] could not load .*segment-sentry\.min\.js/);
    // An error after the refusal reaches the page (no loader listener left to retry), and flush knows at once.
    await page.evaluate(() => setTimeout(() => { throw new Error('after the refusal'); }));
    await poll(() => pageErrors.some((message) => message.includes('after the refusal'))).toBe(true);
    expect(await page.evaluate(() => window.SegmentSentry?.flush())).toBe(false);
    expect(await page.evaluate(() => (window as unknown as { tampered?: boolean }).tampered)).toBeUndefined();
    expect(requests).toBe(1);
    await poll(() => consoleLog.ours()).toHaveLength(1);
  });

  everyEngine('the loader and the full bundle both on the page: the full bundle takes over once', async ({ openPage, page, project, consoleLog }) => {
    await openPage({ bundle: LOADER, head: `<script src="${FULL}"></script>` });
    await fullBundleRunning(page);
    await page.evaluate(() => setTimeout(() => { throw new Error('both tags'); }));
    await project.waitForError('both tags');
    await project.settle(page);
    expect(project.events().filter((event) => event.exception?.values?.[0]?.value === 'both tags')).toHaveLength(1);
    expect(consoleLog.ours()).toEqual([]);
  });

  everyEngine('a saved SegmentSentry, or a saved method, still works once the full bundle has taken over, and a flush without a timeout settles', async ({
    openPage,
    page,
    project,
  }) => {
    type Saved = { saved: { captureMessage(m: string): void; flush(): Promise<boolean> }; savedCapture: (e: unknown) => void; pendingFlush: Promise<boolean> };
    await openPage({
      bundle: LOADER,
      head: `<script>
        window.saved = window.SegmentSentry;
        window.savedCapture = window.SegmentSentry.captureException;
        window.pendingFlush = window.SegmentSentry.flush();
      </script>`,
    });
    await fullBundleRunning(page);
    await page.evaluate(() => {
      const w = window as unknown as Saved;
      w.saved.captureMessage('through the saved API');
      Promise.reject(new Error('through the saved method')).catch(w.savedCapture);
    });
    await project.waitForError('through the saved API');
    await project.waitForError('through the saved method');
    expect(await page.evaluate(() => (window as unknown as Saved).saved.flush())).toBe(true);
    expect(await page.evaluate(() => (window as unknown as Saved).pendingFlush)).toBe(true);
  });

  everyEngine('an init after 30 captures is kept: Sentry starts and sends them', async ({ openPage, page, project }) => {
    await openPage({
      bundle: LOADER,
      settings: null,
      head: `<script>
        for (var i = 0; i < 30; i++) window.SegmentSentry.captureMessage('kept before init ' + i);
        window.SegmentSentry.init({ config: ${JSON.stringify(project.dsn)} });
      </script>`,
    });
    await project.waitForError('kept before init 29');
    await page.evaluate(() => window.SegmentSentry?.flush(5000));
    expect(project.events().filter((event) => describeEvent(event).startsWith('kept before init '))).toHaveLength(30);
  });
});
