import { capture, caseOfACrossing, describeEvent, everyEngine, expect, inChromiumOnly, offlineDatabaseExists, pastTheQueuesNextSend, poll, queuedOffline, test, type BrowserPage, type Project } from './support/fixtures';
import { loaderWithSlowFullBundle } from './support/loader-beside';
import type { IngestServer } from '../scripts/dev/ingest-server.mjs';
import type { SegmentTraffic } from './support/segment';
import { consentToolsBundle, identify, segmentSnippet, track, WRITE_KEY } from './support/segment';

// The errors this file's pages throw on purpose; any other page error fails a test (e2e/support/fixtures.ts).
test.use({ expectedPageErrors: [/before the visitor decided|uncaught before consent/] });

const CONSENT = { consentSettings: { categories: ['Analytics'] } };
const LOADER = '/dist/segment-sentry.loader.min.js';

const setConsent = (page: BrowserPage, preferences: Record<string, boolean>) =>
  page.evaluate((given) => window.SegmentSentry?.setConsent(given), preferences);


/**
 * A bounded wait where nothing may arrive: flush resolves once the client has processed every event and
 * the transport has settled every request it made, so whatever was sent has reached the ingest by then.
 */
async function settleWithNothingSent(page: BrowserPage, project: Project): Promise<void> {
  await page.evaluate(() => window.SegmentSentry?.flush(3000));
  expect(project.items().map((item) => `${item.type}: ${item.type === 'event' ? describeEvent(item.payload) : ''}`)).toEqual([]);
}

/**
 * Sent with the user while consent is granted; then, with the ingest unreachable, one event waits in the offline
 * queue. Returns when the queue was seen holding it: its own retry (5 s after the failed send, which takes it out
 * whatever the consent) comes no earlier than 5 s before that.
 */
async function sentWithUserThenOneQueuedOffline(page: BrowserPage, project: Project, ingest: IngestServer, userId: string): Promise<number> {
  await identify(page, userId, { email: `${userId}@example.com` });
  await capture(page, 'while granted');
  expect((await project.waitForError('while granted')).user?.id).toBe(userId);
  ingest.respondWith(project.id, () => ({ unreachable: true }));
  await capture(page, 'queued offline');
  await poll(() => queuedOffline(page), { intervals: [50] }).toBe(1);
  return Date.now();
}

/**
 * The offline queue is empty before its own retry could have emptied it (that retry drops the envelope through
 * the consent gate too): only the gate's emptying at the "no" passes this. `queuedAt`: from
 * sentWithUserThenOneQueuedOffline; the retry comes 5 s after the envelope was stored, a second of margin.
 */
async function emptiedBeforeTheQueuesRetry(page: BrowserPage, queuedAt: number): Promise<void> {
  const timeout = queuedAt + 4_000 - Date.now();
  expect(timeout, 'time left before the queue\'s own retry').toBeGreaterThan(500);
  await poll(() => queuedOffline(page), { timeout, intervals: [50] }).toBe(0);
}


/** Events mentioning `text` that reached the ingest. */
const arrived = (project: Project, text: string) => project.events().filter((event) => describeEvent(event).includes(text));

