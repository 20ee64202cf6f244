import { everyEngine, expect, test } from './support/fixtures';

// Each lane keeps one page per worker (e2e/support/clean-slate.ts): the second test must find nothing of the first.
test.describe.configure({ mode: 'serial' });

everyEngine('a test leaves cookies, storage and a database behind on both sites', async ({ page, pageUrl, otherSite }) => {
  for (const url of [pageUrl({ bundle: null }), otherSite.register('/pages/leftovers.html', '<!doctype html><title>leftovers</title>')]) {
    await page.goto(url);
    await page.evaluate(
      () =>
        new Promise<void>((resolve) => {
          document.cookie = 'left=over; path=/';
          localStorage.setItem('left', 'over');
          sessionStorage.setItem('left', 'over');
          const open = indexedDB.open('left-over');
          open.onupgradeneeded = () => open.result.createObjectStore('things');
          open.onsuccess = () => (open.result.close(), resolve());
        }),
    );
    // Left indeed, so that the next test's "none of it" means something.
    const left = await page.evaluate(async () => ({
      cookie: document.cookie,
      local: localStorage.length,
      session: sessionStorage.length,
      databases: (await indexedDB.databases()).map((database) => database.name),
    }));
    expect(left, url).toEqual({ cookie: 'left=over', local: 1, session: 1, databases: ['left-over'] });
  }
});

// Sentry's offline queue opens its database as the transport is made, so a test can end mid-open. In WebKit, a
// page suspended in the back-forward cache at that moment blocked the next clean slate for good (a teardown
// timeout, 1 or 2 runs in 8): the WebKit lane runs without that cache, as Playwright runs Chromium.
everyEngine('a test ends while its page is still creating a database', async ({ page, pageUrl }) => {
  await page.goto(
    pageUrl({
      bundle: null,
      body: `<script>
        const open = indexedDB.open('left-mid-upgrade', 1);
        open.onupgradeneeded = () => {
          const store = open.result.createObjectStore('things');
          let n = 0;
          const put = () => { if (n++ < 1e6) store.put(new Array(100).fill(n), n).onsuccess = put; };
          put();
          document.title = 'upgrading';
        };
      </script>`,
    }),
  );
  await page.waitForFunction(() => document.title === 'upgrading');
});

everyEngine('the next test starts with none of it', async ({ page, pageUrl, otherSite }) => {
  for (const url of [pageUrl({ bundle: null }), otherSite.register('/pages/clean.html', '<!doctype html><title>clean</title>')]) {
    await page.goto(url);
    const left = await page.evaluate(async () => ({
      cookie: document.cookie,
      local: localStorage.length,
      session: sessionStorage.length,
      databases: (await indexedDB.databases()).map((database) => database.name),
    }));
    expect(left, url).toEqual({ cookie: '', local: 0, session: 0, databases: [] });
  }
});

// Chromium and Firefox run behind a proxy that is not there for anything but 127.0.0.1: a request that would
// leave the machine is cut off there (no DNS lookup, no connection), and the page fixture fails its test.
test('a request off 127.0.0.1 is cut off at the missing proxy, before any name lookup', async ({ openPage, page, expectOffMachineRequests }) => {
  expectOffMachineRequests(/^http:\/\/off-machine\.invalid\//);
  await openPage({ bundle: null });
  const failed = new Promise<string | undefined>((resolve) => page.on('requestfailed', (request) => resolve(request.failure()?.errorText)));
  expect(await page.evaluate(() => fetch('http://off-machine.invalid/').then(() => 'answered', () => 'failed'))).toBe('failed');
  // Without the proxy the browser would have looked the name up (ERR_NAME_NOT_RESOLVED, NS_ERROR_UNKNOWN_HOST).
  expect(await failed).toMatch(/PROXY/);
});

test('a request off 127.0.0.1 that no test declared fails its test', async ({ openPage, page }) => {
  // Only the page fixture's check can fail this test: the request itself settles either way.
  test.fail(true, 'the page fixture fails this test for its off-machine request, as it should');
  await openPage({ bundle: null });
  await page.evaluate(() => fetch('http://off-machine.invalid/').then(() => 'answered', () => 'failed'));
});
