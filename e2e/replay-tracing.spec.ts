import { inflateSync } from 'node:zlib';
import { mountTunnel } from '../scripts/dev/mount-tunnel.mjs';
import { blockDirectSends, everyEngine, expect, inChromiumOnly, test, type IngestItem, type Project } from './support/fixtures';
import { hostSentryBundle } from './support/host-sentry';
import { segmentSnippet } from './support/segment';

// Tracing and Session Replay (docs/replay-tracing.md): extra files beside the full bundle, fetched only when the
// settings turn them on (src/sentry/extra-files.ts), which add Sentry's own integrations to our client
// (src/extras/). Engine-dependent behaviour (Web Vitals, recording) runs in every engine; our own branches
// (which files are fetched, their SRI check, consent, page names, propagation targets) in Chromium.

const EXTRA_FILE = /segment-sentry\.(tracing|replay)(\.min)?\.js/;
/** Text the page shows and a visitor types: Sentry's privacy defaults mask both in the recording. */
const SECRET_TEXT = 'a visitor secret 4111-1111';
const SECRET_TYPED = 'typed secret 0000';
const BODY = `<h1 id="title">Checkout</h1><p>${SECRET_TEXT}</p><input id="field">`;

type Span = { name: string; is_segment: boolean; trace_id: string; attributes: Record<string, { value: unknown }> };
const spansOf = (item: IngestItem): Span[] => (item.payload as { items: Span[] }).items;
const op = (span: Span) => span.attributes['sentry.op']?.value;

/** The segment span (Sentry's transaction) with this op, as streamed (the SDK's default trace lifecycle). */
async function waitForSegment(project: Project, wanted: string, predicate: (span: Span) => boolean = () => true): Promise<Span> {
  const item = await project.waitForItem('span', (payload) => payload.items.some((span: Span) => span.is_segment && op(span) === wanted && predicate(span)), `${wanted} segment span`, 20_000);
  return spansOf(item).find((span) => span.is_segment && op(span) === wanted && predicate(span)) as Span;
}

/** A replay_recording item's events as JSON text: `{"segment_id":n}\n` then the events, compressed or not. */
function recordingText(item: IngestItem): string {
  const bytes = Buffer.from(item.payload as Uint8Array);
  const body = bytes.subarray(bytes.indexOf(10) + 1);
  return body[0] === 0x78 ? inflateSync(body).toString('utf8') : body.toString('utf8');
}

everyEngine('tracing: a page load with tracesSampleRate 1 is a page-load transaction with the Web Vitals the engine reports', async ({ openPage, project, browserName }) => {
  await openPage({ settings: { tracesSampleRate: 1 }, body: BODY });
  const pageload = await waitForSegment(project, 'pageload');
  const vitals = Object.keys(pageload.attributes).filter((key) => key.startsWith('browser.web_vital.'));
  const seen = JSON.stringify(pageload.attributes);
  // Time to first byte's request time comes from Navigation Timing, which every engine has, read as the transaction
  // ends. The web-vitals library reports its TTFB value only after the load event: a transaction that ended first
  // (its idle second over) has none (WebKit once, in a busy fresh-clone run). That value and the first contentful
  // paint are asked of Chromium, which reports paints and loads this page well inside the second.
  expect(vitals, seen).toContain('browser.web_vital.ttfb.request_time');
  if (browserName === 'chromium') expect(vitals, seen).toEqual(expect.arrayContaining(['browser.web_vital.ttfb.value', 'browser.web_vital.fcp.value']));
});

