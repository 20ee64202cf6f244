/**
 * What a test may leave behind in an origin's storage, cleared before the next test starts. Each lane keeps
 * one page per worker (a new page per test costs 0.2 s in Chromium and 0.4 s in Firefox and WebKit); this,
 * with the cookies, routes and listeners each lane resets, gives every test the fresh state a new browser
 * context would. Runs in the page, on a blank page of each origin the tests use (so nothing holds a database
 * open); rejects if a database cannot be deleted.
 */
export async function clearOriginStorage(): Promise<void> {
  // A deletion that never answers (another page holding the database without a 'blocked' event) fails here,
  // named, instead of as a teardown timeout.
  const DEADLINE_MS = 5000;
  localStorage.clear();
  sessionStorage.clear();
  // Our offline queue's database by name as well, listed or not: a page the test left may still have its creation
  // in flight (Firefox, 1 run in 10), and a deletion waits behind an open of the same name, so it cannot outlive this.
  const names = new Set(['segment-sentry-offline', ...(await indexedDB.databases()).map(({ name }) => name!)]);
  await Promise.all(
    [...names].map(
      (name) =>
        new Promise((resolve, reject) => {
          const deletion = indexedDB.deleteDatabase(name);
          const timer = setTimeout(() => reject(new Error(`the database ${name} was not deleted within ${DEADLINE_MS} ms`)), DEADLINE_MS);
          deletion.onsuccess = () => (clearTimeout(timer), resolve(undefined));
          deletion.onerror = deletion.onblocked = () => (clearTimeout(timer), reject(new Error(`could not delete the database ${name}`)));
        }),
    ),
  );
}

/** A blank page on `server`'s origin, to clear its storage from. */
export const blankPageOf = (server: { register(path: string, body: string): string }): string =>
  server.register('/blank.html', '<!doctype html><title>blank</title>');

/**
 * A page on `server`'s origin that clears its storage as it loads (clearOriginStorage, above) and says how it went
 * in its URL's fragment: the Playwright lanes wait for that instead of evaluating in the new page, whose first
 * evaluation Firefox answers only once the new document's realm is announced (0.1 s a test).
 */
export const clearingPageOf = (server: { register(path: string, body: string): string }): string =>
  server.register(
    '/clear-storage.html',
    `<!doctype html><title>clearing</title><script>(${clearOriginStorage.toString()})().then(` +
      `() => { location.hash = 'cleared'; }, (error) => { location.hash = 'failed:' + encodeURIComponent(String(error && error.message)); });</script>`,
  );

/** The fragment clearingPageOf's page ends with. */
export const CLEARED = /#(cleared|failed:.*)$/;
