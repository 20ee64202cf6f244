import type { StackFrame } from '@sentry/core';
import { caseOfACrossing, everyEngine, expect, test, type BrowserPage, type Event } from './support/fixtures';
import type { StaticServer } from '../scripts/dev/static-server.mjs';

// The errors this file's pages throw on purpose; any other page error fails a test (e2e/support/fixtures.ts).
test.use({ expectedPageErrors: [/failed|layered failure|sentinel|outside the whitelist|^listed /] });

/**
 * Each filter is exercised by where an error really comes from: small scripts served from distinct
 * paths on the page's origin and from a second origin. Both sides are asserted: what matches is
 * dropped (a sentinel sent afterwards arrives, the dropped event never does) and what does not
 * match arrives.
 */

let scriptCounter = 0;

/** Serves a script that throws `message` when it runs, and returns the tag that loads it. */
function throwingScript(server: StaticServer, folder: string, message: string): { tag: string; url: string } {
  const path = `/assets/${folder}/script-${++scriptCounter}.js`;
  const code = `(function thrownFrom${folder.replace(/\W/g, '')}() { throw new Error(${JSON.stringify(message)}); })();\n`;
  const url = server.register(path, code, { 'Access-Control-Allow-Origin': '*' });
  return { tag: `<script src="${url}" crossorigin="anonymous"></script>`, url };
}

const mentions = (text: string) => (event: Event) =>
  (event.exception?.values ?? []).some((value) => value.value?.includes(text)) || event.message?.includes(text) === true;

test.describe('Ignore Errors (ignoreErrors)', () => {
  everyEngine('a plain string drops errors whose message contains it; others arrive', async ({ openPage, project }) => {
    const page = await openPage({ settings: { ignoreErrors: ['noisy widget'] } });
    await page.evaluate(() => {
      window.SegmentSentry?.captureException(new Error('the noisy widget failed'));
      window.SegmentSentry?.captureException(new Error('checkout failed'));
    });
    await project.waitForError('checkout failed');
    await project.expectNoEvent(page, mentions('noisy widget'));
  });

  everyEngine('a /regex/ matches "Type: value", so the same text with another type arrives', async ({ openPage, project }) => {
    const page = await openPage({ settings: { ignoreErrors: ['/^TypeError: ignored/i'] } });
    await page.evaluate(() => {
      window.SegmentSentry?.captureException(new TypeError('ignored by type'));
      window.SegmentSentry?.captureException(new RangeError('ignored by type'));
    });
    const kept = await project.waitForError('ignored by type');
    expect(kept.exception?.values?.[0]?.type).toBe('RangeError');
    await project.expectNoEvent(page, (event) => event.exception?.values?.[0]?.type === 'TypeError');
  });

  everyEngine('captured messages are filtered too', async ({ openPage, project }) => {
    const page = await openPage({ settings: { ignoreErrors: ['/^heartbeat \\d+$/'] } });
    await page.evaluate(() => {
      window.SegmentSentry?.captureMessage('heartbeat 42');
      window.SegmentSentry?.captureMessage('heartbeat 42 missed');
    });
    await project.waitForEvent((event) => event.message === 'heartbeat 42 missed');
    await project.expectNoEvent(page, (event) => event.message === 'heartbeat 42');
  });

  everyEngine('an invalid entry is skipped with a warning and the other entries still work', async ({ openPage, project, consoleLog }) => {
    const page = await openPage({ settings: { ignoreErrors: ['/(unclosed/', 'noisy widget'] } });
    await consoleLog.waitFor(/ignoreErrors\[0\] "\/\(unclosed\/" is not a usable regular expression/);
    await page.evaluate(() => {
      window.SegmentSentry?.captureException(new Error('the noisy widget failed'));
      window.SegmentSentry?.captureException(new Error('(unclosed paren in a message'));
    });
    await project.waitForError('(unclosed paren');
    await project.expectNoEvent(page, mentions('noisy widget'));
  });
});

