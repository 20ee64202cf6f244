import type { Page } from '@playwright/test';
import { mountTunnel } from '../scripts/dev/mount-tunnel.mjs';
import { sendClientReports } from './support/client-reports';
import { blockDirectSends, everyEngine, expect, poll, queuedOffline, test, type Project, type StaticServerFixture } from './support/fixtures';

// The errors this file's pages throw on purpose; any other page error fails a test (e2e/support/fixtures.ts).
test.use({ expectedPageErrors: [/uncaught, through the tunnel/] });

const LOADER = '/dist/segment-sentry.loader.min.js';

/** The page's requests, split into those to Sentry's ingest (blocked, as a content blocker does) and those to the tunnel. */
async function blockIngestAndWatch(page: Page, ingestOrigin: string, tunnelUrl: string) {
  const seen = { toIngest: [] as string[], toTunnel: [] as string[] };
  await page.context().route(`${ingestOrigin}/**`, (route) => {
    seen.toIngest.push(route.request().url());
    return route.abort('blockedbyclient');
  });
  page.on('request', (request) => void (request.url() === tunnelUrl && seen.toTunnel.push(request.url())));
  return seen;
}

/** The project's own tunnel on `server`, as a site mounts segment-sentry/tunnel/node (serving `pagesFrom` if on another origin). */
const tunnelFor = (server: StaticServerFixture, project: Project, pagesFrom?: string) =>
  mountTunnel(server, `/sentry-tunnel-${project.id}`, [project.dsn], pagesFrom ? { allowedOrigins: [pagesFrom] } : {});