test.describe('consent: Sentry waits for the visitor\'s yes', () => {
  everyEngine('unknown: nothing reaches the ingest and nothing is written to IndexedDB; on a grant what was kept arrives with the user and breadcrumbs it had, then the session', async ({
    openPage,
    page,
    project,
  }) => {
    // Segment's settings document form, as pasted from its settings API.
    await openPage({
      // (A release, or Sentry discards the session.)
      settings: JSON.stringify({ integrations: { Sentry: { config: project.dsn, release: 'consent@1.0.0', ...CONSENT } } }),
      beforeBundle: `<script>${segmentSnippet()}</script>`,
    });
    await identify(page, 'user-before', { email: 'before@example.com' });
    await page.evaluate(() => console.log('a breadcrumb before the error'));
    await page.evaluate(() => setTimeout(() => { throw new Error('uncaught before consent'); }));
    await page.evaluate(() => window.SegmentSentry?.captureMessage('message before consent'));
    await identify(page, 'user-after', { email: 'after@example.com' });
    // The page's first idle time, when the transport would be made (whenIdleOrHidden: requestIdleCallback, or a
    // timer where the engine has none, as in WebKit): an idle callback queued now runs after the product's.
    await page.evaluate(() => new Promise((resolve) => ('requestIdleCallback' in window ? requestIdleCallback(resolve) : setTimeout(resolve))));
    expect(await page.evaluate(() => window.SegmentSentry?.flush(3000)), 'kept events are waiting').toBe(false);
    expect(project.items()).toEqual([]);
    expect(await offlineDatabaseExists(page)).toBe(false);

    await setConsent(page, { Analytics: true, Advertising: false });
    const error = await project.waitForError('uncaught before consent');
    expect(error.user?.id).toBe('user-before');
    expect(error.breadcrumbs?.map((crumb) => crumb.message)).toContain('a breadcrumb before the error');
    expect((await project.waitForError('message before consent')).user?.id).toBe('user-before');
    // The page's one session: started (init) while waiting, and the error counted in it.
    const started = await project.waitForItem('session', (payload) => payload.init === true, 'the page session');
    const counted = await project.waitForItem('session', (payload) => payload.errors >= 1, 'the session with the error');
    expect(counted.payload.sid).toBe(started.payload.sid);
    // From now on, as usual.
    await capture(page, 'after the grant');
    expect((await project.waitForError('after the grant')).user?.id).toBe('user-after');
  });

  everyEngine('unknown keeps at most 30 errors and messages', async ({ openPage, page, project }) => {
    await openPage({ settings: CONSENT });
    for (let i = 0; i < 40; i++) await capture(page, `kept ${i}`);
    await setConsent(page, { Analytics: true });
    await project.waitForError('kept 29');
    await page.evaluate(() => window.SegmentSentry?.flush(5000));
    expect(arrived(project, 'kept ')).toHaveLength(30);
    expect(arrived(project, 'kept 30')).toEqual([]);
  });

  const denials: Array<[string, Record<string, boolean>]> = [
    ['the category false', { Analytics: false, Functional: true }],
    ['the category missing from the preferences', { Functional: true }],
  ];
  for (const [index, [what, preferences]] of denials.entries()) {
    everyEngine(`denied (${what}): nothing is sent or kept, and what was kept is dropped`, async ({ openPage, page, project }) => {
      await openPage({ settings: CONSENT });
      await capture(page, 'kept, then dropped');
      await setConsent(page, preferences);
      await capture(page, 'while denied');
      await settleWithNothingSent(page, project);
      expect(await offlineDatabaseExists(page)).toBe(false);
      // A later grant sends what comes after it, and nothing from before.
      await setConsent(page, { Analytics: true });
      await capture(page, 'after a later grant');
      await project.waitForError('after a later grant');
      await page.evaluate(() => window.SegmentSentry?.flush(5000));
      expect(arrived(project, 'kept, then dropped')).toEqual([]);
      expect(arrived(project, 'while denied')).toEqual([]);
    }, caseOfACrossing(index, 'which way the category is missing from a yes'));
  }

  everyEngine('denied on the next page: the offline queue an earlier page left is emptied, though nothing there takes from it', async ({
    openPage,
    page,
    ingest,
    project,
  }) => {
    await openPage({
      settings: CONSENT,
      beforeBundle: `<script>${segmentSnippet()}</script>`,
      head: `<script>window.SegmentSentry.setConsent({ Analytics: true });</script>`,
    });
    await sentWithUserThenOneQueuedOffline(page, project, ingest, 'user-1');
    // The next page starts with a "no": its transport is never made, so no retry drains the queue; only the
    // consent gate's emptying can.
    await openPage({ settings: CONSENT, head: `<script>window.SegmentSentry.setConsent({ Analytics: false });</script>` });
    await poll(() => queuedOffline(page)).toBe(0);
  });

  everyEngine('revoked after a grant: nothing is sent from that call on, the offline queue is emptied and the user cleared', async ({
    openPage,
    page,
    ingest,
    project,
  }) => {
    await openPage({
      settings: CONSENT,
      beforeBundle: `<script>${segmentSnippet()}</script>`,
      head: `<script>window.SegmentSentry.setConsent({ Analytics: true });</script>`,
    });
    const queuedAt = await sentWithUserThenOneQueuedOffline(page, project, ingest, 'user-1');

    await setConsent(page, { Analytics: false });
    await emptiedBeforeTheQueuesRetry(page, queuedAt);
    // Back online: a retry the offline queue had scheduled finds nothing to send.
    ingest.respondWith(project.id, undefined);
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await capture(page, 'after the revocation');
    await page.evaluate(() => window.SegmentSentry?.flush(3000));

    await setConsent(page, { Analytics: true });
    await page.evaluate(() => window.SegmentSentry?.captureMessage('granted again'));
    const sentinel = await project.waitForError('granted again');
    expect(sentinel.user ?? {}).toEqual({});
    await pastTheQueuesNextSend(page);
    expect(arrived(project, 'after the revocation')).toEqual([]);
    expect(arrived(project, 'queued offline')).toEqual([]);
  });

  everyEngine('setConsent with something that is not preferences: one warning, and the state stays', async ({ openPage, page, project, consoleLog }) => {
    await openPage({ settings: CONSENT });
    await page.evaluate(() => (window.SegmentSentry as unknown as { setConsent(value: unknown): void }).setConsent('yes'));
    await capture(page, 'still kept');
    // Still waiting for consent: had 'yes' been taken for a grant, flush would have sent it and said true.
    expect(await page.evaluate(() => window.SegmentSentry?.flush(3000))).toBe(false);
    expect(project.items()).toEqual([]);
    // Polled: a console line can reach the test after the request it came before (Firefox, over BiDi).
    await poll(() => consoleLog.ours()).toEqual([{ type: 'warning', text: '[segment-sentry] setConsent takes {"<category>": true | false, …}; ignored' }]);
    await setConsent(page, { Analytics: true });
    await project.waitForError('still kept');
  });

  everyEngine('the loader keeps setConsent calls in order with the others: a denial drops what came before it, a later grant sends what follows', async ({
    openPage,
    page,
    project,
  }) => {
    await openPage({
      bundle: LOADER,
      settings: CONSENT,
      head: `<script>
        window.SegmentSentry.captureMessage('kept by the loader, then denied');
        window.SegmentSentry.setConsent({ Analytics: false });
        window.SegmentSentry.captureMessage('while denied, in the loader');
        window.SegmentSentry.setConsent({ Analytics: true });
        window.SegmentSentry.captureMessage('granted in the loader');
      </script>`,
    });
    await project.waitForError('granted in the loader');
    await project.settle(page);
    expect(arrived(project, 'kept by the loader, then denied')).toEqual([]);
    expect(arrived(project, 'while denied, in the loader')).toEqual([]);
  });

  everyEngine('the loader does not count consent against its cap: grant, 29 captures, then a revocation, all before the full bundle: the revocation holds', async ({
    openPage,
    page,
    project,
  }) => {
    await openPage({
      bundle: LOADER,
      settings: CONSENT,
      head: `<script>
        window.SegmentSentry.setConsent({ Analytics: true });
        for (var i = 0; i < 29; i++) window.SegmentSentry.captureMessage('kept while granted ' + i);
        window.SegmentSentry.setConsent({ Analytics: false });
      </script>`,
    });
    await page.waitForFunction(() => !(window.SegmentSentry as unknown as { _loader?: unknown })._loader);
    await page.evaluate(() => window.SegmentSentry?.captureMessage('after the revocation'));
    // The sentinel: a new grant, then a message.
    await page.evaluate(() => window.SegmentSentry?.setConsent({ Analytics: true }));
    await page.evaluate(() => window.SegmentSentry?.captureMessage('granted after the takeover'));
    await project.waitForError('granted after the takeover');
    await page.evaluate(() => window.SegmentSentry?.flush(5000));
    expect(arrived(project, 'kept while granted ')).toHaveLength(29);
    expect(arrived(project, 'after the revocation')).toEqual([]);
  });

  // What was kept before start-up carries the consent in force when it happened, and the gate decides from that
  // alone: not from the order in which the kept errors and captures are replayed (errors went first).
  const keptUnderChangingConsent = `<script>
      window.SegmentSentry.setConsent({ Analytics: true });
      window.SegmentSentry.captureMessage('captured while granted');
      setTimeout(() => {
        window.SegmentSentry.setConsent({ Analytics: false });
        setTimeout(() => { throw new Error('uncaught after the no'); });
        window.SegmentSentry.captureMessage('captured after the no');
        setTimeout(() => { window.allKept = true; });
      });
    </script>`;
  for (const [index, [what, bundle]] of ([['the loader', LOADER], ['the full bundle, started by a later init', undefined]] as const).entries()) {
    everyEngine(`${what}: a grant, a capture, a "no", then an error and a capture, all before start-up: only the capture made while granted is sent`, async ({
      openPage,
      page,
      project,
      expectPageErrors,
    }) => {
      expectPageErrors(/uncaught after the no/);
      await openPage({
        ...(bundle ? { bundle, settings: CONSENT } : { settings: null }),
        head: keptUnderChangingConsent,
      });
      // All of it happened before Sentry started: the loader's full bundle waits for idle time after the load
      // event (or the first error); the full bundle for init.
      await page.waitForFunction(() => (window as unknown as { allKept?: boolean }).allKept === true);
      if (!bundle) await page.evaluate((settings) => window.SegmentSentry?.init(settings), { config: project.dsn, ...CONSENT });
      await project.waitForError('captured while granted');
      // The sentinel: a new grant after start-up, then a message; the two made after the "no" never come.
      await setConsent(page, { Analytics: true });
      await page.evaluate(() => window.SegmentSentry?.captureMessage('granted after start-up'));
      await project.waitForError('granted after start-up');
      await page.evaluate(() => window.SegmentSentry?.flush(3000));
      expect(arrived(project, 'after the no')).toEqual([]);
      expect(arrived(project, 'captured while granted')).toHaveLength(1);
    }, caseOfACrossing(index, 'the loader or the full bundle keeping the calls'));
  }

  everyEngine('a kept envelope sent on a grant, whose send fails after a revocation: nothing escapes to the page', async ({ openPage, page, project, ingest }) => {
    await openPage({
      settings: CONSENT,
      head: `<script>
        window.ourRejections = [];
        window.addEventListener('unhandledrejection', (event) => window.ourRejections.push(String(event.reason)));
      </script>`,
    });
    await capture(page, 'kept, then sent on the grant');
    let underWay = false;
    ingest.respondWith(project.id, () => ((underWay = true), { unreachable: true, delayMs: 500 }));
    await setConsent(page, { Analytics: true });
    await poll(() => underWay).toBe(true);
    await setConsent(page, { Analytics: false });
    // flush settles once the send has failed.
    await page.evaluate(() => window.SegmentSentry?.flush(5000));
    // An unhandled rejection is reported after the microtasks that could still handle it: one more task.
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 0)));
    expect(await page.evaluate(() => (window as unknown as { ourRejections: string[] }).ourRejections)).toEqual([]);
  });

  everyEngine('no categories in the settings: no consent needed, as before', async ({ openPage, page, project }) => {
    await openPage({ settings: { consentSettings: { categories: [] } } });
    await capture(page, 'no consent needed');
    await project.waitForError('no consent needed');
  });
});

