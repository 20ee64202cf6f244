// `npm start`: builds the bundle, starts the local ingest and serves the demo page: the official Segment
// snippet with the real analytics.js (served locally), our script, and an inspector that shows what Sentry
// receives. No Sentry account and no network needed; SENTRY_DSN=<your public DSN> sends to a real project
// instead (through the tunnel), PORT=<n> serves the page on a fixed port (default: one the OS picks).
// The page's switches are query parameters: bundle=loader|full, consent=on|off, tunnel=on|off, blocker=on|off,
// replay=on|off (Session Replay on error: replaysOnErrorSampleRate 1, docs/replay-tracing.md),
// settings=page|app|npm, the way in: our script tag with a settings element on the page; the snippet and our script
// tag with the Sentry destination's entry in the local Segment's settings document, which the page can edit as the
// Segment app would; or the npm app (e2e/npm-app/app.ts, the README's recipe: analytics-next and
// segment-sentry/plugin bundled by esbuild, built here with scripts/dev/npm-app.mjs) with that same entry.
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { build } from '../../esbuild.config.mjs';
import { startIngestServer, summarize } from './ingest-server.mjs';
import { mountLocalSegment } from './local-segment.mjs';
import { mountTunnel } from './mount-tunnel.mjs';
import { buildNpmApp } from './npm-app.mjs';
import { startStaticServer } from './static-server.mjs';

// The e2e tests and the screenshot run the demo on the dist/ that `npm test` built (the test build).
if (!process.env.DEMO_USE_BUILT) await build();
// The npm app, from the segment-sentry/plugin just built (removed when the demo exits).
const NPM_APP_BASE = '/npm-app/';
const npmApp = await buildNpmApp('esbuild', 'app.ts', NPM_APP_BASE);

// The content-blocker simulation drops what EasyPrivacy's `/?sentry_key=` rule matches; the tunnel's
// requests carry no query and pass.
let blocking = false;
const ingest = await startIngestServer({
  onItem: (item) => console.log(`ingest  ${summarize(item)}`),
  blocks: (url) => blocking && url.searchParams.has('sentry_key'),
});
const site = await startStaticServer({ port: Number(process.env.PORT ?? 0) });
const realDsn = process.env.SENTRY_DSN;
const dsn = realDsn ?? ingest.dsnFor(1);
const TUNNEL_PATH = '/sentry-tunnel';
await mountTunnel(site, TUNNEL_PATH, [dsn]);
/** What the visitor edited in the demo's «Segment app»: the Sentry destination's release, environment, an ignore pattern. */
let segmentAppEdits = { release: 'demo@0.2.0', environment: 'demo-from-the-segment-app', ignoreErrors: /** @type {string[]} */ ([]) };
/** The Sentry destination's entry the local Segment serves (none on the «this page» setting), made with the page. */
/** @type {Record<string, unknown> | undefined} */
let segmentAppEntry;
const WRITE_KEY = 'segmentSentryDemo';
const segmentSnippet = mountLocalSegment(site, {
  writeKey: WRITE_KEY,
  onApiCall: (path, body) => {
    const call = /** @type {{ type?: string, event?: string, properties?: Record<string, unknown> }} */ (body ?? {});
    console.log(`segment ${path} ${call.type ?? ''} ${call.event ?? ''}${call.event === 'Error Captured' ? ` ${call.properties?.eventId ?? ''}` : ''}`);
    // The error Sentry took, as the Segment event it became (trackErrors): shown in the inspector beside it.
    if (call.event === 'Error Captured') ingest.note('segment', call);
  },
  settings: () => (segmentAppEntry ? { integrations: { Sentry: segmentAppEntry } } : {}),
});
/** The keys a workspace's entry has besides the product page's settings (analytics.js reads them). */
const SEGMENT_ENTRY_KEYS = { type: 'browser', bundlingStatus: 'bundled', versionSettings: { version: '4.0.0', componentTypes: ['browser'] } };
const template = await readFile(new URL('../../fixtures/demo.html', import.meta.url), 'utf8');

