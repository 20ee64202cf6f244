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
  }
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
