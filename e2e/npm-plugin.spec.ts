// Segment from npm (issue 31): apps that bundle @segment/analytics-next and `segment-sentry/plugin`, built from
// e2e/npm-app/*.ts by esbuild and by Vite's production build (scripts/dev/npm-app.mjs), served from the test site
// with Segment's CDN and API there too (nothing leaves 127.0.0.1), in every engine.
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mountTunnel } from '../scripts/dev/mount-tunnel.mjs';
import { buildNpmApp, type BuiltApp } from '../scripts/dev/npm-app.mjs';
import { blockDirectSends, capture, caseOfACrossing, describeEvent, everyEngine, expect, inChromiumOnly, poll, queuedOffline, test, type BrowserPage, type Project, type ScenarioArgs } from './support/fixtures';
import { arrived, breadcrumbs, captureMessage, sentOnlyOnceGranted } from './support/segment-app';
import { WRITE_KEY, type SegmentTraffic } from './support/segment';

// The errors this file's apps throw on purpose; any other page error fails a test (e2e/support/fixtures.ts).
test.use({ expectedPageErrors: [/thrown as the app starts/] });

type Bundler = 'esbuild' | 'vite';
const BUNDLERS: Bundler[] = ['esbuild', 'vite'];

/** Each app is built once per worker, by each bundler, on first use. */
const builds = new Map<string, Promise<BuiltApp>>();
const baseOf = (bundler: Bundler, app: string) => `/npm-apps/${bundler}-${app.replace(/\.ts$/, '')}/`;

async function served(site: ScenarioArgs['site'], bundler: Bundler, app: string): Promise<BuiltApp & { base: string }> {
  const base = baseOf(bundler, app);
  const key = `${bundler} ${app}`;
  if (!builds.has(key)) builds.set(key, buildNpmApp(bundler, app, base));
  const built = await builds.get(key)!;
  site.mount(`${base}*`, (request, response) => {
    const file = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://127.0.0.1').pathname.slice(base.length)));
    if (file.startsWith('..')) return void response.writeHead(404).end();
    readFile(join(built.dir, file)).then(
      (body) => response.writeHead(200, { 'Content-Type': extname(file) === '.js' ? 'text/javascript' : 'application/octet-stream', 'Cache-Control': 'no-store' }).end(body),
      () => response.writeHead(404).end(),
    );
  });
  return { ...built, base };
}

interface AppPage {
  bundler?: Bundler;
  app?: string;
  config?: Record<string, unknown>;
  /** Markup before the app's module (a stub consent manager, say). */
  before?: string;
  /** Holds the page's load event back this long (a slow async script), so "before" and "after" it are far apart. */
  loadHeldMs?: number;
}

let slowScripts = 0;

/** Opens a page that runs a fixture app, configured through window.appConfig. */
async function openApp({ openPage, site }: Pick<ScenarioArgs, 'openPage' | 'site'>, { bundler = 'esbuild', app = 'app.ts', config = {}, before = '', loadHeldMs }: AppPage) {
  const built = await served(site, bundler, app);
  if (loadHeldMs) before += `<script async src="${site.register(`/npm-apps/slow-${++slowScripts}.js`, '', undefined, loadHeldMs)}"></script>`;
  const page = await openPage({
    settings: null,
    bundle: null,
    beforeBundle: `<script>window.appConfig = ${JSON.stringify({ writeKey: WRITE_KEY, ...config })};</script>${before}
      <script type="module" src="${built.base}${built.entry}"></script>`,
  });
  // (WebKit's WebDriver may hand the page back before its module scripts ran.)
  await page.waitForFunction(() => 'app' in window);
  return built;
}

/** The Sentry destination as the Segment app has it for this source (integrations.Sentry in the settings document). */
function sentryInTheSegmentApp(segment: SegmentTraffic, entry: Record<string, unknown>): void {
  segment.settings = { integrations: { Sentry: { type: 'browser', ...entry } } };
}