/** @param {string} text */
const escapeRegex = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** @param {string} text */
const escapeAttribute = (text) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** The page for one combination of the switches. @param {URLSearchParams} query */
function demoPage(query) {
  /** @param {string} name @param {[string, ...string[]]} values @returns {string} */
  const choice = (name, values) => {
    const given = query.get(name) ?? '';
    return values.includes(given) ? given : values[0];
  };
  const state = {
    bundle: choice('bundle', ['full', 'loader']),
    consent: choice('consent', ['off', 'on']),
    tunnel: choice('tunnel', ['on', 'off']),
    blocker: choice('blocker', ['off', 'on']),
    settings: choice('settings', ['page', 'app', 'npm']),
    replay: choice('replay', ['off', 'on']),
  };
  blocking = state.blocker === 'on';
  const settings = {
    config: dsn,
    release: 'demo@0.1.0',
    environment: 'demo',
    logger: 'segment-sentry-demo',
    // The demo page's own frames are the site's code; Sentry collapses the rest.
    includePaths: [`^${escapeRegex(site.origin)}/(\\?|$)`],
    ...(state.tunnel === 'on' && { tunnel: TUNNEL_PATH }),
    ...(state.consent === 'on' && { consentSettings: { categories: ['Analytics'] } }),
  };
  /** Links that change one switch and keep the others. @param {keyof typeof state} name @param {Record<string, string>} labels */
  const switchOf = (name, labels) =>
    Object.entries(labels)
      .map(([value, label]) => {
        const next = new URLSearchParams({ ...state, [name]: value });
        return `<a id="${name}-${value}" class="${state[name] === value ? 'on' : ''}" href="/?${next}">${label}</a>`;
      })
      .join('');
  const npm = state.settings === 'npm';
  const fromTheApp = state.settings === 'app' || npm;
  segmentAppEntry = fromTheApp ? { ...SEGMENT_ENTRY_KEYS, ...settings, ...segmentAppEdits } : undefined;
  // Each error Sentry took also becomes a Segment event (trackErrors, docs/segment.md), shown in the inspector: on
  // the page's own settings, or, where the Segment app's are used, in the page-level element set over them.
  // Session Replay on error, where switched on: not a Segment setting, so on the page's own settings, or in the
  // page-level ones (the element, or the npm plugin's pageSettings) where the Segment app's are used.
  const pageLevel = { trackErrors: true, ...(state.replay === 'on' && { replaysOnErrorSampleRate: 1 }) };
  const shown = fromTheApp ? { ...settings, ...segmentAppEdits, ...pageLevel } : { ...settings, ...pageLevel };
  // The elements escaped as the README asks (nothing in them may end the <script> early).
  const element = (/** @type {string} */ id, /** @type {object} */ value) =>
    `<script type="application/json" id="${id}">${JSON.stringify(value, null, 2).replace(/</g, '\\u003c')}</script>`;
  return template
    .replace('{{META}}', () => (realDsn ? '' : `<meta name="ingest-stream" content="${ingest.origin}/items/stream">`))
    // (the npm app sets its page-level settings in segmentSentry({ pageSettings }), not in an element)
    .replace('{{SETTINGS_ELEMENT}}', () =>
      npm ? '' : fromTheApp ? element('segment-sentry-page-settings', pageLevel) : element('segment-sentry-settings', { ...settings, ...pageLevel }),
    )
    .replace('{{SETTINGS_SOURCE}}', () =>
      npm ? 'Settings from the Segment app (integrations.Sentry), as analytics-next hands them to the plugin' : fromTheApp ? 'Settings from the Segment app (integrations.Sentry)' : 'Settings on this page',
    )
    .replace('{{SETTINGS_SHOWN}}', () => JSON.stringify(shown, null, 2).replace(/&/g, '&amp;').replace(/</g, '&lt;'))
    .replace('{{APP_FORM_HIDDEN}}', () => (fromTheApp ? '' : 'hidden'))
    .replace('{{APP_RELEASE}}', () => escapeAttribute(segmentAppEdits.release))
    .replace('{{APP_ENVIRONMENT}}', () => escapeAttribute(segmentAppEdits.environment))
    .replace('{{APP_IGNORE}}', () => escapeAttribute(segmentAppEdits.ignoreErrors[0] ?? ''))
    .replace('{{INSTALL}}', () =>
      npm
        ? // The npm app reads its write key and segmentSentry()'s options from the page (e2e/npm-app/app-config.ts);
          // its analytics-next fetches the settings from this origin (cdnURL) and loads with `Sentry: false`.
          `<script>window.appConfig = ${JSON.stringify({ writeKey: WRITE_KEY, options: { pageSettings: pageLevel } })};</script>\n` +
          `    <script type="module" src="${NPM_APP_BASE}${npmApp.entry}"></script>`
        : // analytics.js finds its CDN from an https URL only; on this http origin it is told where it is. In the
          // Segment-app install the snippet's load line keeps Segment's own Sentry destination out.
          `<script>${segmentSnippet(fromTheApp ? { integrations: { Sentry: false } } : undefined)}\nwindow.analytics._cdn = ${JSON.stringify(site.origin)};</script>\n` +
          `    <script src="${state.bundle === 'loader' ? '/dist/segment-sentry.loader.min.js' : '/dist/segment-sentry.min.js'}"></script>`,
    )
    .replace('{{SWITCH_SETTINGS}}', () => switchOf('settings', { app: 'Snippet', npm: 'npm app', page: 'Settings element' }))
    .replace('{{SCRIPT_HIDDEN}}', () => (npm ? 'hidden' : ''))
    .replace('{{SCRIPT_NOTE}}', () =>
      npm
        ? "The npm app has no script tag: the plugin's first part (0.8 KB) is in the app's first chunk and keeps everything; its Sentry part is a chunk of its own, fetched after the page's load event (or at once on an error)."
        : "The loader (1.5 KB) keeps everything and loads the full bundle after the page's load event.",
    )
    .replace('{{SWITCH_BUNDLE}}', () => switchOf('bundle', { full: 'Full bundle', loader: 'Loader' }))
    .replace('{{SWITCH_CONSENT}}', () => switchOf('consent', { off: 'No consent needed', on: 'Consent required' }))
    .replace('{{CONSENT_HIDDEN}}', () => (state.consent === 'on' ? '' : 'hidden'))
    .replace('{{SWITCH_BLOCKER}}', () => switchOf('blocker', { off: 'No blocker', on: 'Blocker on' }))
    .replace('{{SWITCH_TUNNEL}}', () => switchOf('tunnel', { on: 'Through the tunnel', off: 'Straight to the ingest' }))
    .replace('{{SWITCH_REPLAY}}', () => switchOf('replay', { off: 'Replay off', on: 'Replay on error' }));
}

