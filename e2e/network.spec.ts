import type { Page } from '@playwright/test';
import { busyOnceForEachEvent, capture, deleteOfflineDatabase, describeEvent, everyEngine, expect, inChromiumOnly, pastTheQueuesNextSend, poll, queuedOffline, test, type BrowserPage } from './support/fixtures';
import { sendClientReports } from './support/client-reports';
import { closedPort } from '../scripts/dev/closed-port.mjs';

// The errors this file's pages throw on purpose; any other page error fails a test (e2e/support/fixtures.ts).
test.use({ expectedPageErrors: [/thrown as the page leaves/] });

/** Requests this page makes to the ingest, as the browser sees them. */
function watchIngestRequests(page: Page, origin: string): { started: string[]; finished: string[] } {
  const seen = { started: [] as string[], finished: [] as string[] };
  page.on('request', (request) => void (request.url().startsWith(origin) && seen.started.push(request.url())));
  page.on('requestfinished', (request) => void (request.url().startsWith(origin) && seen.finished.push(request.url())));
  return seen;
}


/** The page still runs script and paints frames. */
async function expectResponsive(page: BrowserPage): Promise<void> {
  expect(await page.evaluate(() => new Promise<string>((resolve) => requestAnimationFrame(() => setTimeout(() => resolve('alive'))))) ).toBe('alive');
}


test.describe('the ingest misbehaving', () => {
  everyEngine('refusing connections: no page error, the page stays responsive, and the events wait in the offline queue', async ({ openPage, page, pageErrors, consoleLog }) => {
    await openPage({ settings: { config: `http://public@127.0.0.1:${await closedPort()}/1` } });
    for (let i = 0; i < 5; i++) await capture(page, `refused ${i}`);
    expect(await page.evaluate(() => window.SegmentSentry?.flush(5000))).toBe(true);
    await poll(() => queuedOffline(page)).toBe(5);
    await expectResponsive(page);
    expect(pageErrors).toEqual([]);
    expect(consoleLog.ours()).toEqual([]);
  });

  test('answering 500: no page error, and the event is neither retried nor queued', async ({ openPage, page, ingest, project, pageErrors }) => {
    const requests = watchIngestRequests(page, ingest.origin);
    // Only the first request gets a 500: a retry of that event would then arrive.
    let answered = 0;
    ingest.respondWith(project.id, () => (answered++ === 0 ? { status: 500 } : { status: 200 }));
    await openPage(); // no release set, so Sentry sends no session envelope among these requests
    await capture(page, 'answered with 500');
    expect(await page.evaluate(() => window.SegmentSentry?.flush(5000))).toBe(true);
    await expectResponsive(page);
    expect(await queuedOffline(page)).toBe(0);
    // A later success drains the offline queue: had the event been queued, it would come 100 ms after the
    // sentinel went through (settle waits past that).
    await project.settle(page);
    expect(project.events().filter((event) => event.exception?.values?.[0]?.value === 'answered with 500')).toEqual([]);
    expect(requests.started.filter((url) => url.includes(`/api/${project.id}/`))).toHaveLength(2); // the 500 and the sentinel
    expect(pageErrors).toEqual([]);
  });

  everyEngine('answering 503 (busy, come back later): the event is kept and sent again, not dropped', async ({ openPage, page, ingest, project, pageErrors }) => {
    // Only the first request gets the 503, with the Retry-After our tunnel sends when it is busy.
    let answered = 0;
    ingest.respondWith(project.id, () => (answered++ === 0 ? { status: 503, headers: { 'Retry-After': '1' } } : { status: 200 }));
    await openPage(); // no release set, so the first request is the event's
    await capture(page, 'answered with 503');
    await project.waitForError('answered with 503', 20_000);
    expect(answered).toBeGreaterThanOrEqual(2);
    expect(pageErrors).toEqual([]);
  });

  everyEngine('answering 503 with a Retry-After longer than the queue\'s first retry (5 s): the event, and one made during the pause, arrive after it', async ({
    openPage,
    page,
    ingest,
    project,
  }) => {
    // Sentry's transport takes the same Retry-After as a rate limit: a queued envelope taken out before it ends,
    // or one made during it, would be answered as sent and dropped.
    const answers: number[] = [];
    ingest.respondWith(project.id, () => {
      answers.push(Date.now());
      return answers.length === 1 ? { status: 503, headers: { 'Retry-After': '6' } } : { status: 200 };
    });
    await openPage(); // no release set, so the first request is the event's
    await capture(page, 'answered with 503, Retry-After: 6');
    // The page has had the 503 (the ingest counting the request is not enough: the answer may still be on its way).
    await page.evaluate(() => window.SegmentSentry?.flush(5000));
    expect(answers).toHaveLength(1);
    await capture(page, 'made during the pause');
    await project.waitForError('answered with 503, Retry-After: 6', 20_000);
    await project.waitForError('made during the pause', 20_000);
    expect(answers[1]! - answers[0]!, 'the second request waited for the Retry-After').toBeGreaterThanOrEqual(5_900);
  });

  test('answering after 2.5 s: the page stays responsive meanwhile and the event arrives', async ({ openPage, page, ingest, project, pageErrors }) => {
    const requests = watchIngestRequests(page, ingest.origin);
    ingest.respondWith(project.id, () => ({ status: 200, delayMs: 2_500 }));
    await openPage();
    await capture(page, 'slow ingest');
    await poll(() => requests.started.length).toBeGreaterThanOrEqual(1);
    await expectResponsive(page);
    expect(requests.finished).toEqual([]); // still waiting for the ingest
    await project.waitForError('slow ingest', 20_000);
    expect(pageErrors).toEqual([]);
  });
});