/**
 * analytics-next as the app holds it (window.app.analytics), with the callback that runs after delivery; without
 * analytics.js's callback delay, as deliveredCall (e2e/support/segment.ts) does: AnalyticsBrowser has no timeout(),
 * the instance it loaded has.
 */
const analyticsCall = (page: BrowserPage, method: 'identify' | 'track', ...args: unknown[]) =>
  page.evaluate(
    ([name, callArgs]) =>
      new Promise<void>((resolve) => {
        const { analytics } = (window as unknown as { app: { analytics: Record<string, (...a: unknown[]) => void> & { instance?: { timeout(ms: number): void } } } }).app;
        analytics.instance?.timeout(0);
        analytics[name as string]!(...(callArgs as unknown[]), () => resolve());
      }),
    [method, args] as const,
  );

/** When the page fetched a file, against its load event (resource timing: the same in every engine), once both happened. */
async function fetchedAgainstLoad(page: BrowserPage, file: string): Promise<{ fetchedAt: number; loadEventStart: number } | undefined> {
  await page.waitForFunction(
    (name) =>
      performance.getEntriesByType('resource').some((entry) => entry.name.endsWith(name)) &&
      ((performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined)?.loadEventStart ?? 0) > 0,
    file,
  );
  return page.evaluate((name) => {
    const resource = performance.getEntriesByType('resource').find((entry) => entry.name.endsWith(name));
    const navigation = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
    return resource && navigation && navigation.loadEventStart > 0 ? { fetchedAt: resource.startTime, loadEventStart: navigation.loadEventStart } : undefined;
  }, file);
}