/**
 * Segment's own consent management: the real @segment/analytics-consent-tools wrapper around the
 * real analytics.js, with a stub consent manager (what OneTrust's wrapper does, in a few lines).
 */
async function consentManagedPage(consentModel: 'opt-in' | 'opt-out', initial: Record<string, boolean> | null): Promise<string> {
  return `
    <script>
      window.cmp = {
        preferences: ${JSON.stringify(initial)},
        listeners: [],
        decide(preferences) { this.preferences = preferences; this.listeners.forEach((listener) => listener(preferences)); },
      };
    </script>
    <script>${await consentToolsBundle()}</script>
    <script>${segmentSnippet({ load: false })}</script>
    <script>
      SegmentConsentTools.createWrapper({
        shouldLoadSegment: (ctx) => new Promise((resolve) => {
          let loaded = false;
          const load = () => {
            if (!loaded) resolve(ctx.load({ consentModel: '${consentModel}' }));
            loaded = true;
          };
          if (window.cmp.preferences) load(); else window.cmp.listeners.push(load);
        }),
        getCategories: () => window.cmp.preferences || {},
        registerOnConsentChanged: (onChange) => window.cmp.listeners.push(onChange),
      })(window.analytics);
      window.analytics.load('${WRITE_KEY}');
    </script>`;
}

