import { caseOfACrossing, describeEvent, everyEngine, expect, poll, type BrowserPage, type Event, type Project } from './support/fixtures';
import { deliveredCall, segmentSnippet, type SegmentApiBody, type SegmentTraffic } from './support/segment';

// The trackErrors setting (src/segment/error-events.ts): each error event Sentry's ingest accepted becomes one
// analytics.track('Error Captured', …) call, which the local Segment records (segment.apiBodies).

const SNIPPET = `<script>${segmentSnippet()}</script>`;
const TRACKED = { beforeBundle: SNIPPET, settings: { trackErrors: true } };

/** The `Error Captured` calls analytics.js made to Segment's tracking API in this test. */
const errorCalls = (segment: SegmentTraffic): SegmentApiBody[] =>
  segment.apiBodies.filter(({ path, body }) => path === '/v1/t' && body?.event === 'Error Captured').map(({ body }) => body as SegmentApiBody);

/** Waits for the `Error Captured` call of the event with this id. */
const waitForErrorCall = async (segment: SegmentTraffic, eventId: string | undefined): Promise<SegmentApiBody> => {
  await poll(() => errorCalls(segment).filter((body) => body.properties?.eventId === eventId).length, `Error Captured for ${eventId}`).toBeGreaterThan(0);
  return errorCalls(segment).find((body) => body.properties?.eventId === eventId) as SegmentApiBody;
};

const captureError = (page: BrowserPage, message: string) => page.evaluate((text) => window.SegmentSentry?.captureException(new Error(text)), message);

/**
 * A barrier for "no call was made": an error captured last, whose event and `Error Captured` call are awaited;
 * Sentry is flushed (every earlier send answered, and so every call for it made), then a track call of the
 * page's own is delivered (analytics.js's callback runs after its request was answered).
 */
async function settleBothWays(page: BrowserPage, project: Project, segment: SegmentTraffic): Promise<void> {
  await captureError(page, 'the last error');
  await waitForErrorCall(segment, (await project.waitForError('the last error')).event_id);
  await page.evaluate(() => window.SegmentSentry?.flush(5000));
  await deliveredCall(page, 'track', ['Sentinel', {}, {}]);
}

const arrived = (project: Project, text: string): Event[] => project.events().filter((event) => describeEvent(event).includes(text));

everyEngine('an error Sentry received reaches Segment as one Error Captured call with the same event id, bounded, and never as a breadcrumb', async ({ openPage, page, project, segment }) => {
  await openPage({ ...TRACKED, settings: { trackErrors: true, release: 'shop@1.4.2', environment: 'staging' } });
  await page.evaluate(() => window.SegmentSentry?.captureException(new TypeError(`a long message ${'x'.repeat(100_000)}`)));
  const event = await project.waitForError('a long message');
  const call = await waitForErrorCall(segment, event.event_id);
  expect(call.properties).toEqual({
    eventId: event.event_id,
    level: 'error',
    exceptionType: 'TypeError',
    message: expect.stringMatching(/^a long message x+\.\.\.$/),
    release: 'shop@1.4.2',
    environment: 'staging',
    url: page.url(),
    handled: true,
  });
  expect(String(call.properties?.message).length).toBeLessThanOrEqual(1003);
  expect(call.anonymousId, "analytics.js's anonymous id").toEqual(expect.any(String));
  // Our own call is not one of the page's: no breadcrumb on the next event.
  await captureError(page, 'the next error');
  const next = await project.waitForError('the next error');
  expect((next.breadcrumbs ?? []).filter((crumb) => crumb.category === 'segment.track')).toEqual([]);
  await waitForErrorCall(segment, next.event_id);
});

everyEngine('an uncaught error is an Error Captured call with handled: false; a captured message is not one', async ({ openPage, page, project, segment, expectPageErrors }) => {
  expectPageErrors(/uncaught for Segment/);
  await openPage(TRACKED);
  await page.evaluate(() => void setTimeout(() => { throw new Error('uncaught for Segment'); }));
  const event = await project.waitForError('uncaught for Segment');
  expect((await waitForErrorCall(segment, event.event_id)).properties).toMatchObject({ handled: false, exceptionType: 'Error', message: 'uncaught for Segment' });
  await page.evaluate(() => window.SegmentSentry?.captureMessage('only a message'));
  await project.waitForError('only a message');
  await settleBothWays(page, project, segment);
  expect(errorCalls(segment).map((body) => body.properties?.message)).toEqual(['uncaught for Segment', 'the last error']);
});

everyEngine('without trackErrors, no Error Captured call is made', async ({ openPage, page, project, segment }) => {
  await openPage({ beforeBundle: SNIPPET });
  await captureError(page, 'not tracked');
  await project.waitForError('not tracked');
  await page.evaluate(() => window.SegmentSentry?.flush(5000));
  await deliveredCall(page, 'track', ['Sentinel', {}, {}]);
  expect(errorCalls(segment)).toEqual([]);
});

everyEngine('a filtered error and a deduplicated one make neither an event nor an Error Captured call', async ({ openPage, page, project, segment }) => {
  await openPage({ ...TRACKED, settings: { trackErrors: true, ignoreErrors: ['filtered out'] } });
  await page.evaluate(() => {
    window.SegmentSentry?.captureException(new Error('filtered out'));
    // The same error twice, from the same line: Sentry sends the first only.
    for (let i = 0; i < 2; i++) window.SegmentSentry?.captureException(new Error('twice'));
  });
  await settleBothWays(page, project, segment);
  expect(arrived(project, 'filtered out')).toEqual([]);
  expect(arrived(project, 'twice')).toHaveLength(1);
  expect(errorCalls(segment).map((body) => body.properties?.message)).toEqual(['twice', 'the last error']);
});