test.describe('Ignore Urls (ignoreUrls) and Whitelist Urls (whitelistUrls)', () => {
  everyEngine('ignoreUrls drops errors from a matching script path; errors from other scripts arrive', async ({ openPage, project, site }) => {
    const vendor = throwingScript(site, 'vendor', 'vendor script failed');
    const app = throwingScript(site, 'app', 'app script failed');
    const page = await openPage({ settings: { ignoreUrls: ['/assets/vendor/'] }, body: vendor.tag + app.tag });
    await project.waitForError('app script failed');
    await project.expectNoEvent(page, mentions('vendor script failed'));
  });

  everyEngine('ignoreUrls drops errors from a script on another origin, named by a /regex/', async ({ openPage, project, site, otherSite }) => {
    const foreign = throwingScript(otherSite, 'widget', 'foreign script failed');
    const own = throwingScript(site, 'app', 'own script failed');
    const originPattern = `/^${otherSite.origin.replace(/[.:/]/g, '\\$&')}\\//`;
    const page = await openPage({ settings: { ignoreUrls: [originPattern] }, body: foreign.tag + own.tag });
    const kept = await project.waitForError('own script failed');
    expect(kept.exception?.values?.[0]?.stacktrace?.frames?.at(-1)?.filename).toBe(own.url);
    await project.expectNoEvent(page, mentions('foreign script failed'));
  });

  everyEngine('whitelistUrls keeps only errors from matching scripts', async ({ openPage, project, site, otherSite }) => {
    const app = throwingScript(site, 'app', 'whitelisted app failed');
    const vendor = throwingScript(site, 'vendor', 'unlisted vendor failed');
    const foreign = throwingScript(otherSite, 'app', 'unlisted foreign failed');
    // A message captured from the test would come from outside the whitelist, so the sentinel is an
    // error thrown last, by a whitelisted script.
    const sentinel = throwingScript(site, 'app', 'whitelisted sentinel');
    const page = await openPage({
      settings: { whitelistUrls: [`${site.origin}/assets/app/`] },
      body: app.tag + vendor.tag + foreign.tag + sentinel.tag,
    });
    await project.waitForError('whitelisted app failed');
    await project.expectNoEvent(page, (event) => mentions('unlisted vendor failed')(event) || mentions('unlisted foreign failed')(event), {
      sentinelError: 'whitelisted sentinel',
    });
  });

  everyEngine('whitelistUrls set to the page URL keeps errors from inline scripts', async ({ pageUrl, page, project, site }) => {
    const vendor = throwingScript(site, 'vendor', 'vendor outside the whitelist');
    const url = pageUrl({
      settings: { whitelistUrls: ['/pages/'] },
      body: `${vendor.tag}<script>(function inlineFailure() { throw new Error('inline script failed'); })();</script>`,
    });
    await page.goto(url);
    const inline = await project.waitForError('inline script failed');
    expect(inline.exception?.values?.[0]?.stacktrace?.frames?.at(-1)?.filename).toBe(url);
    await project.expectNoEvent(page, mentions('vendor outside the whitelist'));
  });

  // However the bundle is loaded: a query string (cache busting) is one that WebKit leaves out of its stack URLs.
  for (const [index, bundle] of ['/dist/segment-sentry.min.js', '/dist/segment-sentry.min.js?v=2', '/dist/segment-sentry.loader.min.js?v=2'].entries()) {
    everyEngine(`SegmentSentry.captureMessage is judged by the caller's URL, not by our bundle's (${bundle})`, async ({ openPage, project, site }) => {
      const caller = site.register(`/assets/app/reporter-${++scriptCounter}.js`, "window.report = function report(text) { window.SegmentSentry.captureMessage(text); };");
      const page = await openPage({
        bundle,
        settings: { whitelistUrls: ['/assets/app/'], ignoreUrls: ['/dist/'] },
        body: `<script src="${caller}"></script>`,
      });
      await page.waitForFunction(() => window.SegmentSentry && !(window.SegmentSentry as unknown as { _loader?: unknown })._loader);
      await page.evaluate(() => (window as unknown as { report(text: string): void }).report('reported by the app'));
      const event = await project.waitForEvent((candidate) => candidate.message === 'reported by the app');
      const frames = event.exception?.values?.[0]?.stacktrace?.frames ?? [];
      expect(frames.at(-1)?.filename).toBe(caller);
      expect(frames.some((frame) => frame.filename?.includes('/dist/'))).toBe(false);
    }, caseOfACrossing(index, 'which of our script URLs'));
  }

  everyEngine('with both, the whitelist applies first and then the ignore list', async ({ openPage, project, site }) => {
    const app = throwingScript(site, 'app', 'listed and not ignored');
    const vendor = throwingScript(site, 'vendor', 'listed but ignored');
    const sentinel = throwingScript(site, 'app', 'listed sentinel');
    const page = await openPage({
      settings: { whitelistUrls: ['/assets/'], ignoreUrls: ['/assets/vendor/'] },
      body: app.tag + vendor.tag + sentinel.tag,
    });
    await project.waitForError('listed and not ignored');
    await project.expectNoEvent(page, mentions('listed but ignored'), { sentinelError: 'listed sentinel' });
  });
});