test.describe('Segment from npm: segment-sentry/plugin in an app that bundles analytics-next', () => {
  for (const [bundlerIndex, bundler] of BUNDLERS.entries()) {
    // Which bundler built the app is a branch of the bundlers' output, not of the engine: each engine runs each
    // scenario once, with the two bundlers in turn (Chromium runs all of them).
    const byBundler = (scenario: number) => caseOfACrossing(bundlerIndex + scenario, 'which bundler built the app');
    everyEngine(`${bundler}: Sentry starts with the Segment app's settings; an error and a rejection thrown as the app starts are sent once each, with the Segment app's release`, async ({ openPage, site, page, project, segment }) => {
      sentryInTheSegmentApp(segment, { config: project.dsn, release: 'npm-app@1.0.0', environment: 'from-the-app' });
      await openApp({ openPage, site }, { bundler, config: { throwAtStart: 'thrown as the app starts' } });
      const error = await project.waitForError('Error: thrown as the app starts');
      expect({ release: error.release, environment: error.environment }).toEqual({ release: 'npm-app@1.0.0', environment: 'from-the-app' });
      expect((await project.waitForError('thrown as the app starts (a rejection)')).release).toBe('npm-app@1.0.0');
      await project.settle(page);
      expect(arrived(project, 'thrown as the app starts')).toHaveLength(2);
    }, byBundler(0));

    everyEngine(`${bundler}: identify and track on the app's analytics-next become the Sentry user and breadcrumbs, though the load options turn Sentry off`, async ({ openPage, site, page, project, segment }) => {
      sentryInTheSegmentApp(segment, { config: project.dsn });
      await openApp({ openPage, site }, { bundler });
      await analyticsCall(page, 'identify', 'npm-user', { email: 'npm@example.com' });
      await analyticsCall(page, 'track', 'Checked Out', {});
      await captureMessage(page, 'after the calls');
      const event = await project.waitForError('after the calls');
      expect(event.user).toMatchObject({ id: 'npm-user', email: 'npm@example.com' });
      expect(breadcrumbs(event, 'segment.track')).toEqual(['Checked Out']);
    }, byBundler(1));

    everyEngine(`${bundler}: the Sentry chunk is fetched after the page's load event, not before`, async ({ openPage, site, page, project, segment }) => {
      sentryInTheSegmentApp(segment, { config: project.dsn });
      const built = await openApp({ openPage, site }, { bundler, loadHeldMs: 1500 });
      expect(built.sentryChunk, 'the bundler split the Sentry part into a chunk of its own').toBeTruthy();
      const timing = await fetchedAgainstLoad(page, built.sentryChunk!);
      expect(timing!.fetchedAt).toBeGreaterThanOrEqual(timing!.loadEventStart);
    }, byBundler(2));

    everyEngine(`${bundler}: an error as the app starts fetches the Sentry chunk at once, before the page's load event`, async ({ openPage, site, page, project, segment }) => {
      sentryInTheSegmentApp(segment, { config: project.dsn });
      const built = await openApp({ openPage, site }, { bundler, config: { throwAtStart: 'thrown as the app starts' }, loadHeldMs: 1500 });
      await project.waitForError('Error: thrown as the app starts');
      const timing = await fetchedAgainstLoad(page, built.sentryChunk!);
      expect(timing!.fetchedAt).toBeLessThan(timing!.loadEventStart);
    }, byBundler(3));
  }

  everyEngine('added later with analytics.register(segmentSentry()), it starts with the Segment app\'s settings too', async ({ openPage, site, page, project, segment }) => {
    sentryInTheSegmentApp(segment, { config: project.dsn, release: 'registered@1' });
    await openApp({ openPage, site }, { config: { registerLater: true } });
    await captureMessage(page, 'registered later');
    expect((await project.waitForError('registered later')).release).toBe('registered@1');
  });

  everyEngine("segmentSentry({ settings }) wins over the Segment app's settings", async ({ openPage, site, page, project, otherProject, segment }) => {
    sentryInTheSegmentApp(segment, { config: otherProject.dsn, release: 'from-the-app' });
    // The load event held back: analytics-next has handed the plugin its settings before the Sentry part comes.
    await openApp({ openPage, site }, { config: { options: { settings: { config: project.dsn, release: 'from-the-options' } } }, loadHeldMs: 1500 });
    await captureMessage(page, 'with both');
    expect((await project.waitForError('with both')).release).toBe('from-the-options');
    await project.settle(page);
    expect(otherProject.items()).toEqual([]);
  });

  everyEngine("segmentSentry({ settings }) started before analytics-next loaded the plugin: the visitor it remembers is the Sentry user once it has", async ({
    openPage,
    site,
    page,
    project,
    segment,
  }) => {
    const config = { throwAtStart: 'thrown as the app starts', options: { settings: { config: project.dsn } } };
    await openApp({ openPage, site }, { config });
    await analyticsCall(page, 'identify', 'returning-user', { email: 'back@example.com' });
    // The next page, Segment's CDN slow: the error at start brings the Sentry part, which starts from the options
    // while analytics-next has not loaded the plugin; what analytics-next remembers comes with its instance.
    const servedBefore = segment.settingsServed;
    let serveSettings!: () => void;
    segment.settingsHeld = new Promise<void>((resolve) => (serveSettings = resolve));
    await page.reload();
    await page.waitForFunction(() => 'app' in window);
    await poll(() => project.events().filter((event) => describeEvent(event).includes('thrown as the app starts')).length).toBeGreaterThanOrEqual(3);
    expect(segment.settingsServed, 'Sentry started before analytics-next had its settings').toBe(servedBefore);
    serveSettings();
    await poll(() => segment.settingsServed).toBe(servedBefore + 1);
    await page.evaluate(() => new Promise<void>((resolve) => (window as unknown as { app: { analytics: { ready(done: () => void): void } } }).app.analytics.ready(() => resolve())));
    await captureMessage(page, 'after the instance came');
    expect((await project.waitForError('after the instance came')).user).toMatchObject({ id: 'returning-user' });
  });

  everyEngine("the Segment app's values are checked as the settings element's: one message for a bad one, and the rest applies", async ({ openPage, site, page, project, segment, consoleLog }) => {
    sentryInTheSegmentApp(segment, { config: project.dsn, release: 'checked@1', relase: 'typo' });
    await openApp({ openPage, site }, {});
    await consoleLog.waitFor(/unknown setting "relase" ignored \(did you mean "release"\?\)/);
    await captureMessage(page, 'checked');
    expect((await project.waitForError('checked')).release).toBe('checked@1');
    await project.settle(page);
    expect(consoleLog.ours()).toHaveLength(1);
  });

  everyEngine('consent categories mapped to Sentry in the Segment app: nothing is sent until the app grants them with setConsent', async ({ openPage, site, page, project, segment }) => {
    sentryInTheSegmentApp(segment, { config: project.dsn, consentSettings: { categories: ['Analytics'] } });
    await openApp({ openPage, site }, {});
    await sentOnlyOnceGranted(page, project);
  });

  everyEngine("trackErrors from pageSettings, set over the Segment app's: an error Sentry received becomes one 'Error Captured' call on the app's analytics-next", async ({ openPage, site, page, project, segment }) => {
    sentryInTheSegmentApp(segment, { config: project.dsn });
    await openApp({ openPage, site }, { config: { options: { pageSettings: { trackErrors: true } } } });
    await page.evaluate(() => window.SegmentSentry?.captureException(new Error('tracked to Segment')));
    const event = await project.waitForError('tracked to Segment');
    await expect
      .poll(() => segment.apiBodies.filter(({ body }) => body?.event === 'Error Captured').map(({ body }) => body?.properties?.eventId))
      .toEqual([event.event_id]);
  });

  everyEngine('an analytics-next that hands plugins no settings document gets one message, and no page error', async ({ openPage, site, page, segment, project, consoleLog }) => {
    sentryInTheSegmentApp(segment, { config: project.dsn });
    await openApp({ openPage, site }, { config: { oldAnalyticsNext: true } });
    await consoleLog.waitFor(/@segment\/analytics-next 1\.69\.0 gave the plugin no settings document .* 1\.70 on\): update it, or pass segmentSentry\(\{ settings \}\); Sentry was not started/);
    // Once only: a repeated message would show here (each console line reaches the test in its order).
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 100)));
    expect(consoleLog.ours()).toHaveLength(1);
  });
});