test.describe('rate limits', () => {
  // Each can fail: a 429 whose headers the page cannot read gets the SDK's default 60 s backoff anyway, so the
  // limits are proven by what only the headers say (a category, or a short Retry-After).
  test('a 200 with X-Sentry-Rate-Limits for errors: errors are dropped on the page, counted in the client report (another category)', async ({
    openPage,
    page,
    ingest,
    project,
  }) => {
    let answered = 0;
    ingest.respondWith(project.id, () => (answered++ === 0 ? { status: 200, headers: { 'X-Sentry-Rate-Limits': '60:error:organization' } } : { status: 200 }));
    await openPage();
    await capture(page, 'answered with a rate limit');
    await project.waitForError('answered with a rate limit');
    expect(await page.evaluate(() => window.SegmentSentry?.flush(5000))).toBe(true);
    for (let i = 0; i < 3; i++) await capture(page, `during the limit ${i}`);
    await sendClientReports(page);
    const report = await project.waitForItem('client_report', () => true, 'client report');
    expect(report.payload.discarded_events).toContainEqual({ reason: 'ratelimit_backoff', category: 'error', quantity: 3 });
    expect(project.events().map((event) => event.exception?.values?.[0]?.value)).toEqual(['answered with a rate limit']);
  });

  test('a 429 with Retry-After: 1: nothing is sent during that second, and sending resumes after it', async ({ openPage, page, ingest, project }) => {
    let answered = 0;
    ingest.respondWith(project.id, () => (answered++ === 0 ? { status: 429, headers: { 'Retry-After': '1' } } : { status: 200 }));
    await openPage();
    await capture(page, 'the first, rate limited');
    expect(await page.evaluate(() => window.SegmentSentry?.flush(5000))).toBe(true);
    await capture(page, 'during the backoff');
    // Resumed: a capture, repeated until one arrives (the SDK's default 60 s would hold every one back).
    let attempt = 0;
    await expect
      .poll(async () => {
        await capture(page, `after the backoff ${attempt++}`);
        await page.evaluate(() => window.SegmentSentry?.flush(2000));
        return project.events().some((event) => event.exception?.values?.[0]?.value?.startsWith('after the backoff'));
      }, { timeout: 10_000, intervals: [250] })
      .toBe(true);
    expect(project.events().filter((event) => event.exception?.values?.[0]?.value === 'during the backoff')).toEqual([]);
  });
});

