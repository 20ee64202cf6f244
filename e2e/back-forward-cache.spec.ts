// The back-forward cache, in a file of its own: the lanes run without it (docs/development.md), and turning it
// on (a browser launched otherwise, a WebKit session of its own) forces a worker of its own, which Playwright
// allows for a whole file only. Beside the offline queue's tests in network.spec.ts: it is about its channel.
import type { LaunchOptions, WorkerInfo } from '@playwright/test';
import { busyOnceForEachEvent, capture, deleteOfflineDatabase, expect, pastTheQueuesNextSend, poll, test, webkitTest, type BrowserPage, type ScenarioArgs } from './support/fixtures';
import type { WebDriverPage } from './support/webdriver-page';

// Chromium without Playwright's --disable-back-forward-cache; Firefox keeps its own settings (it has the cache on).
test.use({
  launchOptions: [
    async ({}, use: (options: LaunchOptions) => Promise<void>, workerInfo: WorkerInfo) =>
      use({ ...workerInfo.project.use.launchOptions, ignoreDefaultArgs: ['--disable-back-forward-cache'] }),
    { scope: 'worker' },
  ] as never,
});
// MiniBrowser with its page cache.
webkitTest.use({ webkitPageCache: true });

/**
 * The back-forward cache: a page with our bundle started (its offline queue's BroadcastChannel open, an event sent)
 * is restored from it when the visitor goes to another page of the site and comes Back, as the same page without
 * it is (a page not restored pays a full reload on Back). Each pageshow is told to the site as a request, as
 * `loaded` or `restored` (event.persisted): a page restored from the cache is out of Playwright's sight in Firefox
 * over BiDi, and the server sees it in every engine. The pages are served cacheable: Firefox keeps no page
 * served with no-store (our servers' default). The lanes run without that cache (docs/development.md), so these
 * tests turn it on: Chromium launched without Playwright's --disable-back-forward-cache (a worker of its own), a
 * second page in Chromium and Firefox for the journey, and Back from the page's own history.back() (in Firefox,
 * Playwright's goBack never sees the restore commit, and the page restored is lost to it: measured), and
 * in WebKit a MiniBrowser with its page cache.
 */
const CACHEABLE = { 'Cache-Control': 'max-age=0' };
let journeys = 0;

async function backForwardJourney(
  visitor: { goto(url: string): Promise<unknown>; goBack(): Promise<unknown> },
  { site, pageUrl, project, ingest, page }: Pick<ScenarioArgs, 'site' | 'pageUrl' | 'project' | 'ingest'> & { page: BrowserPage },
  withBundle: boolean,
): Promise<string[]> {
  const id = ++journeys;
  const shows = () => site.paths.filter((path) => path.startsWith(`/pageshow/${id}/`)).map((path) => decodeURIComponent(path.slice(`/pageshow/${id}/`.length)));
  // A load in Chromium says why the cache did not restore it (notRestoredReasons), where there was a page to restore.
  const tellShows = `<script>addEventListener('pageshow', (event) => {
    const why = performance.getEntriesByType('navigation')[0]?.notRestoredReasons?.reasons?.map((reason) => reason.reason).join(',');
    fetch('/pageshow/${id}/' + (event.persisted ? 'restored' : 'loaded') + (why ? ': ' + why : ''), { keepalive: true });
  });</script>`;
  const first = pageUrl({ headers: CACHEABLE, beforeBundle: tellShows, ...(withBundle ? {} : { bundle: null }) });
  await visitor.goto(first);
  await poll(shows).toEqual(['loaded']);
  if (withBundle) {
    // Started, with its transport and the queue's channel made, and the queue's database open: the event went
    // through the queue (as the one after coming back will) and arrived.
    busyOnceForEachEvent(ingest, project);
    await capture(page, `sent before leaving ${id}`);
    await project.waitForError(`sent before leaving ${id}`, 20_000);
    // Past the queue's next look (100 ms after that send): left while it is in IndexedDB, Chromium keeps the page
    // out of its cache now and then (notRestoredReasons: masked).
    await pastTheQueuesNextSend(page);
  }
  await visitor.goto(pageUrl({ headers: CACHEABLE, bundle: null }));
  // Another page of the site deletes (or upgrades) the queue's database while ours is in the cache: a connection
  // it kept open would block that (WebKit: no answer at all), or get it evicted from the cache (Chromium, Firefox).
  if (withBundle) expect(await deleteOfflineDatabase(page)).toBe('deleted');
  await visitor.goBack();
  await poll(() => shows().length).toBe(2);
  if (withBundle) {
    // The site may hear the restored page's pageshow before the driver has switched to that page: in Firefox over
    // BiDi, a script sent right away went to the page left, once, and failed ("Execution context was destroyed").
    // So the next script waits until one reads the restored page's address there.
    await poll(() => page.evaluate(() => location.href).catch(() => 'not yet'), { timeout: 10_000 }).toBe(first);
    // Restored, its queue goes on (its database opened again): this event goes through it too.
    await capture(page, `sent after coming back ${id}`);
    await project.waitForError(`sent after coming back ${id}`, 20_000);
  }
  return shows();
}

test.describe('the back-forward cache', () => {
  for (const withBundle of [false, true]) {
    test(`a page ${withBundle ? 'with our bundle started' : 'without our bundle (the control)'} is restored from it on Back`, async ({ context, site, pageUrl, project, ingest }) => {
      const visitor = await context.newPage();
      try {
        expect(await backForwardJourney({ goto: (url) => visitor.goto(url), goBack: () => visitor.evaluate(() => history.back()) }, { site, pageUrl, project, ingest, page: visitor }, withBundle)).toEqual(['loaded', 'restored']);
      } finally {
        await visitor.close();
      }
    });
  }
});

webkitTest.describe("the back-forward cache (WebKit's page cache)", () => {
  for (const withBundle of [false, true]) {
    webkitTest(`a page ${withBundle ? 'with our bundle started' : 'without our bundle (the control)'} is restored from it on Back @webkit`, async ({ page, site, pageUrl, project, ingest }) => {
      const visitor = page as unknown as WebDriverPage;
      expect(await backForwardJourney(visitor, { site, pageUrl, project, ingest, page: visitor }, withBundle)).toEqual(['loaded', 'restored']);
    });
  }
});