// The demo's «Segment app»: the visitor edits the Sentry destination's release, environment and an ignore
// pattern; the local Segment serves them from the next page load on, as Segment's settings API would.
site.mount('/segment-app/sentry', (request, response) => {
  /** @type {Buffer[]} */
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    try {
      const { release, environment, ignore } = JSON.parse(Buffer.concat(chunks).toString('utf8').slice(0, 4096));
      segmentAppEdits = { release: String(release ?? ''), environment: String(environment ?? ''), ignoreErrors: ignore ? [String(ignore)] : [] };
      console.log(`segment app: Sentry destination saved ${JSON.stringify(segmentAppEdits)}`);
      response.writeHead(204).end();
    } catch {
      response.writeHead(400).end();
    }
  });
});

site.mount(`${NPM_APP_BASE}*`, (request, response) => {
  const file = normalize(decodeURIComponent(new URL(request.url ?? '/', site.origin).pathname.slice(NPM_APP_BASE.length)));
  if (file.startsWith('..') || extname(file) !== '.js') return void response.writeHead(404).end();
  readFile(join(npmApp.dir, file)).then(
    (body) => response.writeHead(200, { 'Content-Type': 'text/javascript', 'Cache-Control': 'no-store' }).end(body),
    () => response.writeHead(404).end(),
  );
});

site.mount('/', (request, response) => {
  const query = new URL(request.url ?? '/', site.origin).searchParams;
  response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(demoPage(query));
});
const url = `${site.origin}/`;

console.log(`\nDemo page:   ${url}`);
console.log(realDsn ? `Sending to:  ${realDsn} (SENTRY_DSN)` : `Local ingest: ${ingest.origin} (events are printed below)`);
console.log(`Tunnel:      ${site.origin}${TUNNEL_PATH} (segment-sentry/tunnel, forwarding to the DSN's ingest)`);
console.log('Press Ctrl+C to stop.\n');

const stop = async () => {
  await Promise.all([ingest.close(), site.close()]);
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
