import { everyEngine, expect, inChromiumOnly, poll, test } from './support/fixtures';
import { arrived, breadcrumbs, captureMessage, sentOnlyOnceGranted } from './support/segment-app';
import { deliveredCall, identify, segmentSnippet, track, WRITE_KEY, type SegmentTraffic } from './support/segment';
import { loaderWithSlowFullBundle } from './support/loader-beside';

// The errors this file's pages throw on purpose; any other page error fails a test (e2e/support/fixtures.ts).
test.use({ expectedPageErrors: [/thrown before the settings/] });

const LOADER = '/dist/segment-sentry.loader.min.js';
const BUNDLES = [['the full bundle', undefined], ['the loader', LOADER]] as const;
/** The Segment-app install: the official snippet, its load line passing `{ integrations: { Sentry: false } }`. */
const LOAD_OPTIONS = { integrations: { Sentry: false } };
const SEGMENT_APP_SNIPPET = `<script>${segmentSnippet({ load: LOAD_OPTIONS })}</script>`;
/** Where analytics.js fetches Segment's own (legacy) Sentry destination from: its CDN, the page's origin here. */
const LEGACY_SENTRY = /^\/next-integrations\/integrations\/sentry\//i;

/**
 * The Sentry destination as the Segment app has it for this source: an entry of the settings document's
 * integrations, with the keys analytics.js reads to load a device-mode destination beside the product page's.
 */
function sentryInTheSegmentApp(segment: SegmentTraffic, entry: Record<string, unknown>): void {
  segment.settings = {
    integrations: { Sentry: { type: 'browser', bundlingStatus: 'bundled', versionSettings: { version: '4.0.0', componentTypes: ['browser'] }, ...entry } },
  };
}