everyEngine('replay: an error with replaysOnErrorSampleRate 1 sends the replay buffered before it, linked to the error, its text masked', async ({ openPage, page, project }) => {
  await openPage({ settings: { replaysOnErrorSampleRate: 1 }, body: BODY });
  // Recording starts once the replay file has run; then the visitor types.
  await page.waitForFunction(() => sessionStorage.getItem('segmentSentryReplaySession') !== null, undefined, { timeout: 15_000 });
  await page.evaluate((typed) => {
    const field = document.getElementById('field') as HTMLInputElement;
    field.value = typed;
    field.dispatchEvent(new Event('input', { bubbles: true }));
  }, SECRET_TYPED);
  await page.evaluate(() => window.SegmentSentry?.captureException(new Error('an error with its replay')));
  const error = await project.waitForError('an error with its replay');
  const replayEvent = (await project.waitForItem('replay_event', (payload) => payload.replay_type === 'buffer', 'buffered replay_event', 20_000)).payload;
  expect(error.tags?.replayId, "the error names its replay").toBe(replayEvent.replay_id);
  expect(replayEvent.error_ids).toContain(error.event_id);
  const recording = await project.waitForItem('replay_recording', () => true, 'replay_recording', 20_000);
  const text = recordingText(recording);
  expect(text, 'a full snapshot of the page was recorded').toContain('"type":2');
  expect(text).not.toContain(SECRET_TEXT);
  expect(text).not.toContain(SECRET_TYPED);
  expect(text).not.toContain('Checkout'); // (all text, headings included)
});

everyEngine('replay: replaysSessionSampleRate 1 records the session from the start, with no error', async ({ openPage, project }) => {
  await openPage({ settings: { replaysSessionSampleRate: 1 }, body: BODY });
  const replayEvent = (await project.waitForItem('replay_event', (payload) => payload.replay_type === 'session', 'session replay_event', 30_000)).payload;
  expect(replayEvent.segment_id).toBe(0);
  expect(project.events()).toEqual([]);
});

test.describe('which extra files a page fetches, and how', () => {
  inChromiumOnly('which files our own code asks for, and what it says when one is refused');

  test('with the four settings absent or 0, the page fetches no extra file', async ({ openPage, page, project }) => {
    const fetched: string[] = [];
    page.on('request', (request) => void (EXTRA_FILE.test(request.url()) && fetched.push(request.url())));
    await openPage({ settings: { tracesSampleRate: 0, replaysSessionSampleRate: 0, replaysOnErrorSampleRate: 0 } });
    await project.settle(page);
    await openPage({});
    await project.settle(page);
    expect(fetched).toEqual([]);
  });

  test('tracing alone fetches the tracing file only; replay alone the replay file only', async ({ openPage, page, project }) => {
    const fetched: string[] = [];
    page.on('requestfinished', (request) => void (EXTRA_FILE.test(request.url()) && fetched.push(new URL(request.url()).pathname)));
    await openPage({ settings: { tracesSampleRate: 0.5 } });
    await expect.poll(() => fetched).toEqual(['/dist/segment-sentry.tracing.min.js']);
    await openPage({ settings: { replaysOnErrorSampleRate: 0.5 } });
    await expect.poll(() => fetched).toEqual(['/dist/segment-sentry.tracing.min.js', '/dist/segment-sentry.replay.min.js']);
    await project.settle(page);
  });

  for (const [bundle, path] of [['the loader', '/dist/segment-sentry.loader.min.js'], ['the full bundle', undefined]] as const) {
    test(`with Trusted Types required and our one policy allowed, the replay file comes through it from ${bundle}`, async ({ openPage, page, consoleLog }) => {
      // A CSP lists each policy name once: the loader's policy, kept on the handoff, makes the extra file's URL too.
      await openPage({
        bundle: path,
        headers: { 'Content-Security-Policy': "require-trusted-types-for 'script'; trusted-types segment-sentry" },
        settings: { replaysOnErrorSampleRate: 1 },
        body: BODY,
      });
      if (path) await page.evaluate(() => window.SegmentSentry?.forceLoad?.());
      await page.waitForFunction(() => sessionStorage.length > 0 && Object.keys(sessionStorage).some((key) => /replay/i.test(key)), undefined, { timeout: 15_000 });
      expect(consoleLog.ours()).toEqual([]);
    });
  }

  test('an extra file that does not match its SRI hash is refused with one message, and errors still arrive', async ({ openPage, page, project, consoleLog }) => {
    await page.route(/segment-sentry\.tracing\.min\.js$/, async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, body: `${await response.text()}\n// changed on the way` });
    });
    await openPage({ settings: { tracesSampleRate: 1 } });
    await consoleLog.waitFor(/could not load .*segment-sentry\.tracing\.min\.js; tracing is off$/);
    await page.evaluate(() => window.SegmentSentry?.captureException(new Error('still reported')));
    await project.waitForError('still reported');
    expect(consoleLog.ours().map((line) => line.text)).toEqual([expect.stringMatching(/^\[segment-sentry\] could not load .*tracing/)]);
    expect(project.items('span')).toEqual([]);
  });
});

