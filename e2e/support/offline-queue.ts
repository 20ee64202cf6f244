// Our IndexedDB offline queue as a test sees it from the page.
import type { BrowserPage } from './browser-page';

/** How many envelopes wait in our IndexedDB offline queue (0 when there is no queue). */
export const queuedOffline = (page: BrowserPage): Promise<number> =>
  page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const open = indexedDB.open('segment-sentry-offline');
        open.onupgradeneeded = () => open.result.createObjectStore('queue');
        open.onsuccess = () => {
          const request = open.result.transaction('queue', 'readonly').objectStore('queue').count();
          request.onsuccess = () => {
            resolve(request.result);
            open.result.close();
          };
        };
      }),
  );

/** Whether our offline queue's database exists at all (looking does not create it). */
export const offlineDatabaseExists = (page: BrowserPage): Promise<boolean> =>
  page.evaluate(async () => (await indexedDB.databases()).some((database) => database.name === 'segment-sentry-offline'));