test.describe('offline', () => {
  test('events captured offline are delivered when the browser is back online, and the queue is bounded', async ({
    openPage,
    page,
    context,
    project,
  }) => {
    await openPage();
    await context.setOffline(true);
    const captured = 40;
    // The first capture makes the transport at the latest, and with it the queue's first retry, due 5 s later.
    const firstCapture = Date.now();
    for (let i = 0; i < captured; i++) await capture(page, `offline ${i}`);
    await page.evaluate(() => window.SegmentSentry?.flush(5000));
    await poll(() => queuedOffline(page)).toBe(30);
    // Still offline past that retry (it fails, and the next comes 10 s after it): only the browser's "online"
    // can bring the queue out within the next seconds.
    await page.evaluate((wait) => new Promise((resolve) => setTimeout(resolve, wait)), Math.max(0, firstCapture + 5_500 - Date.now()));
    await poll(() => queuedOffline(page)).toBe(30);
    await context.setOffline(false);
    await poll(() => project.events().length, { timeout: 4_000 }).toBeGreaterThan(0);
    await poll(() => project.events().length, { timeout: 20_000 }).toBe(30);
    await poll(() => queuedOffline(page)).toBe(0);
    // The first 30 were kept, the newer ones dropped; sent oldest first.
    expect(project.events().map((event) => event.exception?.values?.[0]?.value)).toEqual(Array.from({ length: 30 }, (_, i) => `offline ${i}`));
    await page.evaluate(() => window.SegmentSentry?.flush(5000));
    test.info().annotations.push({ type: 'offline', description: `captured ${captured}, delivered ${project.events().length} (queue bound 30)` });
    expect(project.events()).toHaveLength(30);
  });

  everyEngine('events that could not be sent are delivered on the next page load', async ({ openPage, page, ingest, project }) => {
    await openPage();
    // The ingest cuts every connection, as an unreachable network does (the page's fetch fails).
    ingest.respondWith(project.id, () => ({ unreachable: true }));
    for (let i = 0; i < 3; i++) await capture(page, `before reload ${i}`);
    await page.evaluate(() => window.SegmentSentry?.flush(5000));
    await poll(() => queuedOffline(page)).toBe(3);
    ingest.respondWith(project.id, undefined);
    await page.reload();
    await poll(() => project.events().length, { timeout: 30_000 }).toBe(3);
    await poll(() => queuedOffline(page)).toBe(0);
    // Each once. Not necessarily in order: the first page's own retry (due 5 s after its first failed send) may take
    // the oldest and still be sending it as the new page starts on the next (a busy machine's Firefox, once in a
    // fresh-clone run); a page sends its queue oldest first, as the test above shows within one page.
    expect(project.events().map((event) => event.exception?.values?.[0]?.value).sort()).toEqual(['before reload 0', 'before reload 1', 'before reload 2']);
    test.info().annotations.push({ type: 'offline-reload', description: `captured 3, delivered ${project.events().length} after a reload` });
  });
});

/**
 * What our offline queue does with IndexedDB, counted by wrappers the page installs before our script runs: opens
 * of its database, and transactions on it (each look at the queue is one, as is each envelope stored).
 */
const COUNT_QUEUE_IDB = `<script>
  window.__queueIdb = { opens: 0, transactions: 0 };
  const open = IDBFactory.prototype.open;
  IDBFactory.prototype.open = function (name, ...rest) {
    if (name === 'segment-sentry-offline') window.__queueIdb.opens++;
    return open.call(this, name, ...rest);
  };
  const transaction = IDBDatabase.prototype.transaction;
  IDBDatabase.prototype.transaction = function (...args) {
    if (this.name === 'segment-sentry-offline') window.__queueIdb.transactions++;
    return transaction.apply(this, args);
  };
</script>`;
const queueIdb = (page: BrowserPage) => page.evaluate(() => (window as unknown as { __queueIdb: { opens: number; transactions: number } }).__queueIdb);