/** Sentry has started in the app (its Sentry part came, after the load event at idle): a message it sent arrived. */
async function started(page: BrowserPage, project: Project): Promise<void> {
  await captureMessage(page, 'Sentry started');
  await project.waitForError('Sentry started');
}

// What the script does with these settings holds in the npm app (issue 31, point 3). The same Sentry part runs in
// every engine in the scenarios above; which of its branches these settings take does not depend on the engine.
test.describe('the settings the script honours, honoured in the npm app', () => {
  inChromiumOnly("the same Sentry part as above; these settings only choose which of its branches run");

  test("release by window property: the property the Segment app's customVersionProperty names wins over its release", async ({ openPage, site, page, project, segment }) => {
    sentryInTheSegmentApp(segment, { config: project.dsn, release: 'from-the-segment-app@1', customVersionProperty: 'appBuild.version' });
    await openApp({ openPage, site }, { before: `<script>window.appBuild = { version: 'from-the-window@7' };</script>` });
    await captureMessage(page, 'with the window property');
    expect((await project.waitForError('with the window property')).release).toBe('from-the-window@7');
  });

  test("the Segment app's tunnel: with Sentry's ingest blocked as a content blocker does, an error as the app starts arrives through the tunnel path on the app's origin", async ({
    openPage,
    site,
    ingest,
    project,
    segment,
  }) => {
    const tunnelUrl = await mountTunnel(site, `/sentry-tunnel-${project.id}`, [project.dsn]);
    const direct = blockDirectSends(ingest, project);
    sentryInTheSegmentApp(segment, { config: project.dsn, tunnel: new URL(tunnelUrl).pathname });
    await openApp({ openPage, site }, { config: { throwAtStart: 'thrown as the app starts' } });
    await project.waitForError('Error: thrown as the app starts');
    expect(direct, 'sent straight to the ingest').toEqual([]);
  });

  test('the offline queue: errors the ingest could not take wait in it, and are sent on the next page load', async ({ openPage, site, page, ingest, project, segment }) => {
    sentryInTheSegmentApp(segment, { config: project.dsn });
    await openApp({ openPage, site }, {});
    await started(page, project);
    // The ingest cuts every connection, as an unreachable network does.
    ingest.respondWith(project.id, () => ({ unreachable: true }));
    for (let i = 0; i < 2; i++) await capture(page, `kept offline ${i}`);
    await page.evaluate(() => window.SegmentSentry?.flush(5000));
    await poll(() => queuedOffline(page)).toBe(2);
    ingest.respondWith(project.id, undefined);
    await page.reload();
    await page.waitForFunction(() => 'app' in window);
    // Each once, in either order: the first page's own retry may still be sending the oldest as the new page starts
    // on the next (as in network.spec.ts's reload test; once red here in CI, on a busy machine).
    await poll(() => arrived(project, 'kept offline').map(describeEvent).sort(), { timeout: 30_000 }).toEqual(['Error: kept offline 0', 'Error: kept offline 1']);
    await poll(() => queuedOffline(page)).toBe(0);
  });

  test("consent stamped on the app's calls: with the Segment app's consent categories, an error waits until a call carries the visitor's yes", async ({
    openPage,
    site,
    page,
    project,
    segment,
  }) => {
    sentryInTheSegmentApp(segment, { config: project.dsn, consentSettings: { categories: ['Analytics'] } });
    await openApp({ openPage, site }, {});
    await capture(page, 'before the stamped call');
    // Held for consent: the flush says it still holds it.
    expect(await page.evaluate(() => window.SegmentSentry?.flush(3000))).toBe(false);
    expect(project.items(), 'sent before the visitor said yes').toEqual([]);
    // What Segment's consent tools put on every call, here on one track call of the app's own.
    await analyticsCall(page, 'track', 'Consent Given', {}, { context: { consent: { categoryPreferences: { Analytics: true } } } });
    await project.waitForError('Error: before the stamped call');
    await project.settle(page);
    expect(arrived(project, 'before the stamped call')).toHaveLength(1);
  });
});

