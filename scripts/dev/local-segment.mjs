// @ts-check
// The real Segment, served from one of our local servers instead of Segment's CDN and API: the
// official snippet (from @segment/snippet) pointed at this origin, the real analytics.js
// (@segment/analytics-next's standalone build and its chunks), Segment's settings for the source,
// and a tracking API that answers 200. Nothing leaves 127.0.0.1. Used by `npm start`.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';

/** @typedef {{ integrations?: Record<string, unknown>, consentSettings?: { allCategories: string[], hasUnmappedDestinations: boolean }, [key: string]: unknown }} SettingsEntries */

const require = createRequire(import.meta.url);
const snippet = /** @type {{ min(options: Record<string, unknown>): string }} */ (require('@segment/snippet'));
const UMD_FOLDER = join(dirname(require.resolve('@segment/analytics-next/package.json')), 'dist', 'umd');

/**
 * @param {{ origin: string, mount(path: string, listener: import('node:http').RequestListener): string }} server
 * @param {{ writeKey: string, onApiCall?: (path: string, body: unknown) => void, blockedWriteKey?: string, settings?: () => SettingsEntries, settingsHeld?: () => Promise<unknown> | undefined, apiDelayMs?: (body: unknown) => number }} options
 *   blockedWriteKey: a source whose analytics.js is cut off as an ad blocker does (the request fails);
 *   apiDelayMs: how long Segment's tracking API takes to answer a call (a slow network, for ordering tests);
 *   settings: what the workspace adds to the source's settings document when it is fetched (destinations in
 *   `integrations`, such as a Sentry entry, and `consentSettings`), as the Segment app would;
 *   settingsHeld: the settings document is answered only once this promise settles (Segment's CDN slow to answer)
 * @returns {(loadOptions?: Record<string, unknown>) => string} the official snippet for the page, its load line passing
 *   `loadOptions` where given (the Segment-app install: `{ integrations: { Sentry: false } }`)
 */
export function mountLocalSegment(server, { writeKey, onApiCall, blockedWriteKey, settings, settingsHeld, apiDelayMs }) {
  const host = new URL(server.origin).host;
  /** @param {import('node:http').ServerResponse} response @param {string} type @param {string | Buffer} body */
  const send = (response, type, body) => response.writeHead(200, { 'Content-Type': type, 'Access-Control-Allow-Origin': '*', 'Cache-Control': 'no-store' }).end(body);
  server.mount('/analytics.js/*', async (request, response) => {
    if (blockedWriteKey && request.url?.includes(`/${blockedWriteKey}/`)) return void request.socket.destroy();
    send(response, 'text/javascript', await readFile(join(UMD_FOLDER, 'standalone.js')));
  });
  server.mount('/analytics-next/bundles/*', async (request, response) => {
    const file = basename(new URL(request.url ?? '/', server.origin).pathname);
    send(response, 'text/javascript', await readFile(join(UMD_FOLDER, file)));
  });
  server.mount(`/v1/projects/${writeKey}/settings`, async (_request, response) =>
    {
      await settingsHeld?.()?.catch(() => undefined);
      const { integrations, ...rest } = settings?.() ?? {};
      send(
        response,
        'application/json',
        JSON.stringify({
          integrations: { 'Segment.io': { apiKey: writeKey, apiHost: `${host}/v1`, protocol: 'http' }, ...integrations },
          plan: { track: { __default: { enabled: true, integrations: {} } }, identify: { __default: { enabled: true } } },
          analyticsNextEnabled: true,
          // analytics.js reports its own errors (a destination that failed to load) to Segment's API host; not here.
          metrics: { sampleRate: 0 },
          ...rest,
        }),
      );
    },
  );
  server.mount('/v1/*', (request, response) => {
    /** @type {Buffer[]} */
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      let body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = undefined;
      }
      onApiCall?.(new URL(request.url ?? '/', server.origin).pathname, body);
      setTimeout(() => send(response, 'application/json', '{"success":true}'), apiDelayMs?.(body) ?? 0);
    });
  });
  // The official snippet, with its CDN URL (always https://<host>) pointed at this http origin.
  return (loadOptions) => snippet.min({ apiKey: writeKey, host, page: true, load: loadOptions ?? true }).replace(`https://${host}`, server.origin);
}
