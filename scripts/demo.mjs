// `npm start`: builds the bundle, starts the local ingest and serves a demo page that loads it.
// No Sentry account and no network needed; SENTRY_DSN=<your public DSN> sends to a real project instead,
// PORT=<n> serves the page on a fixed port (default: one the OS picks).
import { readFile } from 'node:fs/promises';
import { build } from '../esbuild.config.mjs';
import { startIngestServer, summarize } from './ingest-server.mjs';
import { mountTunnel } from './mount-tunnel.mjs';
import { startStaticServer } from './static-server.mjs';

await build();

const ingest = await startIngestServer({ onItem: (item) => console.log(`ingest  ${summarize(item)}`) });
const site = await startStaticServer({ port: Number(process.env.PORT ?? 0) });
const realDsn = process.env.SENTRY_DSN;
const dsn = realDsn ?? ingest.dsnFor(1);
// The page sends through its own origin, as a site behind content blockers would (README, «Through content blockers»).
const TUNNEL_PATH = '/sentry-tunnel';
await mountTunnel(site, TUNNEL_PATH, [dsn]);
const settings = {
  config: dsn,
  release: 'demo@0.1.0',
  environment: 'demo',
  logger: 'segment-sentry-demo',
  tunnel: TUNNEL_PATH,
};

const template = await readFile(new URL('../fixtures/demo.html', import.meta.url), 'utf8');
const page = template
  .replace('{{SETTINGS}}', () => JSON.stringify(settings, null, 2))
  .replace('<title>', () => (realDsn ? '<title>' : `<meta name="ingest-stream" content="${ingest.origin}/items/stream">\n    <title>`));
const url = site.register('/', page);

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
