import {
  envelopeContainsItemType,
  parseEnvelope,
  serializeEnvelope,
  updateRateLimits,
  type Envelope,
  type RateLimits,
  type Transport,
  type TransportMakeRequestResponse,
} from '@sentry/core';

/** Our own database, so a page's own Sentry (whose queue is `sentry-offline`) never shares it. */
const OFFLINE_DB_NAME = 'segment-sentry-offline';
const STORE = 'queue';
/** When the queue is full, newer envelopes are dropped. */
const MAX_QUEUED = 30;
/** After a failed send, the next try; doubled after each failure, up to an hour. */
const FIRST_RETRY_MS = 5_000;
const LAST_RETRY_MS = 3_600_000;
/** After a send that went through, the next queued envelope follows this soon. */
const NEXT_MS = 100;

type Settle = { onsuccess?: unknown; oncomplete?: unknown; onerror?: unknown; onabort?: unknown; result?: unknown; error?: unknown };

/** An IndexedDB request or transaction as a promise. */
function settled<T>(request: IDBRequest<T> | IDBTransaction): Promise<T> {
  const pending = request as Settle;
  return new Promise((resolve, reject) => {
    pending.onsuccess = pending.oncomplete = () => resolve(pending.result as T);
    pending.onerror = pending.onabort = () => reject(pending.error);
  });
}

/**
 * The envelopes waiting, serialized, in one object store under numeric keys, lowest first. The database
 * is opened on first use. A failure (storage disabled, quota) loses that envelope, never throws.
 *
 * A look (`take`) that finds the store empty is not repeated until something may have been stored since: by this
 * page (`add`), or by another tab of the site, which says so on a BroadcastChannel after storing. That is safe
 * because a skipped look only delays, never loses: the envelope stays in IndexedDB, the tab that stored it
 * retries it, and every page load looks once. No signal is missed in between: transactions on the store run one
 * at a time, an empty look is settled inside its own transaction, and the signal is sent after the storing one
 * commits, so it always comes after the empty look it answers. Where BroadcastChannel is missing (Safari before
 * 15.4), every look is made, as before.
 */
function indexedDbQueue() {
  let database: Promise<IDBDatabase> | undefined;
  let mayHoldSome = true;
  let channel: BroadcastChannel | undefined;
  try {
    channel = new BroadcastChannel(OFFLINE_DB_NAME);
    channel.onmessage = () => (mayHoldSome = true);
  } catch {}
  // A connection left open blocks every other page of the site that deletes or upgrades the database (and a page
  // in the back/forward cache cannot answer their versionchange): it is closed when one asks and when this page goes
  // into that cache (pagehide, persisted), and opened again on the next use; so is one the browser closed itself.
  // (A page unloaded for good keeps it to its end: a send that fails as it goes still stores its envelope.) A page
  // back from the back/forward cache looks in the queue again after its next send that goes through (another
  // tab's signal may have come while it was frozen).
  const close = () => {
    database?.then((db) => db.close(), () => undefined);
    database = undefined;
    mayHoldSome = true;
  };
  addEventListener('pagehide', (event) => event.persisted && close());
  const inStore = <T>(use: (store: IDBObjectStore) => Promise<T>): Promise<T | undefined> => {
    // Inside the promise: where storage is disabled, indexedDB is null (Firefox) or open() throws.
    database ??= new Promise((resolve, reject) => {
      const open = indexedDB.open(OFFLINE_DB_NAME);
      open.onupgradeneeded = () => open.result.createObjectStore(STORE);
      settled(open).then((db) => {
        db.onversionchange = db.onclose = close;
        resolve(db);
      }, reject);
    });
    return database.then((db) => use(db.transaction(STORE, 'readwrite').objectStore(STORE))).catch(() => undefined);
  };
  return {
    /** At the end, or at the front (a retry that failed again keeps its place). */
    add: (envelope: Envelope, atFront: boolean) =>
      inStore(async (store) => {
        const keys = (await settled(store.getAllKeys())) as number[];
        if (keys.length >= MAX_QUEUED) return;
        store.put(serializeEnvelope(envelope), atFront ? Math.min(0, ...keys) - 1 : Math.max(0, ...keys) + 1);
        await settled(store.transaction);
        mayHoldSome = true;
        channel?.postMessage(0);
      }),
    /** The first envelope, taken out (none, without a look, when nothing may have been stored since the last). */
    take: () =>
      mayHoldSome &&
      inStore(async (store) => {
        const cursor = await settled(store.openCursor());
        if (!cursor) return void (mayHoldSome = !channel);
        const value = cursor.value as string | Uint8Array;
        cursor.delete();
        await settled(store.transaction);
        return parseEnvelope(value);
      }),
  };
}

/**
 * Empties the queue if its database exists, and never creates it: a visitor who said no to consent gets
 * nothing written (consent-transport.ts). Where the engine lists its databases, a missing one is not opened
 * at all (WebKit keeps an empty database behind even when its creation is aborted); older Firefox has no
 * list, and aborting the creation works there. Throws where storage is disabled (indexedDB null).
 */
