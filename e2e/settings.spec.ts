import { everyEngine, expect, sendSentinel, test } from './support/fixtures';

// The errors this file's pages throw on purpose; any other page error fails a test (e2e/support/fixtures.ts).
test.use({ expectedPageErrors: [/boom|early rejection/] });

const throwError = (message: string) => `<script>setTimeout(function () { throw new Error(${JSON.stringify(message)}); });</script>`;

test.describe('Public DSN (config)', () => {
  everyEngine('events go to the project the DSN names, authenticated with its public key', async ({ openPage, project }) => {
    await openPage({ body: throwError('dsn boom') });
    await project.waitForError('dsn boom');
    const url = new URL(project.items('event')[0]!.url);
    expect(url.pathname).toBe(`/api/${project.id}/envelope/`);
    expect(url.searchParams.get('sentry_key')).toBe('public');
  });

  everyEngine("Segment's whole settings document is accepted as it is", async ({ openPage, project }) => {
    await openPage({
      settings: JSON.stringify({
        integrations: { 'Segment.io': { apiKey: 'abc' }, Sentry: { config: project.dsn, release: 'from-document@1' } },
      }),
      body: throwError('document boom'),
    });
    expect((await project.waitForError('document boom')).release).toBe('from-document@1');
  });
});

test.describe('release and Set Release by Property (customVersionProperty)', () => {
  everyEngine('the window property named by customVersionProperty wins over release', async ({ openPage, project }) => {
    await openPage({
      beforeBundle: `<script>window.my_custom_version = '2.4.5';</script>`,
      settings: { customVersionProperty: 'my_custom_version', release: 'manual@1' },
      body: throwError('property boom'),
    });
    expect((await project.waitForError('property boom')).release).toBe('2.4.5');
  });

  everyEngine('a dotted path reads a nested property', async ({ openPage, project }) => {
    await openPage({
      beforeBundle: `<script>window.app = { build: { version: '7.1.0-nested' } };</script>`,
      settings: { customVersionProperty: 'app.build.version', release: 'manual@1' },
      body: throwError('nested boom'),
    });
    expect((await project.waitForError('nested boom')).release).toBe('7.1.0-nested');
  });

  everyEngine('without the property the release setting is used', async ({ openPage, project }) => {
    await openPage({ settings: { customVersionProperty: 'missing_version', release: 'manual@2' }, body: throwError('fallback boom') });
    expect((await project.waitForError('fallback boom')).release).toBe('manual@2');
  });

  everyEngine("without either, Sentry's own window.SENTRY_RELEASE.id is used", async ({ openPage, project }) => {
    await openPage({
      beforeBundle: `<script>window.SENTRY_RELEASE = { id: 'injected@3' };</script>`,
      settings: { customVersionProperty: 'missing_version' },
      body: throwError('injected boom'),
    });
    expect((await project.waitForError('injected boom')).release).toBe('injected@3');
  });

  everyEngine('a property that appears after start-up is on the events sent after it appears', async ({ openPage, project }) => {
    const page = await openPage({ settings: { customVersionProperty: 'late_version', release: 'before@1' } });
    await page.evaluate(() => window.SegmentSentry?.captureMessage('before the property'));
    expect((await project.waitForEvent((event) => event.message === 'before the property')).release).toBe('before@1');
    await page.evaluate(() => {
      (window as unknown as { late_version: string }).late_version = 'after@2';
      window.SegmentSentry?.captureMessage('after the property');
    });
    expect((await project.waitForEvent((event) => event.message === 'after the property')).release).toBe('after@2');
  });
});