test.describe('Include Paths (includePaths)', () => {
  /**
   * A stack that crosses the page's inline script, an app script, a vendor script on the page's
   * origin and a script on another origin (and, in V8, a native Array.prototype.map frame).
   */
  async function openLayeredStack(
    { site, otherSite, pageUrl, page }: { site: StaticServer; otherSite: StaticServer; pageUrl: (o?: object) => string; page: BrowserPage },
    includePaths: (urls: { page: string; app: string; vendor: string; foreign: string }) => string[] | undefined,
  ) {
    const n = ++scriptCounter;
    const foreign = otherSite.register(`/assets/cdn/widget-${n}.js`, 'window.foreignCall = function foreignCall(cb) { return [1].map(cb); };', {
      'Access-Control-Allow-Origin': '*',
    });
    const vendor = site.register(`/assets/vendor/lib-${n}.js`, 'window.vendorCall = function vendorCall(cb) { return window.foreignCall(cb); };');
    const app = site.register(
      `/assets/app/main-${n}.js`,
      "window.startApp = function startApp() { return window.vendorCall(function appCallback() { throw new Error('layered failure'); }); };",
    );
    const urlOfPage = `${site.origin}/pages/layered-${n}.html`;
    const patterns = includePaths({ page: urlOfPage, app, vendor, foreign });
    const html = pageUrl({
      settings: patterns ? { includePaths: patterns } : {},
      body: `<script src="${foreign}" crossorigin="anonymous"></script><script src="${vendor}"></script><script src="${app}"></script>
        <script>setTimeout(function inlineStart() { window.startApp(); });</script>`,
    });
    // Serve the generated page at a stable URL, so its own URL can be a pattern.
    const served = await (await fetch(html)).text();
    await page.goto(site.register(`/pages/layered-${n}.html`, served));
    return { page: urlOfPage, app, vendor, foreign };
  }

  const framesOf = (event: Event): StackFrame[] => event.exception?.values?.[0]?.stacktrace?.frames ?? [];

  everyEngine('frames whose URL matches are in-app and every other frame is not, in both stack formats', async ({
    site,
    otherSite,
    pageUrl,
    page,
    project,
    browserName,
  }) => {
    const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    const urls = await openLayeredStack({ site, otherSite, pageUrl, page }, () => [`^${escape(site.origin)}/assets/app/`, 'widget-\\d+\\.js$']);
    const frames = framesOf(await project.waitForError('layered failure'));
    const byFile = (url: string) => frames.filter((frame) => frame.filename === url);
    expect(byFile(urls.app).length).toBeGreaterThanOrEqual(2); // startApp and appCallback
    expect(byFile(urls.foreign).length).toBeGreaterThanOrEqual(1);
    for (const frame of frames) {
      const expected = frame.filename === urls.app || frame.filename === urls.foreign;
      expect(frame.in_app, `${frame.function} in ${frame.filename}`).toBe(expected);
    }
    expect(byFile(urls.vendor).every((frame) => frame.in_app === false)).toBe(true);
    expect(byFile(urls.page).every((frame) => frame.in_app === false)).toBe(true);
    if (browserName === 'chromium') {
      // V8 reports Array.prototype.map with no URL: not the site's code.
      const native = frames.filter((frame) => !frame.filename?.startsWith('http'));
      expect(native.length).toBeGreaterThanOrEqual(1);
      expect(native.every((frame) => frame.in_app === false)).toBe(true);
    }
  });

  everyEngine('the page URL as a pattern marks inline-script frames in-app', async ({ site, otherSite, pageUrl, page, project }) => {
    const urls = await openLayeredStack({ site, otherSite, pageUrl, page }, (u) => [`/${u.page.split('/').pop()!.replace('.', '\\.')}$/`]);
    const frames = framesOf(await project.waitForError('layered failure'));
    const inline = frames.filter((frame) => frame.filename === urls.page);
    expect(inline.map((frame) => frame.function)).toContain('inlineStart');
    for (const frame of frames) expect(frame.in_app, `${frame.function} in ${frame.filename}`).toBe(frame.filename === urls.page);
  });

  everyEngine('without includePaths, frames stay as the SDK marks them', async ({ site, otherSite, pageUrl, page, project }) => {
    const urls = await openLayeredStack({ site, otherSite, pageUrl, page }, () => undefined);
    const frames = framesOf(await project.waitForError('layered failure'));
    const http = frames.filter((frame) => frame.filename?.startsWith('http'));
    expect(http.map((frame) => frame.filename)).toEqual(expect.arrayContaining([urls.app, urls.vendor, urls.foreign, urls.page]));
    expect(http.every((frame) => frame.in_app === true)).toBe(true);
  });

  everyEngine('an invalid pattern is skipped with a warning and the others still mark frames', async ({ site, otherSite, pageUrl, page, project, consoleLog }) => {
    const urls = await openLayeredStack({ site, otherSite, pageUrl, page }, () => ['([unclosed', '/assets/app/']);
    await consoleLog.waitFor(/includePaths\[0\] "\(\[unclosed" is not a usable regular expression/);
    const frames = framesOf(await project.waitForError('layered failure'));
    for (const frame of frames) expect(frame.in_app, `${frame.function} in ${frame.filename}`).toBe(frame.filename === urls.app);
  });
});