export function emptyOfflineQueue(): void {
  const clear = () => {
    const open = indexedDB.open(OFFLINE_DB_NAME);
    // The database did not exist after all: abort its creation.
    open.onupgradeneeded = () => open.transaction?.abort();
    open.onsuccess = () => {
      const db = open.result;
      if (db.objectStoreNames.contains(STORE)) db.transaction(STORE, 'readwrite').objectStore(STORE).clear();
      db.close();
    };
    open.onerror = (event) => event.preventDefault();
  };
  const listed = indexedDB.databases?.();
  if (!listed) return clear();
  listed.then((databases) => databases.some((database) => database.name === OFFLINE_DB_NAME) && clear(), () => undefined);
}

/**
 * Events that cannot be sent (offline, the ingest unreachable or busy) wait in IndexedDB and go out later: when
 * the browser is back online, after a send that went through, on a back-off from 5 s to an hour, and on a later
 * page load (5 s after the transport is made). An envelope leaves the queue only when an ingest took it or refused
 * it for good; a pause only delays it:
 * - a 503 ("busy, come back later": our tunnel at its maxInFlight, or an ingest under load) keeps the envelope,
 *   and every envelope made during its Retry-After, and sends them when it is over (Sentry's transport drops them);
 * - a rate limit (429, X-Sentry-Rate-Limits) holds back what is queued until it ends; what the page makes during
 *   it is dropped on the page, counted in the client report, as Sentry does (the ingest said it will not take it).
 * Another 4xx/5xx is an answer for good. Client reports are not stored.
 * `mayStore`: false while consent is not given (a send under way when consent goes must not be kept).
 * What Sentry's offline transport does, without what this bundle never sends (replays) or sets (shouldSend).
 */
export function makeOfflineTransport<O>(
  make: (options: O) => Transport,
  mayStore: () => boolean = () => true,
  /** Told of each envelope the ingest took (2xx): below the consent gate, the SDK's limits and this queue's retries. */
  onSent?: (envelope: Envelope) => void,
): (options: O) => Transport {
  return (options) => {
    const inner = make(options);
    const queue = indexedDbQueue();
    // The limits the ingest's answers set, as the inner transport keeps them: nothing queued is taken out while
    // one holds, or the inner transport would drop it as if it were sent.
    let limits: RateLimits = {};
    const limitedUntil = () => Math.max(0, ...Object.values(limits));
    // The end of a 503's Retry-After: until then, what is made waits in the queue too.
    let busyUntil = 0;
    let retryDelay = FIRST_RETRY_MS;
    let timer: ReturnType<typeof setTimeout> | undefined;

    const sendNextIn = (delay: number) => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        timer = undefined;
        const envelope = await queue.take();
        if (envelope) {
          envelope[0].sent_at = new Date().toISOString();
          send(envelope, true).catch(() => undefined);
        }
      }, delay);
    };
    const retryLater = (atLeast: number) => {
      if (timer) return;
      sendNextIn(Math.max(retryDelay, atLeast));
      retryDelay = Math.min(retryDelay * 2, LAST_RETRY_MS);
    };
    /** Stored for later (a retry keeps its place at the front); sent once `until` has passed. */
    const keepUntil = async (envelope: Envelope, isRetry: boolean, until: number): Promise<TransportMakeRequestResponse> => {
      if (envelopeContainsItemType(envelope, ['client_report']) || !mayStore()) return {};
      await queue.add(envelope, isRetry);
      const wait = until - Date.now();
      wait > 0 ? sendNextIn(wait) : retryLater(0);
      return {};
    };

    async function send(envelope: Envelope, isRetry = false): Promise<TransportMakeRequestResponse> {
      const holdUntil = Math.max(busyUntil, isRetry ? limitedUntil() : 0);
      if (holdUntil > Date.now()) return keepUntil(envelope, isRetry, holdUntil);
      let result: TransportMakeRequestResponse;
      try {
        result = await inner.send(envelope);
      } catch {
        // (What may not be kept ends here, answered as sent: nobody needs to hear of it again.)
        return keepUntil(envelope, isRetry, 0);
      }
      // No status: the inner transport did not send it (a limit it knows of, or its buffer full). A queued
      // envelope is kept for when the limit is over; one made now is dropped, as Sentry does.
      if (result.statusCode === undefined) return isRetry ? keepUntil(envelope, true, limitedUntil()) : result;
      limits = updateRateLimits(limits, result);
      if (result.statusCode < 300) onSent?.(envelope);
      if (result.statusCode === 503) {
        busyUntil = limits.all || 0;
        return keepUntil(envelope, isRetry, busyUntil);
      }
      if (result.statusCode >= 400 && limitedUntil() <= Date.now()) return result;
      // Taken (or refused for good): the next queued envelope follows, once any limit the answer set is over.
      sendNextIn(Math.max(NEXT_MS, limitedUntil() - Date.now()));
      retryDelay = FIRST_RETRY_MS;
      return result;
    }
    const flush = (timeout?: number) => {
      if (timeout === undefined) {
        retryDelay = FIRST_RETRY_MS;
        sendNextIn(NEXT_MS);
      }
      return inner.flush(timeout);
    };

    retryLater(0); // what earlier pages left
    addEventListener('online', () => void flush());
    return { send: (envelope) => send(envelope), flush };
  };
}