const decide = (page: BrowserPage, preferences: Record<string, boolean>) =>
  page.evaluate((given) => (window as unknown as { cmp: { decide(p: Record<string, boolean>): void } }).cmp.decide(given), preferences);

/**
 * The visitor opts out in the consent manager: nothing sent after it arrives. The consent tools send the
 * change as a track call; once analytics.js delivered a later call, ours saw it too.
 */
async function optOutThenNothingArrives(page: BrowserPage, project: Project): Promise<void> {
  await decide(page, { Analytics: false });
  await track(page, 'after opting out');
  await capture(page, 'after opting out');
  await page.evaluate(() => window.SegmentSentry?.flush(3000));
  expect(arrived(project, 'after opting out')).toEqual([]);
}

test.describe("consent from Segment's consent tools (context.consent.categoryPreferences)", () => {
  everyEngine('opt-in: errors wait until the visitor opts in, and stop when they opt out', async ({ openPage, page, project }) => {
    await openPage({ settings: CONSENT, beforeBundle: await consentManagedPage('opt-in', null) });
    await page.evaluate(() => setTimeout(() => { throw new Error('before the visitor decided'); }));
    await settleWithNothingSent(page, project);

    // The consent change reaches analytics.js as a track call stamped with the preferences, and our plugin with it.
    await decide(page, { Analytics: true });
    await project.waitForError('before the visitor decided');
    await optOutThenNothingArrives(page, project);
  });

  everyEngine('opt-out: errors are sent while the visitor agrees, and stop when they opt out, though Segment\'s blocking middleware never sees our plugin', async ({
    openPage,
    page,
    project,
  }) => {
    await openPage({ settings: CONSENT, beforeBundle: await consentManagedPage('opt-out', { Analytics: true }) });
    await track(page, 'Viewed Page');
    await capture(page, 'while the visitor agrees');
    await project.waitForError('while the visitor agrees');
    await optOutThenNothingArrives(page, project);
  });
});