/** A stub consent manager (what OneTrust's wrapper does, in a few lines), read by e2e/npm-app/app-consent-tools.ts. */
const stubConsentManager = (initial: Record<string, boolean> | null) => `<script>
  window.cmp = {
    preferences: ${JSON.stringify(initial)},
    listeners: [],
    decide(preferences) { this.preferences = preferences; this.listeners.forEach((listener) => listener(preferences)); },
  };
</script>`;
const decide = (page: BrowserPage, preferences: Record<string, boolean>) =>
  page.evaluate((given) => (window as unknown as { cmp: { decide(p: Record<string, boolean>): void } }).cmp.decide(given), preferences);

/** A workspace whose destinations are all mapped to consent categories, the Sentry entry to Analytics. */
function consentManagedWorkspace(segment: SegmentTraffic, project: Project): void {
  segment.settings = {
    integrations: { Sentry: { config: project.dsn, consentSettings: { categories: ['Analytics'] } } },
    consentSettings: { allCategories: ['Analytics'], hasUnmappedDestinations: false },
  };
}

/** The visitor opts out in the consent manager: nothing sent after it (the consent tools send the change as a track call). */
async function optOutThenNothingArrives(page: BrowserPage, project: Project): Promise<void> {
  await decide(page, { Analytics: false });
  await analyticsCall(page, 'track', 'after opting out', {});
  await page.evaluate(() => window.SegmentSentry?.captureException(new Error('after opting out')));
  await page.evaluate(() => window.SegmentSentry?.flush(3000));
  expect(arrived(project, 'after opting out')).toEqual([]);
}