test.describe('tracing: page names and where the trace headers go', () => {
  inChromiumOnly('our page-name hook and the propagation setting are the same code in every engine');

  test("a pushState and a named Segment page() call make a navigation transaction with the page's name", async ({ openPage, page, project }) => {
    await openPage({ settings: { tracesSampleRate: 1 }, beforeBundle: `<script>${segmentSnippet()}</script>` });
    await waitForSegment(project, 'pageload');
    await page.evaluate(() => {
      history.pushState({}, '', '/basket');
      window.analytics.page('Basket');
    });
    const navigation = await waitForSegment(project, 'navigation');
    expect(navigation.name).toBe('Basket');
    expect(navigation.attributes['sentry.segment.name.source']?.value).toBe('custom');
  });

  test('sentry-trace and baggage go to tracePropagationTargets only, never to another origin', async ({ openPage, page, project, site, otherSite }) => {
    const sent = new Map<string, Record<string, string>>();
    page.on('request', (request) => void sent.set(request.url(), request.headers()));
    await openPage({ settings: { tracesSampleRate: 1, tracePropagationTargets: [`${site.origin}/api/`] } });
    await waitForSegment(project, 'pageload');
    const urls = [`${site.origin}/api/orders`, `${site.origin}/other`, `${otherSite.origin}/api/orders`];
    await page.evaluate((list) => Promise.all(list.map((url) => fetch(url).catch(() => undefined))), urls);
    const [allowed, sameOriginElsewhere, otherOrigin] = urls.map((url) => sent.get(url) ?? {});
    expect(allowed?.['sentry-trace']).toMatch(/^[0-9a-f]{32}-[0-9a-f]{16}-[01]$/);
    expect(allowed?.baggage).toContain('sentry-trace_id=');
    for (const headers of [sameOriginElsewhere, otherOrigin]) {
      expect(headers?.['sentry-trace']).toBeUndefined();
      expect(headers?.baggage).toBeUndefined();
    }
  });

  test('with no tracePropagationTargets, sentry-trace and baggage go to the page\'s own origin only', async ({ openPage, page, project, site, otherSite }) => {
    const sent = new Map<string, Record<string, string>>();
    page.on('request', (request) => void sent.set(request.url(), request.headers()));
    await openPage({ settings: { tracesSampleRate: 1 } });
    await waitForSegment(project, 'pageload');
    const urls = [`${site.origin}/api/orders`, `${otherSite.origin}/api/orders`];
    await page.evaluate((list) => Promise.all(list.map((url) => fetch(url).catch(() => undefined))), urls);
    const [sameOrigin, otherOrigin] = urls.map((url) => sent.get(url) ?? {});
    expect(sameOrigin?.['sentry-trace']).toMatch(/^[0-9a-f]{32}-[0-9a-f]{16}-[01]$/);
    expect(otherOrigin?.['sentry-trace']).toBeUndefined();
    expect(otherOrigin?.baggage).toBeUndefined();
  });
});

