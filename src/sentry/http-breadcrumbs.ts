import { addBreadcrumb, fill, filterCollectedUrl, type Breadcrumb } from '@sentry/core';
import { attempt } from './guard';

type Request = { method: string; url: string };

/** A request to a Sentry ingest (another Sentry's, sending with the page's fetch) is not a page request. */
const isSentryRequest = ({ method, url }: Request) => method === 'POST' && url.includes('sentry_key');

/** As Sentry's: a 4xx answer is a warning, a 5xx an error. */
const levelOf = (status: number): Breadcrumb['level'] => (status >= 500 ? 'error' : status >= 400 ? 'warning' : undefined);

function addRequestBreadcrumb(category: 'fetch' | 'xhr', request: Request, status: number | undefined, hint: object): void {
  if (isSentryRequest(request)) return;
  // Sensitive query values (token=, key=, session=, …) become [Filtered], as in Sentry's.
  const data = { method: request.method, url: filterCollectedUrl(request.url), status_code: status };
  addBreadcrumb(
    { category, type: 'http', data, level: status === undefined ? 'error' : levelOf(status) },
    hint,
  );
}

/** fetch(input, init) as Sentry describes it: the method from init, else from a Request, else GET. */
function describeFetch(input: unknown, init: unknown): Request {
  const method = (init as RequestInit | undefined)?.method || (input as globalThis.Request | undefined)?.method || 'GET';
  const url = typeof input === 'string' ? input : (input as globalThis.Request | undefined)?.url || String(input);
  return { method: String(method).toUpperCase(), url };
}

/**
 * `fetch` and `xhr` breadcrumbs, as Sentry's breadcrumbs integration makes them: method, URL (sensitive query
 * values filtered), status (a failed fetch: no status, level error), added when the answer arrives, before the page's own callbacks
 * see it. Unlike Sentry's, the page's own errors are never changed: Sentry appends the host to a failed
 * fetch's message ("Failed to fetch (example.com)") and gives a stackless one a stack; a page that reads
 * its errors would see that. Our transport sends with the fetch taken before this wraps it
 * (sentry-client.ts), so its requests are not breadcrumbs.
 */
export function recordRequests(): void {
  fill(window, 'fetch', (original: typeof fetch) =>
    function (this: unknown, ...args: Parameters<typeof fetch>) {
      const request = attempt('a fetch breadcrumb', () => describeFetch(args[0], args[1]));
      const sent = original.apply(window, args);
      // (a polyfill or another wrapper that returns no promise is left as it is)
      if (!request || typeof sent?.then !== 'function') return sent;
      return sent.then(
        (response) => (attempt('a fetch breadcrumb', () => addRequestBreadcrumb('fetch', request, response.status, { input: args, response })), response),
        (error: unknown) => {
          attempt('a fetch breadcrumb', () => addRequestBreadcrumb('fetch', request, undefined, { input: args, data: error }));
          throw error;
        },
      );
    },
  );

  const requests = new WeakMap<XMLHttpRequest, Request>();
  fill(XMLHttpRequest.prototype, 'open', (original: XMLHttpRequest['open']) =>
    function (this: XMLHttpRequest, ...args: Parameters<XMLHttpRequest['open']>) {
      attempt('an XHR breadcrumb', () => {
        const xhr = this;
        const first = !requests.has(xhr);
        requests.set(xhr, { method: String(args[0]).toUpperCase(), url: String(args[1]) });
        if (!first) return; // (opened again: one listener reads the latest request)
        const onDone = () =>
          xhr.readyState === 4 && attempt('an XHR breadcrumb', () => addRequestBreadcrumb('xhr', requests.get(xhr)!, xhr.status, { xhr }));
        // A handler the page set before open() would run before a listener added now: ours goes in front of it.
        const handler = xhr.onreadystatechange;
        if (typeof handler === 'function') {
          xhr.onreadystatechange = function (this: XMLHttpRequest, ...event: [Event]) {
            onDone();
            return handler.apply(this, event);
          };
        } else xhr.addEventListener('readystatechange', onDone);
      });
      return original.apply(this, args);
    },
  );
}