test.describe('settings from the Segment app (integrations.Sentry), with no settings element', () => {
  test("control: without the load option, analytics.js fetches Segment's own Sentry destination for that entry", async ({ openPage, site, segment, project }) => {
    sentryInTheSegmentApp(segment, { config: project.dsn });
    const pathsBefore = site.paths.length; // (the site serves the whole worker)
    await openPage({ settings: null, bundle: null, beforeBundle: `<script>${segmentSnippet()}</script>` });
    await poll(() => site.paths.slice(pathsBefore).filter((path) => LEGACY_SENTRY.test(path))).not.toEqual([]);
  });

  everyEngine("analytics-next still hands a plugin's load the settings document it fetched (settings.cdnSettings), where segment/segment-app-settings.ts reads it", async ({
    openPage,
    page,
    segment,
    project,
  }) => {
    sentryInTheSegmentApp(segment, { config: project.dsn, release: 'canary@1' });
    await openPage({
      settings: null,
      bundle: null,
      beforeBundle: `${SEGMENT_APP_SNIPPET}<script>
        window.analytics.register({ name: 'canary', type: 'utility', version: '1', isLoaded: () => true,
          load: (ctx, instance) => { window.canary = instance.settings.cdnSettings.integrations.Sentry; return Promise.resolve(); } });
      </script>`,
    });
    await page.waitForFunction(() => Boolean((window as unknown as { canary?: unknown }).canary));
    expect(await page.evaluate(() => (window as unknown as { canary: { release: string } }).canary.release)).toBe('canary@1');
  });

  for (const [what, bundle] of BUNDLES) test.describe(() => {
    const bundleOption = bundle ? { bundle } : {};
    // Where the settings come from is the same JavaScript in every engine: Firefox and WebKit take each path behind
    // the loader (the longer one: its keeping, its hand-off, then the full bundle's start), Chromium behind both.
    if (!bundle) inChromiumOnly('the settings paths, behind the loader in Firefox and WebKit');

    everyEngine(`${what}: Sentry starts with the Segment app's settings; what happened before is kept and sent then, once, with its release and environment; Segment's own Sentry is never fetched`, async ({
      openPage,
      page,
      project,
      site,
      segment,
    }) => {
      sentryInTheSegmentApp(segment, { config: project.dsn, release: 'app@2.0.0', environment: 'from-the-app' });
      const pathsBefore = site.paths.length; // (the site serves the whole worker)
      await openPage({
        ...bundleOption,
        settings: null,
        beforeBundle: SEGMENT_APP_SNIPPET,
        head: `<script>
          setTimeout(function () { throw new Error('thrown before the settings'); });
          window.SegmentSentry.captureMessage('a message before the settings');
        </script>`,
      });
      const error = await project.waitForError('thrown before the settings');
      expect({ release: error.release, environment: error.environment }).toEqual({ release: 'app@2.0.0', environment: 'from-the-app' });
      expect((await project.waitForError('a message before the settings')).release).toBe('app@2.0.0');
      await project.settle(page);
      expect(arrived(project, 'thrown before the settings')).toHaveLength(1);
      expect(site.paths.slice(pathsBefore).filter((path) => LEGACY_SENTRY.test(path)), "Segment's own Sentry destination").toEqual([]);
    });

    everyEngine(`${what}: identify, track and page reach Sentry although the load options turn Sentry off (the snippet's own page call before the settings came too); a call with {All: false} does not`, async ({
      openPage,
      page,
      project,
      segment,
    }) => {
      sentryInTheSegmentApp(segment, { config: project.dsn });
      await openPage({ ...bundleOption, settings: null, beforeBundle: `<script>${segmentSnippet({ load: LOAD_OPTIONS, page: true })}</script>` });
      await identify(page, 'app-user', { email: 'app@example.com' });
      await track(page, 'Checked Out');
      await deliveredCall(page, 'track', ['Hidden Event', {}, { integrations: { All: false } }]);
      await deliveredCall(page, 'page', ['Pricing', {}, {}]);
      await captureMessage(page, 'after the calls');
      const event = await project.waitForError('after the calls');
      expect(event.user).toMatchObject({ id: 'app-user', email: 'app@example.com' });
      expect(breadcrumbs(event, 'segment.track')).toEqual(['Checked Out']);
      expect(breadcrumbs(event, 'segment.page')).toHaveLength(2);
    });

    everyEngine(`${what}: consent categories mapped to Sentry in the Segment app act as consentSettings.categories`, async ({ openPage, page, project, segment }) => {
      sentryInTheSegmentApp(segment, { config: project.dsn, consentSettings: { categories: ['Analytics'] } });
      await openPage({ ...bundleOption, settings: null, beforeBundle: SEGMENT_APP_SNIPPET });
      await sentOnlyOnceGranted(page, project);
    });

    everyEngine(`${what}: a settings element wins: it is used alone, at once, before Segment's settings are even served`, async ({ openPage, page, project, otherProject, segment }) => {
      sentryInTheSegmentApp(segment, { config: otherProject.dsn, release: 'from-the-app' });
      let serveSettings!: () => void;
      segment.settingsHeld = new Promise<void>((resolve) => (serveSettings = resolve));
      await openPage({ ...bundleOption, settings: { release: 'from-the-element' }, beforeBundle: SEGMENT_APP_SNIPPET });
      await captureMessage(page, 'with both');
      expect((await project.waitForError('with both')).release).toBe('from-the-element');
      expect(segment.settingsServed, "the event arrived before Segment's settings were served").toBe(0);
      serveSettings();
      await poll(() => segment.settingsServed).toBe(1);
      await page.evaluate(() => new Promise((resolve) => window.analytics.ready(resolve)));
      await captureMessage(page, 'after the Segment settings came');
      expect((await project.waitForError('after the Segment settings came')).release).toBe('from-the-element');
      await project.settle(page);
      expect(otherProject.items()).toEqual([]);
    });

    everyEngine(`${what}: the page's own init, made before Sentry started, wins over the Segment app's settings served after it`, async ({
      openPage,
      page,
      project,
      otherProject,
      segment,
    }) => {
      sentryInTheSegmentApp(segment, { config: otherProject.dsn, release: 'from-the-app' });
      let serveSettings!: () => void;
      segment.settingsHeld = new Promise<void>((resolve) => (serveSettings = resolve));
      await openPage({
        ...bundleOption,
        settings: null,
        beforeBundle: SEGMENT_APP_SNIPPET,
        head: `<script>window.SegmentSentry.init(${JSON.stringify({ config: project.dsn, release: 'from-init' })});</script>`,
      });
      await captureMessage(page, 'init, before the Segment settings');
      expect((await project.waitForError('init, before the Segment settings')).release).toBe('from-init');
      serveSettings();
      await page.evaluate(() => new Promise((resolve) => window.analytics.ready(resolve)));
      expect(segment.settingsServed).toBe(1);
      await captureMessage(page, 'after the Segment settings came');
      expect((await project.waitForError('after the Segment settings came')).release).toBe('from-init');
      await project.settle(page);
      expect(otherProject.items()).toEqual([]);
    });

    everyEngine(`${what}: a renamed analytics.js global whose load() runs after the page's load event (as consent wrappers call it): the Segment app's settings start Sentry, and its calls reach it`, async ({
      openPage,
      page,
      project,
      segment,
      consoleLog,
    }) => {
      sentryInTheSegmentApp(segment, { config: project.dsn, release: 'renamed-late@1' });
      await openPage({ ...bundleOption, settings: null, beforeBundle: `<script>${segmentSnippet({ globalAnalyticsKey: 'segmentAnalytics', load: false })}</script>` });
      // The full bundle is in charge before load() runs (the loader's path: it loads it now).
      await page.evaluate(() => window.SegmentSentry?.forceLoad());
      await page.waitForFunction(() => !(window.SegmentSentry as unknown as { _loader?: unknown })._loader);
      await page.evaluate(
        ([writeKey, options]) => (window as unknown as { segmentAnalytics: typeof window.analytics }).segmentAnalytics.load(writeKey, options),
        [WRITE_KEY, LOAD_OPTIONS] as const,
      );
      await deliveredCall(page, 'identify', ['late-user', {}, {}], 'segmentAnalytics');
      await captureMessage(page, 'after a late load()');
      const event = await project.waitForError('after a late load()');
      expect(event.release).toBe('renamed-late@1');
      expect(event.user).toMatchObject({ id: 'late-user' });
      expect(consoleLog.ours().filter((line) => /no Segment snippet/.test(line.text))).toEqual([]);
    });

    everyEngine(`${what}: the Segment app's values are checked as the element's: a bad one gets one message, the rest applies`, async ({
      openPage,
      page,
      project,
      segment,
      consoleLog,
    }) => {
      sentryInTheSegmentApp(segment, { config: project.dsn, release: 'app@3.0.0', ignoreErrors: ['/(unclosed/'] });
      await openPage({ ...bundleOption, settings: null, beforeBundle: SEGMENT_APP_SNIPPET });
      await captureMessage(page, 'despite a bad pattern');
      expect((await project.waitForError('despite a bad pattern')).release).toBe('app@3.0.0');
      // Polled: a console line can reach the test after the request it came before (Firefox, over BiDi).
      await poll(() => consoleLog.ours()).toEqual([{ type: 'warning', text: expect.stringMatching(/^\[segment-sentry\] ignoreErrors\[0\] "\/\(unclosed\/" is not a usable regular expression .*; skipped$/) }]);
    });

    const missing: Array<[string, (segment: SegmentTraffic) => string, RegExp]> = [
      [
        'the Segment settings have no Sentry entry',
        (segment) => ((segment.settings = {}), SEGMENT_APP_SNIPPET),
        /^\[segment-sentry\] the Segment app's settings for this source is a Segment settings document without integrations\.Sentry; Sentry was not started$/,
      ],
      [
        'analytics.js is blocked',
        () => `<script>${segmentSnippet({ load: LOAD_OPTIONS, blocked: true })}</script>`,
        /^\[segment-sentry\] no settings yet: no settings element #segment-sentry-settings, and analytics\.js has not loaded \(blocked, or held back by a consent manager\?\) 3 s after the page's load event; errors are kept \(up to 30\)/,
      ],
      [
        'there is no Segment snippet',
        () => '',
        /^\[segment-sentry\] no settings yet: no settings element #segment-sentry-settings, and there is no Segment snippet on the page \(or its analytics\.load\(\) has not run yet\) 3 s after/,
      ],
    ];
    for (const [why, snippet, message] of missing) {
      everyEngine(`${what}: no settings element, and ${why}: one message that says so, and nothing starts`, async ({ openPage, page, project, segment, consoleLog }) => {
        await openPage({ ...bundleOption, settings: null, beforeBundle: snippet(segment) });
        await captureMessage(page, 'kept, never sent');
        await consoleLog.waitFor(message);
        expect(await page.evaluate(() => window.SegmentSentry?.flush(500))).toBe(false);
        expect(project.items()).toEqual([]);
        expect(consoleLog.ours()).toHaveLength(1);
      });
    }
  });

  everyEngine("the loader: the page's own init, kept by the loader, wins though analytics.js brought the Segment app's settings before the full bundle ran", async ({
    openPage,
    page,
    project,
    otherProject,
    segment,
    site,
  }) => {
    sentryInTheSegmentApp(segment, { config: otherProject.dsn, release: 'from-the-app' });
    await openPage({
      bundle: await loaderWithSlowFullBundle(site, 1500),
      settings: null,
      beforeBundle: SEGMENT_APP_SNIPPET,
      head: `<script>window.SegmentSentry.init(${JSON.stringify({ config: project.dsn, release: 'kept-init' })});</script>`,
    });
    await page.evaluate(() => new Promise((resolve) => window.analytics.ready(resolve)));
    expect(segment.settingsServed).toBe(1);
    expect(await page.evaluate(() => Boolean((window.SegmentSentry as unknown as { _loader?: unknown })._loader)), 'the loader is still in charge').toBe(true);
    await captureMessage(page, 'the kept init');
    expect((await project.waitForError('the kept init')).release).toBe('kept-init');
    await project.settle(page);
    expect(otherProject.items()).toEqual([]);
  });

  everyEngine('with analytics.js blocked, a settings element still starts Sentry', async ({ openPage, page, project }) => {
    await openPage({ beforeBundle: `<script>${segmentSnippet({ load: LOAD_OPTIONS, blocked: true })}</script>` });
    await captureMessage(page, 'without analytics.js');
    await project.waitForError('without analytics.js');
  });
});