test.describe('replay and consent', () => {
  inChromiumOnly('the consent gate is the same code in every engine (the stop on a "no" is below, in every engine)');
  const CONSENT = { consentSettings: { categories: ['Analytics'] } };

  test('consent not answered: the replay file is not even fetched, so nothing is recorded; a "yes" starts it', async ({ openPage, page, project }) => {
    const fetched: string[] = [];
    page.on('request', (request) => void (EXTRA_FILE.test(request.url()) && fetched.push(request.url())));
    await openPage({ settings: { ...CONSENT, replaysSessionSampleRate: 1 }, body: BODY });
    await page.evaluate(() => window.SegmentSentry?.captureMessage('kept for consent'));
    // Sentry has started (its flush says an event waits for consent), and the extra files' tags are added as it
    // starts, where sending is allowed: had it asked for the file, its tag would be in the page now.
    expect(await page.evaluate(() => window.SegmentSentry?.flush(5000)), 'an event waits for consent').toBe(false);
    expect(await page.evaluate(() => [...document.scripts].map((script) => script.src).filter((src) => /segment-sentry\.replay/.test(src)))).toEqual([]);
    expect(fetched).toEqual([]);
    // The time is read before the "yes" (the recording starts inside setConsent), with the clock rrweb uses.
    const granted = await page.evaluate(() => {
      const at = Date.now() / 1000;
      window.SegmentSentry?.setConsent({ Analytics: true });
      return at;
    });
    await project.waitForError('kept for consent');
    // The first DOM snapshot was taken after the "yes" (the replay event's own start also counts the page's
    // earlier performance entries, which Sentry adds from the Performance API).
    const events = JSON.parse(recordingText(await project.waitForItem('replay_recording', () => true, 'replay_recording', 30_000))) as Array<{ type: number; timestamp: number }>;
    const snapshot = events.find((event) => event.type === 2);
    expect(snapshot?.timestamp).toBeGreaterThanOrEqual(granted * 1000);
  });
});

// Stopping the recorder (its observers and listeners) and dropping its buffer are worth every engine.
everyEngine('replay and consent: a "no" stops the recording and drops its buffer; a "yes" again records anew, nothing from before the "no"', async ({ openPage, page, project, site }) => {
  const fetchedBefore = site.paths.length;
  await openPage({ settings: { consentSettings: { categories: ['Analytics'] }, replaysOnErrorSampleRate: 1 }, body: BODY });
  await page.evaluate(() => window.SegmentSentry?.setConsent({ Analytics: true }));
  await page.waitForFunction(() => sessionStorage.getItem('segmentSentryReplaySession') !== null, undefined, { timeout: 15_000 });
  const before = await page.evaluate(() => JSON.parse(sessionStorage.getItem('segmentSentryReplaySession') ?? '{}').id as string);
  await page.click('#title');
  await page.evaluate(() => window.SegmentSentry?.setConsent({ Analytics: false }));
  await page.waitForFunction(() => sessionStorage.getItem('segmentSentryReplaySession') === null);
  // The "yes" again: a new session, recorded from the "yes" on (a full snapshot then), on the same integration.
  // Read before the "yes", in both clocks: rrweb's events carry Date.now(), Sentry's performance entries its own
  // (performance.timeOrigin + performance.now()).
  const granted = await page.evaluate(() => {
    const at = { wall: Date.now(), sentry: performance.timeOrigin + performance.now() };
    window.SegmentSentry?.setConsent({ Analytics: true });
    return at;
  });
  await page.waitForFunction(() => sessionStorage.getItem('segmentSentryReplaySession') !== null, undefined, { timeout: 15_000 });
  await page.evaluate(() => window.SegmentSentry?.captureException(new Error('after the no, and a yes again')));
  const error = await project.waitForError('after the no, and a yes again');
  const replayEvent = (await project.waitForItem('replay_event', () => true, 'replay_event', 20_000)).payload;
  expect(error.tags?.replayId, 'the error names the new replay').toBe(replayEvent.replay_id);
  expect(replayEvent.replay_id, 'a new session, not the one of before the "no"').not.toBe(before);
  type RecordingEvent = { type: number; timestamp: number; data?: { tag?: string; payload?: { startTimestamp?: number } } };
  const events = JSON.parse(recordingText(await project.waitForItem('replay_recording', () => true, 'replay_recording', 20_000))) as RecordingEvent[];
  expect(events.filter((event) => event.type === 2).length, 'a full snapshot, taken after the "yes"').toBeGreaterThan(0);
  // Nothing from before the "yes": not the click before the "no", nor a performance entry measured before it.
  const fromBefore = events.filter((event) =>
    event.data?.tag === 'performanceSpan' ? (event.data.payload?.startTimestamp ?? 0) * 1000 < granted.sentry : event.timestamp < granted.wall,
  );
  expect(fromBefore).toEqual([]);
  await project.settle(page);
  // One replay (a recording in session mode after the error may send more segments of it).
  expect([...new Set(project.items('replay_event').map((item) => item.payload.replay_id))]).toEqual([replayEvent.replay_id]);
  // The file came once: a "yes" again starts the integration it added, and adds none.
  expect(site.paths.slice(fetchedBefore).filter((path) => /segment-sentry\.replay/.test(path))).toHaveLength(1);
});