test.describe('the offline queue after a send that went through', () => {
  test.describe(() => {
    inChromiumOnly('which branch of the queue runs after a send; the other tab\'s envelope below is checked in every engine');
    test('with nothing queued, it is looked at once, not again after each send', async ({ openPage, page, project }) => {
      await openPage({ beforeBundle: COUNT_QUEUE_IDB });
      await capture(page, 'first send');
      await project.waitForError('first send');
      // 100 ms after the first send that went through, one look (what earlier pages left): it finds nothing.
      await poll(() => queueIdb(page)).toEqual({ opens: 1, transactions: 1 });
      for (let i = 0; i < 3; i++) {
        await capture(page, `later send ${i}`);
        await project.waitForError(`later send ${i}`);
        await pastTheQueuesNextSend(page);
      }
      expect(await queueIdb(page)).toEqual({ opens: 1, transactions: 1 });
      // The counter's sentinel: told that another tab stored an envelope, the next send is followed by a look again.
      await page.evaluate(() => new BroadcastChannel('segment-sentry-offline').postMessage(0));
      await capture(page, 'send after the signal');
      await project.waitForError('send after the signal');
      await poll(() => queueIdb(page)).toEqual({ opens: 1, transactions: 2 });
    });
  });

  everyEngine('an envelope another tab of the site queued is still sent, after this tab found the queue empty', async ({ openPage, page, pageUrl, ingest, project }) => {
    await openPage();
    await capture(page, 'first send');
    await project.waitForError('first send');
    await pastTheQueuesNextSend(page); // this tab has looked, and found the queue empty
    // The other tab: a frame of the same site (the same IndexedDB, the same BroadcastChannel) with its own copy of
    // the bundle, whose send the ingest cuts off as an unreachable network does.
    ingest.respondWith(project.id, ({ items }) =>
      items.some((item) => item.type === 'event' && describeEvent(item.payload as never).includes('queued by the other tab')) ? { unreachable: true } : { status: 200 },
    );
    await page.evaluate(
      (url) =>
        new Promise((resolve) => {
          const frame = Object.assign(document.createElement('iframe'), { id: 'other-tab', src: url, onload: resolve });
          document.body.append(frame);
        }),
      pageUrl(),
    );
    await page.evaluate(() => {
      const other = (document.getElementById('other-tab') as HTMLIFrameElement).contentWindow as Window & typeof globalThis;
      other.SegmentSentry?.captureException(new other.Error('queued by the other tab'));
      return other.SegmentSentry?.flush(5000);
    });
    await poll(() => queuedOffline(page)).toBe(1);
    // The other tab goes away before its own retry: only this one is left to send what it queued.
    await page.evaluate(() => document.getElementById('other-tab')?.remove());
    ingest.respondWith(project.id, undefined);
    await capture(page, 'this tab sends again');
    await project.waitForError('this tab sends again');
    await project.waitForError('queued by the other tab');
    await poll(() => queuedOffline(page)).toBe(0);
  });
});

// The queue's connection to its database: one left open blocks every other page of the site that deletes or
// upgrades it (a versionchange reaches every connection, this page's own included). The page hidden, in the
// back/forward cache, is e2e/back-forward-cache.spec.ts.
everyEngine("the offline queue's database, open, does not block its deletion, and the queue goes on after it", async ({ openPage, page, ingest, project }) => {
  busyOnceForEachEvent(ingest, project); // each capture goes through the queue, its database opened
  await openPage(); // no release set, so Sentry sends no session envelope
  await capture(page, 'kept before the deletion');
  await project.waitForError('kept before the deletion', 20_000);
  expect(await deleteOfflineDatabase(page)).toBe('deleted');
  await capture(page, 'kept after the deletion');
  await project.waitForError('kept after the deletion', 20_000);
});

// Sending as the page goes is up to the engine (fetch with keepalive): one of the differences worth every engine.
everyEngine('errors thrown right before the page navigates away are still delivered', async ({ openPage, pageUrl, page, project }) => {
  await openPage();
  const next = pageUrl({ bundle: null });
  await page.evaluate((url) => {
    for (let i = 0; i < 5; i++) window.SegmentSentry?.captureException(new Error(`before leaving ${i}`));
    setTimeout(() => { throw new Error('thrown as the page leaves'); });
    setTimeout(() => { location.href = url; });
  }, next);
  await page.waitForURL(next);
  for (let i = 0; i < 5; i++) await project.waitForError(`before leaving ${i}`);
  await project.waitForError('thrown as the page leaves');
  test.info().annotations.push({ type: 'unload', description: `captured 6, delivered ${project.events().length}` });
});