test.describe("Segment's consent tools around the npm instance: withCMP(new AnalyticsBrowser()).load(...)", () => {
  everyEngine('opt-in: an error waits, with analytics-next itself, until the visitor opts in; nothing is sent once they opt out', async ({ openPage, site, page, project, segment }) => {
    consentManagedWorkspace(segment, project);
    await openApp({ openPage, site }, { app: 'app-consent-tools.ts', config: { consentModel: 'opt-in' }, before: stubConsentManager(null) });
    await page.evaluate(() => window.SegmentSentry?.captureException(new Error('before the visitor decided')));
    await page.evaluate(() => window.SegmentSentry?.flush(3000));
    expect(project.items(), 'sent before the visitor decided').toEqual([]);
    await decide(page, { Analytics: true });
    await project.waitForError('before the visitor decided');
    await optOutThenNothingArrives(page, project);
  });

  everyEngine("opt-out: errors are sent while the visitor agrees, and stop when they opt out, though Segment's blocking middleware never sees our plugin", async ({ openPage, site, page, project, segment }) => {
    consentManagedWorkspace(segment, project);
    await openApp({ openPage, site }, { app: 'app-consent-tools.ts', config: { consentModel: 'opt-out' }, before: stubConsentManager({ Analytics: true }) });
    await analyticsCall(page, 'track', 'Viewed Page', {});
    await page.evaluate(() => window.SegmentSentry?.captureException(new Error('while the visitor agrees')));
    await project.waitForError('while the visitor agrees');
    await optOutThenNothingArrives(page, project);
  });
});

test.describe("the app's own @sentry/browser beside the plugin", () => {
  everyEngine("each Sentry keeps its own client, scope and DSN: the app's events never carry ours, nor ours the app's", async ({ openPage, site, page, project, otherProject, segment }) => {
    sentryInTheSegmentApp(segment, { config: project.dsn, release: 'ours@1' });
    await openApp({ openPage, site }, { app: 'app-with-sentry.ts', config: { appSentryDsn: otherProject.dsn } });
    await analyticsCall(page, 'identify', 'npm-user', {});
    await captureMessage(page, 'from segment-sentry');
    const ours = await project.waitForError('from segment-sentry');
    expect({ release: ours.release, tags: ours.tags?.whose, user: ours.user?.id }).toEqual({ release: 'ours@1', tags: undefined, user: 'npm-user' });
    await page.evaluate(() => (window as unknown as { appSentry: { captureMessage(m: string): void } }).appSentry.captureMessage("from the app's own Sentry"));
    const theirs = await otherProject.waitForError("from the app's own Sentry");
    expect({ release: theirs.release, tags: theirs.tags?.whose, user: theirs.user }).toEqual({ release: 'the-apps-own@1', tags: 'the app', user: undefined });
    await project.settle(page);
    expect(arrived(project, "from the app's own Sentry")).toEqual([]);
    expect(arrived(otherProject, 'from segment-sentry')).toEqual([]);
  });
});