// What the engine runs (its fetch, its sessionStorage, the SDK's span timing in it) is worth every engine.
everyEngine('tracing and consent: after a "no", requests to the targets carry no trace headers, the transaction under way is dropped and no span starts; a "yes" again resumes, in a new trace', async ({ openPage, page, project, site }) => {
  // Our own endpoint on the page's origin, listed in tracePropagationTargets: it notes the headers each request carried.
  const api = `/api-${project.id}/`;
  const received = new Map<string, { trace?: string; baggage?: string }>();
  site.mount(`${api}*`, (request, response) => {
    received.set(new URL(request.url ?? '/', site.origin).pathname.slice(api.length), {
      trace: request.headers['sentry-trace'] as string | undefined,
      baggage: request.headers.baggage as string | undefined,
    });
    response.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
  });
  const call = (name: string) => page.evaluate((url) => fetch(url).then((response) => response.text()), `${site.origin}${api}${name}`);
  await openPage({ settings: { consentSettings: { categories: ['Analytics'] }, tracesSampleRate: 1, tracePropagationTargets: [`${site.origin}${api}`] }, body: BODY });
  await page.evaluate(() => window.SegmentSentry?.setConsent({ Analytics: true }));
  await waitForSegment(project, 'pageload');
  await call('before');
  expect(received.get('before')?.trace, 'before the "no", the target gets sentry-trace').toMatch(/^[0-9a-f]{32}-[0-9a-f]{16}(-[01])?$/);
  expect(received.get('before')?.baggage).toContain('sentry-trace_id=');
  // A navigation starts a transaction, and a request made in it carries its trace; the "no" comes while it is under
  // way, and the "yes" again right after: a transaction left running (or spans of it left in the buffer) would
  // be sent after the "yes".
  const denied = await page.evaluate(async ({ during, after }) => {
    history.pushState({}, '', '/during-the-no');
    await fetch(during).then((response) => response.text());
    window.SegmentSentry?.setConsent({ Analytics: false });
    const at = (performance.timeOrigin + performance.now()) / 1000; // Sentry's clock, as the spans' timestamps
    await fetch(after).then((response) => response.text());
    return at;
  }, { during: `${site.origin}${api}during`, after: `${site.origin}${api}after` });
  const traceOf = (name: string) => received.get(name)?.trace?.split('-')[0];
  const underWay = traceOf('during');
  expect(underWay, "the navigation's trace").toMatch(/^[0-9a-f]{32}$/);
  expect(received.get('after'), 'after the "no", the target gets no sentry-trace and no baggage').toEqual({ trace: undefined, baggage: undefined });
  const granted = await page.evaluate(() => {
    const at = (performance.timeOrigin + performance.now()) / 1000;
    window.SegmentSentry?.setConsent({ Analytics: true });
    return at;
  });
  await call('granted-again');
  expect(traceOf('granted-again'), 'a "yes" again: the headers again, of a new trace').toMatch(/^[0-9a-f]{32}$/);
  expect(traceOf('granted-again')).not.toBe(underWay);
  // The sentinel: sent after the "yes" again and its request; nothing of the trace under way at the "no" came, and
  // no span started while it held.
  await project.settle(page);
  const spans = project.items('span').flatMap(spansOf) as Array<Span & { start_timestamp: number }>;
  expect(spans.filter((span) => span.trace_id === underWay).map((span) => `${op(span)} ${span.name}`), 'the trace under way at the "no"').toEqual([]);
  expect(spans.filter((span) => span.start_timestamp >= denied && span.start_timestamp < granted).map((span) => `${op(span)} ${span.name}`), 'spans of the denied time').toEqual([]);
});