test.describe('environment, logger and serverName', () => {
  everyEngine('each is set on the event', async ({ openPage, project }) => {
    await openPage({
      settings: { environment: 'staging', logger: 'checkout-logger', serverName: 'device-B5372DB0' },
      body: throwError('fields boom'),
    });
    const event = await project.waitForError('fields boom');
    expect(event.environment).toBe('staging');
    expect(event.logger).toBe('checkout-logger');
    expect(event.server_name).toBe('device-B5372DB0');
  });

  everyEngine('without them the event carries Sentry defaults and no logger or server name', async ({ openPage, project }) => {
    await openPage({ body: throwError('defaults boom') });
    const event = await project.waitForError('defaults boom');
    expect(event.environment).toBe('production');
    expect(event.logger).toBeUndefined();
    expect(event.server_name).toBeUndefined();
  });
});

test.describe('Debug Mode (debug)', () => {
  everyEngine('each event is written to the console and nothing reaches the ingest', async ({ openPage, pageUrl, project, consoleLog, page }) => {
    await openPage({ settings: { debug: true } });
    const eventId = await page.evaluate(() => {
      setTimeout(() => { throw new Error('debug boom'); });
      return window.SegmentSentry?.captureMessage('debug message');
    });
    await consoleLog.waitFor(/^\[segment-sentry\] debug mode, not sent: error "Error: debug boom", event id [0-9a-f]{32}$/);
    const message = await consoleLog.waitFor(/debug mode, not sent: message \(info\) "debug message"/);
    expect(message.text).toContain(`event id ${eventId}`);
    expect(await page.evaluate(() => window.SegmentSentry?.flush(5000))).toBe(true);

    // The ingest agrees: the page is left (a chance to send on the way out), and a sentinel sent to the same
    // project by a page without debug arrives alone.
    await page.goto(pageUrl());
    await sendSentinel(page);
    expect(project.items().map((item) => (item.type === 'event' ? item.payload.message : item.type))).toEqual(['segment-sentry sentinel']);
  });
});

test.describe('where the settings come from', () => {
  everyEngine('a settings element placed after the script is found once the document is parsed', async ({ openPage, project }) => {
    const page = await openPage({ settingsPlacement: 'body-end', settings: { release: 'late-element@1' } });
    await page.evaluate(() => setTimeout(() => { throw new Error('late element boom'); }));
    expect((await project.waitForError('late element boom')).release).toBe('late-element@1');
  });

  everyEngine('errors thrown before the settings are known are kept and sent, unhandled, with their stack', async ({
    openPage,
    project,
  }) => {
    await openPage({
      settingsPlacement: 'body-end',
      body: `<script>
        function failEarly() { throw new Error('early boom'); }
        failEarly();
      </script>
      <script>Promise.reject(new Error('early rejection'));</script>`,
    });
    const early = (await project.waitForError('early boom')).exception?.values?.[0];
    expect(early?.mechanism).toMatchObject({ handled: false, type: 'auto.browser.global_handlers.onerror' });
    expect(early?.stacktrace?.frames?.some((frame) => frame.function === 'failEarly')).toBe(true);
    const rejection = (await project.waitForError('early rejection')).exception?.values?.[0];
    expect(rejection?.mechanism).toMatchObject({ handled: false, type: 'auto.browser.global_handlers.onunhandledrejection' });
  });

  everyEngine('with no settings element, SegmentSentry.init(settings) starts Sentry', async ({ openPage, project }) => {
    const page = await openPage({ settings: null });
    expect(await page.evaluate((dsn) => window.SegmentSentry?.init({ config: dsn, release: 'init@1' }), project.dsn)).toBe(true);
    await page.evaluate(() => setTimeout(() => { throw new Error('init boom'); }));
    expect((await project.waitForError('init boom')).release).toBe('init@1');
  });

  everyEngine('init also takes the settings as JSON text', async ({ openPage, project }) => {
    const page = await openPage({ settings: null });
    const text = JSON.stringify({ config: project.dsn, environment: 'json-text' });
    expect(await page.evaluate((json) => window.SegmentSentry?.init(json), text)).toBe(true);
    await page.evaluate(() => window.SegmentSentry?.captureMessage('json text message'));
    expect((await project.waitForEvent((event) => event.message === 'json text message')).environment).toBe('json-text');
  });
});