test.describe('Segment from npm: tracing and Session Replay as chunks of the app, fetched only when on', () => {
  inChromiumOnly("the import() of our chunks is the bundlers' code, not the engine's; the recording itself runs in every engine on script pages (replay-tracing.spec.ts)");
  const ROOT = fileURLToPath(new URL('..', import.meta.url));

  test('a "no" in the app stops the trace headers to its own API, and a "yes" again brings them back (the same consent path as script pages)', async ({ openPage, site, page, project, segment }) => {
    sentryInTheSegmentApp(segment, { config: project.dsn, consentSettings: { categories: ['Analytics'] } });
    const api = `/npm-api-${project.id}/`;
    const received = new Map<string, string | undefined>();
    site.mount(`${api}*`, (request, response) => {
      received.set(new URL(request.url ?? '/', site.origin).pathname.slice(api.length), request.headers['sentry-trace'] as string | undefined);
      response.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
    });
    const call = (name: string) => page.evaluate((url) => fetch(url).then((response) => response.text()), `${site.origin}${api}${name}`);
    await openApp({ openPage, site }, { config: { options: { pageSettings: { tracesSampleRate: 1, tracePropagationTargets: [`${site.origin}${api}`] } } } });
    await page.evaluate(() => window.SegmentSentry?.setConsent({ Analytics: true }));
    await project.waitForItem('span', (payload) => payload.items.some((span: { is_segment: boolean; attributes: Record<string, { value: unknown }> }) => span.is_segment && span.attributes['sentry.op']?.value === 'pageload'), 'pageload segment span', 20_000);
    await call('before');
    expect(received.get('before'), 'before the "no"').toMatch(/^[0-9a-f]{32}-[0-9a-f]{16}/);
    await page.evaluate(() => window.SegmentSentry?.setConsent({ Analytics: false }));
    await call('after');
    expect(received.has('after')).toBe(true);
    expect(received.get('after'), 'after the "no"').toBeUndefined();
    await page.evaluate(() => window.SegmentSentry?.setConsent({ Analytics: true }));
    await call('again');
    expect(received.get('again'), 'after a "yes" again').toMatch(/^[0-9a-f]{32}-[0-9a-f]{16}/);
  });

  for (const bundler of BUNDLERS) {
    test(`${bundler}: with the four settings off no extra chunk is fetched; with replaysOnErrorSampleRate 1 an error sends the replay buffered before it, linked to it`, async ({ openPage, site, page, project, segment }) => {
      sentryInTheSegmentApp(segment, { config: project.dsn });
      const fetched: string[] = [];
      page.on('request', (request) => void fetched.push(new URL(request.url()).pathname));
      const built = await openApp({ openPage, site }, { bundler });
      const [tracingChunk, replayChunk] = ['tracing', 'replay'].map((name) => built.chunkOf(join(ROOT, `dist/plugin/${name}.mjs`)));
      expect([tracingChunk, replayChunk].filter((chunk) => chunk && chunk !== built.sentryChunk && !built.firstChunk.includes(chunk)), 'the bundler made each extra file a chunk of its own').toHaveLength(2);
      const ofAnExtraChunk = (path: string) => [tracingChunk, replayChunk].some((chunk) => path.endsWith(`/${chunk}`));
      await captureMessage(page, 'Sentry started, nothing on');
      await project.waitForError('Sentry started, nothing on');
      await project.settle(page);
      expect(fetched.filter(ofAnExtraChunk)).toEqual([]);

      await openApp({ openPage, site }, { bundler, config: { options: { pageSettings: { replaysOnErrorSampleRate: 1 } } } });
      // Recording starts once the replay chunk has run (its session under the plugin's own key).
      await page.waitForFunction(() => sessionStorage.getItem('segmentSentryReplaySession_npm') !== null, undefined, { timeout: 15_000 });
      await page.evaluate(() => window.SegmentSentry?.captureException(new Error('an error in the app, with its replay')));
      const error = await project.waitForError('an error in the app, with its replay');
      const replayEvent = (await project.waitForItem('replay_event', (payload) => payload.replay_type === 'buffer', 'buffered replay_event', 20_000)).payload;
      expect(error.tags?.replayId, 'the error names its replay').toBe(replayEvent.replay_id);
      expect(replayEvent.error_ids).toContain(error.event_id);
      await project.waitForItem('replay_recording', () => true, 'replay_recording', 20_000);
      expect(fetched.filter(ofAnExtraChunk).map((path) => path.endsWith(`/${replayChunk}`))).toEqual([true]);
    });
  }
});