test.describe("the extra files' frames are ours", () => {
  inChromiumOnly('which frames are ours is decided by our own code from their URLs, the same in every engine');

  test("a page's error thrown through tracing's wrapper of fetch has no frame of the tracing file, and keeps the page's", async ({ openPage, page, project }) => {
    // The page's own fetch (a stub that throws), wrapped by the full bundle's breadcrumbs and then by tracing's
    // request instrumentation: the error passes both wrappers on its way out.
    await openPage({ settings: { tracesSampleRate: 1 }, beforeBundle: `<script>window.fetch = function pageFetch() { throw new Error('fetch is disabled here'); };</script>` });
    await waitForSegment(project, 'pageload');
    await page.evaluate(() => {
      try {
        void fetch('/anything');
      } catch (error) {
        window.SegmentSentry?.captureException(error);
      }
    });
    const event = await project.waitForError('fetch is disabled here');
    const frames = event.exception?.values?.[0]?.stacktrace?.frames ?? [];
    expect(frames.map((frame) => frame.function), "the page's own frame").toContain('pageFetch');
    expect(frames.map((frame) => frame.filename ?? '').filter((file) => /segment-sentry\./.test(file))).toEqual([]);
  });
});

test.describe('through the tunnel', () => {
  inChromiumOnly('the tunnel forwards envelopes whatever their items; the browser only sends them');

  test('streamed spans and replay segments pass a tunnel on the page\'s origin, with Sentry\'s ingest unreachable from the page', async ({ openPage, page, site, ingest, project }) => {
    const tunnelUrl = await mountTunnel(site, `/sentry-tunnel-${project.id}`, [project.dsn], { maxBodyBytes: 10 * 1024 * 1024 });
    const direct = blockDirectSends(ingest, project);
    await openPage({ settings: { tunnel: new URL(tunnelUrl).pathname, tracesSampleRate: 1, replaysOnErrorSampleRate: 1 }, body: BODY });
    await waitForSegment(project, 'pageload');
    await page.waitForFunction(() => sessionStorage.getItem('segmentSentryReplaySession') !== null, undefined, { timeout: 15_000 });
    await page.evaluate(() => window.SegmentSentry?.captureException(new Error('through the tunnel, with its replay')));
    const error = await project.waitForError('through the tunnel, with its replay');
    const replayEvent = (await project.waitForItem('replay_event', () => true, 'replay_event', 20_000)).payload;
    expect(error.tags?.replayId).toBe(replayEvent.replay_id);
    await project.waitForItem('replay_recording', () => true, 'replay_recording', 20_000);
    expect(direct).toEqual([]);
    for (const item of project.items()) expect(new URL(item.url).search).toBe('');
  });
});

test.describe("next to the page's own Sentry with Session Replay", () => {
  inChromiumOnly('which sessionStorage key each copy of the SDK reads is the same code in every engine');

  test('each replay keeps its own session (our sessionStorage key is our own), and each goes to its own DSN', async ({ openPage, page, site, project, otherProject: hostProject }) => {
    const hostScript = site.register('/host/sentry-browser-replay.js', await hostSentryBundle('@sentry/browser'));
    await openPage({
      settings: { replaysSessionSampleRate: 1 },
      body: BODY,
      beforeBundle: `<script src="${hostScript}"></script><script>
        Sentry.init({ dsn: ${JSON.stringify(hostProject.dsn)}, replaysSessionSampleRate: 1, integrations: [Sentry.replayIntegration()] });
      </script>`,
    });
    const [ours, host] = await Promise.all(
      [project, hostProject].map(async (each) => (await each.waitForItem('replay_event', (payload) => payload.replay_type === 'session', 'session replay_event', 30_000)).payload),
    );
    const stored = await page.evaluate(() => ({ ours: sessionStorage.getItem('segmentSentryReplaySession'), host: sessionStorage.getItem('sentryReplaySession') }));
    expect(JSON.parse(stored.ours ?? '{}').id).toBe(ours.replay_id);
    expect(JSON.parse(stored.host ?? '{}').id).toBe(host.replay_id);
    expect(ours.replay_id).not.toBe(host.replay_id);
  });
});
