// `npm start`: builds the bundle, starts the local ingest and serves the demo page: the official Segment
// snippet with the real analytics.js (served locally), our script, and an inspector that shows what Sentry
// receives. No Sentry account and no network needed; SENTRY_DSN=<your public DSN> sends to a real project
// instead (through the tunnel), PORT=<n> serves the page on a fixed port (default: one the OS picks).
// The page's switches are query parameters: bundle=loader|full, consent=on|off, tunnel=on|off, blocker=on|off.
import { readFile } from 'node:fs/promises';
import { build } from '../../esbuild.config.mjs';
import { startIngestServer, summarize } from './ingest-server.mjs';
import { mountLocalSegment } from './local-segment.mjs';
import { mountTunnel } from './mount-tunnel.mjs';
import { startStaticServer } from './static-server.mjs';

// The e2e tests and the screenshot run the demo on the dist/ that `npm test` built (the test build).
if (!process.env.DEMO_USE_BUILT) await build();

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
const segmentSnippet = mountLocalSegment(site, {
  writeKey: 'segmentSentryDemo',
  onApiCall: (path, body) => console.log(`segment ${path} ${(/** @type {{ type?: string, event?: string }} */ (body ?? {})).type ?? ''} ${(/** @type {{ event?: string }} */ (body ?? {})).event ?? ''}`),
});
const template = await readFile(new URL('../../fixtures/demo.html', import.meta.url), 'utf8');

/** @param {string} text */
const escapeRegex = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

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
  return template
    .replace('{{META}}', () => (realDsn ? '' : `<meta name="ingest-stream" content="${ingest.origin}/items/stream">`))
    .replace('{{SETTINGS}}', () => JSON.stringify(settings, null, 2))
    // analytics.js finds its CDN from an https URL only; on this http origin it is told where it is.
    .replace('{{SEGMENT_SNIPPET}}', () => `${segmentSnippet}\nwindow.analytics._cdn = ${JSON.stringify(site.origin)};`)
    .replace('{{BUNDLE}}', () => (state.bundle === 'loader' ? '/dist/segment-sentry.loader.min.js' : '/dist/segment-sentry.min.js'))
    .replace('{{SWITCH_BUNDLE}}', () => switchOf('bundle', { full: 'Full bundle', loader: 'Loader' }))
    .replace('{{SWITCH_CONSENT}}', () => switchOf('consent', { off: 'No consent needed', on: 'Consent required' }))
    .replace('{{CONSENT_HIDDEN}}', () => (state.consent === 'on' ? '' : 'hidden'))
    .replace('{{SWITCH_BLOCKER}}', () => switchOf('blocker', { off: 'No blocker', on: 'Blocker on' }))
    .replace('{{SWITCH_TUNNEL}}', () => switchOf('tunnel', { on: 'Through the tunnel', off: 'Straight to the ingest' }));
}

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