test.describe('through a tunnel, with Sentry\'s ingest blocked as a content blocker does', () => {
  for (const [what, bundle] of [['the full bundle', undefined], ['the loader', LOADER]] as const) {
    everyEngine(`${what}: errors, messages, the session and client reports arrive through a tunnel path on the page's origin`, async ({
      openPage,
      page,
      site,
      ingest,
      project,
      consoleLog,
    }) => {
      const tunnelUrl = await tunnelFor(site, project);
      const direct = blockDirectSends(ingest, project);
      await openPage({
        ...(bundle && { bundle }),
        settings: { tunnel: new URL(tunnelUrl).pathname, release: 'tunnel@1.0.0', ignoreErrors: ['dropped on purpose'] },
        body: `<script>setTimeout(() => { throw new Error('uncaught, through the tunnel'); });</script>`,
      });
      await project.waitForError('uncaught, through the tunnel');
      await page.evaluate(() => window.SegmentSentry?.captureMessage('a message through the tunnel'));
      await project.waitForError('a message through the tunnel');
      await project.waitForItem('session', (session) => session.errors >= 1 && session.attrs?.release === 'tunnel@1.0.0', 'session');

      // An ignored error is counted as dropped; the client report goes out when the page is hidden.
      await page.evaluate(() => window.SegmentSentry?.captureException(new Error('dropped on purpose')));
      await sendClientReports(page);
      const report = await project.waitForItem('client_report', () => true, 'client report');
      expect(report.payload.discarded_events).toContainEqual(expect.objectContaining({ reason: 'event_processor', category: 'error' }));

      expect(direct, 'requests the page sent straight to the (blocked) ingest').toEqual([]);
      // Each envelope names its DSN in its header; the tunnel forwarded it to the DSN's ingest path, with no query,
      // and with the page's Origin, so the project's Allowed Domains still apply.
      expect(project.items().length).toBeGreaterThanOrEqual(4);
      for (const item of project.items()) {
        expect(item.headers.dsn).toBe(project.dsn);
        expect(new URL(item.url).search).toBe('');
        expect(item.origin).toBe(site.origin);
      }
      expect(consoleLog.ours()).toEqual([]);
    });
  }

  test('a tunnel on another origin, as an absolute URL, that lists the page in allowedOrigins: it answers with CORS, so rate limits are read', async ({
    openPage,
    page,
    site,
    otherSite,
    ingest,
    project,
  }) => {
    const tunnelUrl = await tunnelFor(otherSite, project, site.origin);
    const seen = await blockIngestAndWatch(page, ingest.origin, tunnelUrl);
    // A 200 that limits the error category only: the browser can honour it only if it can read the header
    // across origins (Access-Control-Expose-Headers), and nothing else (no default backoff) would stop errors.
    let answered = 0;
    ingest.respondWith(project.id, () => (answered++ === 0 ? { status: 200, headers: { 'X-Sentry-Rate-Limits': '60:error:organization' } } : { status: 200 }));
    await openPage({ settings: { tunnel: tunnelUrl } });
    await page.evaluate(() => window.SegmentSentry?.captureException(new Error('answered with a rate limit')));
    await project.waitForError('answered with a rate limit');
    // The answer has been read by the page once its request settled.
    expect(await page.evaluate(() => window.SegmentSentry?.flush(5000))).toBe(true);
    for (let i = 0; i < 3; i++) await page.evaluate((n) => window.SegmentSentry?.captureException(new Error(`during the limit ${n}`)), i);
    // The sentinel: the client report, another category, goes through the tunnel and counts the three as rate-limited.
    await sendClientReports(page);
    const report = await project.waitForItem('client_report', () => true, 'client report');
    expect(report.payload.discarded_events).toContainEqual({ reason: 'ratelimit_backoff', category: 'error', quantity: 3 });
    expect(project.events().map((event) => event.exception?.values?.[0]?.value)).toEqual(['answered with a rate limit']);
    expect(seen.toIngest).toEqual([]);
  });

  test('events queued while the tunnel was unreachable are replayed through the tunnel on the next page load', async ({
    openPage,
    page,
    site,
    ingest,
    project,
  }) => {
    const tunnelUrl = await tunnelFor(site, project);
    const seen = await blockIngestAndWatch(page, ingest.origin, tunnelUrl);
    await openPage({ settings: { tunnel: new URL(tunnelUrl).pathname } });
    await page.route(tunnelUrl, (route) => route.abort('internetdisconnected'));
    for (let i = 0; i < 3; i++) await page.evaluate((n) => window.SegmentSentry?.captureException(new Error(`queued for the tunnel ${n}`)), i);
    await page.evaluate(() => window.SegmentSentry?.flush(5000));
    await poll(() => queuedOffline(page)).toBe(3);
    expect(project.events()).toEqual([]);
    await page.unroute(tunnelUrl);
    await page.reload();
    for (let i = 0; i < 3; i++) await project.waitForError(`queued for the tunnel ${i}`, 30_000);
    expect(seen.toIngest).toEqual([]);
  });

  test('a <base href> elsewhere does not move a tunnel path off the page\'s origin', async ({ openPage, page, site, otherSite, ingest, project }) => {
    const tunnelUrl = await tunnelFor(site, project);
    const seen = await blockIngestAndWatch(page, ingest.origin, tunnelUrl);
    await openPage({
      beforeBundle: `<base href="${otherSite.origin}/assets/">`,
      bundle: `${site.origin}/dist/segment-sentry.min.js`,
      settings: { tunnel: new URL(tunnelUrl).pathname },
    });
    await page.evaluate(() => window.SegmentSentry?.captureException(new Error('with a base href')));
    await project.waitForError('with a base href');
    expect(seen.toTunnel.length).toBeGreaterThanOrEqual(1);
  });

  const invalid: Array<[string, unknown]> = [
    ['a relative path', 'sentry-tunnel'],
    ['a javascript: URL', 'javascript:alert(1)'],
    ['a number', 42],
  ];
  for (const [what, tunnel] of invalid) {
    test(`a tunnel that is ${what}: one warning, and events go straight to the DSN`, async ({ openPage, page, project, consoleLog }) => {
      await openPage({ settings: { tunnel } });
      await page.evaluate(() => window.SegmentSentry?.captureException(new Error('sent directly')));
      await project.waitForError('sent directly');
      const direct = project.items('event')[0];
      expect(new URL(direct!.url).searchParams.get('sentry_key')).toBe('public');
      // Polled: a console line can reach the test after the request it came before (Firefox, over BiDi).
      await poll(() => consoleLog.ours()).toEqual([{ type: 'warning', text: expect.stringMatching(/^\[segment-sentry\] tunnel must be an absolute http\(s\) URL or a path starting with \/, got .*; sending straight to the DSN$/) }]);
    });
  }
});