everyEngine('consent unknown, then granted: the kept error and its Error Captured call arrive then, once', async ({ openPage, page, project, segment }) => {
  await openPage({ ...TRACKED, settings: { trackErrors: true, consentSettings: { categories: ['Analytics'] } } });
  await captureError(page, 'before the visitor answered');
  expect(await page.evaluate(() => window.SegmentSentry?.flush(500)), 'kept, waiting for consent').toBe(false);
  await deliveredCall(page, 'track', ['Sentinel', {}, {}]);
  expect(project.items()).toEqual([]);
  expect(errorCalls(segment)).toEqual([]);
  await page.evaluate(() => window.SegmentSentry?.setConsent({ Analytics: true }));
  const event = await project.waitForError('before the visitor answered');
  await waitForErrorCall(segment, event.event_id);
  await settleBothWays(page, project, segment);
  expect(arrived(project, 'before the visitor answered')).toHaveLength(1);
  expect(errorCalls(segment).filter((body) => body.properties?.eventId === event.event_id)).toHaveLength(1);
});

everyEngine('consent denied: neither the error nor an Error Captured call', async ({ openPage, page, project, segment }) => {
  await openPage({ ...TRACKED, settings: { trackErrors: true, consentSettings: { categories: ['Analytics'] } } });
  await page.evaluate(() => window.SegmentSentry?.setConsent({ Analytics: false }));
  await captureError(page, 'while denied');
  await page.evaluate(() => window.SegmentSentry?.setConsent({ Analytics: true }));
  await settleBothWays(page, project, segment);
  expect(arrived(project, 'while denied')).toEqual([]);
  expect(errorCalls(segment).map((body) => body.properties?.message)).toEqual(['the last error']);
});

everyEngine('50 errors in a burst: all reach Sentry, at most 10 Error Captured calls', async ({ openPage, page, project, segment }) => {
  await openPage(TRACKED);
  await page.evaluate(() => {
    for (let i = 0; i < 50; i++) window.SegmentSentry?.captureException(new Error(`burst ${i}`));
  });
  await poll(() => arrived(project, 'burst ').length, { timeout: 15_000 }).toBe(50);
  await page.evaluate(() => window.SegmentSentry?.flush(5000));
  await deliveredCall(page, 'track', ['Sentinel', {}, {}]);
  await poll(() => errorCalls(segment).length).toBe(10);
  const sentIds = new Set(project.events().map((event) => event.event_id));
  expect(errorCalls(segment).every((body) => sentIds.has(body.properties?.eventId as string))).toBe(true);
  // (No later error to check the cap further: the burst used up Sentry's per-page budget, which refills 1 a second.)
});

const throwingTracks: Array<[string, string, RegExp]> = [
  ['throws', "throw new Error('track boom')", /^\[segment-sentry\] analytics\.track\('Error Captured'\) failed: Error: track boom$/],
  ['returns a rejected promise', "return Promise.reject(new Error('track boom'))", /^\[segment-sentry\] analytics\.track\('Error Captured'\) failed: Error: track boom$/],
];
for (const [index, [how, body, message]] of throwingTracks.entries()) {
  everyEngine(`an analytics.track that ${how}: one console line, and no further Sentry event`, async ({ openPage, page, project, consoleLog, pageErrors }) => {
    consoleLog.expectErrors(message);
    await openPage(TRACKED);
    await page.evaluate(() => new Promise((resolve) => window.analytics.ready(resolve)));
    await page.evaluate((code) => {
      const original = window.analytics.track;
      // Only our call fails; the page's own (the sentinel) still works.
      window.analytics.track = function (this: unknown, name: string, ...rest: unknown[]) {
        if (name === 'Error Captured') return new Function(code)();
        return original.call(this, name, ...rest);
      };
    }, body);
    await captureError(page, 'the first error');
    await project.waitForError('the first error');
    await project.settle(page);
    expect(project.events().map(describeEvent)).toEqual(['Error: the first error', 'segment-sentry sentinel']);
    await consoleLog.waitFor(message);
    expect(pageErrors).toEqual([]);
  }, caseOfACrossing(index, 'how the track call fails'));
}

everyEngine("with the Segment app's settings, the page-level settings element turns trackErrors on", async ({ openPage, page, project, segment }) => {
  segment.settings = { integrations: { Sentry: { config: project.dsn, release: 'from-the-app' } } };
  await openPage({
    settings: null,
    beforeBundle: `<script type="application/json" id="segment-sentry-page-settings">{"trackErrors": true}</script>
      <script>${segmentSnippet({ load: { integrations: { Sentry: false } } })}</script>`,
  });
  await captureError(page, 'with the app settings');
  const event = await project.waitForError('with the app settings');
  expect(event.release).toBe('from-the-app');
  expect((await waitForErrorCall(segment, event.event_id)).properties).toMatchObject({ release: 'from-the-app', message: 'with the app settings' });
});

everyEngine('a page-level settings element that is not a JSON object: one warning, and the Segment app\'s settings apply', async ({ openPage, page, project, segment, consoleLog }) => {
  segment.settings = { integrations: { Sentry: { config: project.dsn, release: 'from-the-app' } } };
  await openPage({
    settings: null,
    beforeBundle: `<script type="application/json" id="segment-sentry-page-settings">["trackErrors"]</script>
      <script>${segmentSnippet({ load: { integrations: { Sentry: false } } })}</script>`,
  });
  await captureError(page, 'despite the page settings');
  expect((await project.waitForError('despite the page settings')).release).toBe('from-the-app');
  await poll(() => consoleLog.ours()).toEqual([
    { type: 'warning', text: '[segment-sentry] page-level settings element #segment-sentry-page-settings must be a JSON object; ignored' },
  ]);
});
