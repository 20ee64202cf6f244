// Our IndexedDB offline queue as a test sees it from the page.
import type { IngestServer } from '../../scripts/dev/ingest-server.mjs';
import type { BrowserPage } from './browser-page';
import { describeEvent, type Project } from './ingest-project';

/**
 * How many envelopes wait in our IndexedDB offline queue (0 when there is no queue). Looking creates nothing:
 * a missing database is not opened (every engine the tests run lists its databases), and a failure rejects.
 */
export const queuedOffline = (page: BrowserPage): Promise<number> =>
  page.evaluate(async () => {
    const name = 'segment-sentry-offline';
    if (!(await indexedDB.databases()).some((database) => database.name === name)) return 0;
    return new Promise<number>((resolve, reject) => {
      const open = indexedDB.open(name);
      open.onerror = () => reject(new Error(`could not open ${name}: ${open.error?.message}`));
      open.onsuccess = () => {
        const db = open.result;
        if (!db.objectStoreNames.contains('queue')) return (db.close(), resolve(0));
        const request = db.transaction('queue', 'readonly').objectStore('queue').count();
        request.onerror = () => (db.close(), reject(new Error(`could not count ${name}: ${request.error?.message}`)));
        request.onsuccess = () => (db.close(), resolve(request.result));
      };
    });
  });

/** Whether our offline queue's database exists at all (looking does not create it). */
export const offlineDatabaseExists = (page: BrowserPage): Promise<boolean> =>
  page.evaluate(async () => (await indexedDB.databases()).some((database) => database.name === 'segment-sentry-offline'));

/**
 * What becomes of a deletion of our offline queue's database asked from `page` (as another page of the site, or a
 * newer version of it, would): `deleted`, `blocked` (a connection stayed open), or `no answer` within 5 s (WebKit
 * sends no `blocked` for a connection held by a page in its page cache).
 */
export const deleteOfflineDatabase = (page: BrowserPage): Promise<'deleted' | 'blocked' | 'no answer'> =>
  page.evaluate(
    () =>
      new Promise((resolve) => {
        const deletion = indexedDB.deleteDatabase('segment-sentry-offline');
        deletion.onsuccess = () => resolve('deleted');
        deletion.onblocked = () => resolve('blocked');
        setTimeout(() => resolve('no answer'), 5000);
      }),
  );

/**
 * The ingest answers the first request of each event 503 (busy, Retry-After: 1 s) and the next ones 200: every
 * event then goes through our offline queue (its database opened), and arrives a second later.
 */
export function busyOnceForEachEvent(ingest: IngestServer, project: Project): void {
  const answered = new Map<string, number>();
  ingest.respondWith(project.id, ({ items }) => {
    const name = items.map((item) => (item.type === 'event' ? describeEvent(item.payload as never) : '')).join('');
    answered.set(name, (answered.get(name) ?? 0) + 1);
    return answered.get(name) === 1 ? { status: 503, headers: { 'Retry-After': '1' } } : { status: 200 };
  });
}