/** A workspace whose destinations are all mapped to consent categories, the Sentry entry to Analytics. */
function consentManagedWorkspace(segment: SegmentTraffic, hasUnmappedDestinations: boolean): void {
  segment.settings = {
    integrations: { Sentry: { consentSettings: { categories: ['Analytics'] } } },
    consentSettings: { allCategories: ['Analytics'], hasUnmappedDestinations },
  };
}

/** What the page holds for Sentry about the visitor: the breadcrumbs' messages and the user of the next event. */
const breadcrumbMessages = (event: { breadcrumbs?: Array<{ message?: string }> }) => (event.breadcrumbs ?? []).map((crumb) => crumb.message);

test.describe("a \"no\" from Segment's consent tools always reaches Sentry (consentSettings on the workspace)", () => {
  for (const consentModel of ['opt-in', 'opt-out'] as const) {
    for (const hasUnmappedDestinations of [false, true]) {
      for (const [what, bundle] of [['the full bundle', undefined], ['the loader', LOADER]] as const) test.describe(() => {
        // The consent model, hasUnmappedDestinations and which of our scripts only change branches of the consent
        // tools' JavaScript and ours: Chromium runs all eight cases; Firefox and WebKit two each, which between
        // them take each model, each value and each script once (false with the full bundle, true with the loader).
        if (hasUnmappedDestinations === !bundle) inChromiumOnly('hasUnmappedDestinations, each value once per engine');
        const crossing = caseOfACrossing(Number(consentModel === 'opt-out') + Number(hasUnmappedDestinations), 'the consent model');
        everyEngine(
          `${consentModel}, hasUnmappedDestinations ${hasUnmappedDestinations}, ${what}: sent with the user while granted; opting out of everything stops Sentry, empties the offline queue, and leaves no user or breadcrumb for after a new grant`,
          async ({ openPage, page, project, ingest, segment }) => {
            consentManagedWorkspace(segment, hasUnmappedDestinations);
            await openPage({ ...(bundle && { bundle }), settings: CONSENT, beforeBundle: await consentManagedPage(consentModel, { Analytics: true }) });
            // Console breadcrumbs are the full bundle's (the loader records none): it is in charge first.
            await page.evaluate(() => window.SegmentSentry?.forceLoad());
            await page.waitForFunction(() => !(window.SegmentSentry as unknown as { _loader?: unknown })._loader);
            await page.evaluate(() => console.log('a breadcrumb while granted'));
            const queuedAt = await sentWithUserThenOneQueuedOffline(page, project, ingest, 'user-granted');
            expect(breadcrumbMessages(await project.waitForError('while granted'))).toContain('a breadcrumb while granted');

            // Opting out of everything: in the opt-out model the consent tools' middleware drops this change, and
            // every call after it, before any plugin sees it.
            await decide(page, { Analytics: false });
            await emptiedBeforeTheQueuesRetry(page, queuedAt);
            await page.evaluate(() => console.log('a breadcrumb while denied'));
            await page.evaluate(() => window.analytics.identify('user-denied', { email: 'denied@example.com' }));
            // Still unreachable: had the gate let this through, its send would fail and the queue keep it for the
            // next page, or send it after the sentinel below.
            await capture(page, 'after opting out');
            await page.evaluate(() => window.SegmentSentry?.flush(3000));
            ingest.respondWith(project.id, undefined);

            // The sentinel: a new grant, then a message; nothing sent in between, nothing of the visitor carried over.
            await decide(page, { Analytics: true });
            await page.evaluate(() => window.SegmentSentry?.captureMessage('granted again'));
            const sentinel = await project.waitForError('granted again');
            await pastTheQueuesNextSend(page);
            expect(await queuedOffline(page)).toBe(0);
            expect(sentinel.user ?? {}).toEqual({});
            expect(breadcrumbMessages(sentinel)).not.toContain('a breadcrumb while denied');
            expect(breadcrumbMessages(sentinel)).not.toContain('a breadcrumb while granted');
            expect(arrived(project, 'after opting out')).toEqual([]);
            expect(arrived(project, 'queued offline')).toEqual([]);
          }, crossing);
      });
    }
  }

  everyEngine('the loader keeps stamped calls while the full bundle is on its way: their consent holds once it has arrived', async ({
    openPage,
    page,
    project,
    site,
    segment,
  }) => {
    consentManagedWorkspace(segment, false);
    await openPage({ bundle: await loaderWithSlowFullBundle(site, 1500), settings: CONSENT, beforeBundle: await consentManagedPage('opt-in', { Analytics: true }) });
    await identify(page, 'user-kept', { email: 'kept@example.com' });
    await capture(page, 'kept by the loader');
    expect(await page.evaluate(() => Boolean((window.SegmentSentry as unknown as { _loader?: unknown })._loader)), 'the loader is still in charge').toBe(true);
    expect((await project.waitForError('kept by the loader')).user?.id).toBe('user-kept');
  });

  everyEngine('a revocation where IndexedDB is null (Firefox with storage disabled): the user is cleared all the same', async ({ openPage, page, project }) => {
    await openPage({
      settings: CONSENT,
      beforeBundle: `<script>Object.defineProperty(window, 'indexedDB', { value: null, configurable: true });</script><script>${segmentSnippet()}</script>`,
      head: `<script>window.SegmentSentry.setConsent({ Analytics: true });</script>`,
    });
    await identify(page, 'user-1', { email: 'ada@example.com' });
    await page.evaluate(() => window.SegmentSentry?.captureMessage('granted, no storage'));
    expect((await project.waitForError('granted, no storage')).user?.id).toBe('user-1');
    await setConsent(page, { Analytics: false });
    await setConsent(page, { Analytics: true });
    await page.evaluate(() => window.SegmentSentry?.captureMessage('granted again, no storage'));
    expect((await project.waitForError('granted again, no storage')).user ?? {}).toEqual({});
  });

  everyEngine('revoked while a send is under way: when that send then fails, it is not stored for later', async ({ openPage, page, project, ingest }) => {
    await openPage({ settings: CONSENT, head: `<script>window.SegmentSentry.setConsent({ Analytics: true });</script>` });
    let underWay = false;
    ingest.respondWith(project.id, () => ((underWay = true), { unreachable: true, delayMs: 1000 }));
    await capture(page, 'under way at the revocation');
    await poll(() => underWay).toBe(true);
    await setConsent(page, { Analytics: false });
    // flush settles once the send has failed.
    await page.evaluate(() => window.SegmentSentry?.flush(5000));
    // The sentinel: a new grant sends, and the failed send never comes back: stored, it would go out 100 ms
    // after the sentinel went through (or reach the next page from the queue).
    ingest.respondWith(project.id, undefined);
    await setConsent(page, { Analytics: true });
    await page.evaluate(() => window.SegmentSentry?.captureMessage('granted after the failed send'));
    await project.waitForError('granted after the failed send');
    await pastTheQueuesNextSend(page);
    expect(await queuedOffline(page)).toBe(0);
    expect(arrived(project, 'under way at the revocation')).toEqual([]);
  });
});
