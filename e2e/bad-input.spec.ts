import { everyEngine, expect, poll, test, type Event } from './support/fixtures';

/**
 * Each bad input gets exactly one clear `[segment-sentry]` message, never an uncaught error, and
 * the page's own later scripts still run. A bad setting is skipped and the rest still applies;
 * without a usable DSN nothing starts.
 */
interface BadInput {
  name: string;
  settings: (dsn: string) => string | Record<string, unknown>;
  message: RegExp;
  /** 'error' when nothing starts, 'warning' when one setting is skipped. */
  level: 'error' | 'warning';
  /** For inputs that still start Sentry: what the event shows of the settings that did apply. */
  check?: (event: Event) => void;
  /** Where the settings element goes (default: before our script). */
  placement?: 'head' | 'body-end';
  /** More markup in <body> (a second settings element, say). */
  body?: string;
}

const REST_APPLIES = { environment: 'rest-applies' };
const restApplied = (event: Event) => expect(event.environment).toBe('rest-applies');

const cases: BadInput[] = [
  { name: 'malformed JSON', settings: (dsn) => `{"config": "${dsn}",`, message: /settings element #segment-sentry-settings is not valid JSON \(.+\); Sentry was not started$/, level: 'error' },
  { name: 'JSON that is not an object', settings: () => '[1, 2]', message: /must be a JSON object, got an array; Sentry was not started$/, level: 'error' },
  { name: 'a Segment document without Sentry', settings: () => '{"integrations": {"Segment.io": {}}}', message: /is a Segment settings document without integrations\.Sentry/, level: 'error' },
  { name: 'a missing DSN', settings: () => JSON.stringify({ release: '1.0.0' }), message: /config \(the Public DSN\) is required, it is missing; Sentry was not started$/, level: 'error' },
  { name: 'a DSN of the wrong type', settings: () => JSON.stringify({ config: 42 }), message: /config \(the Public DSN\) is required, got a number/, level: 'error' },
  { name: 'a DSN that is not a URL', settings: () => JSON.stringify({ config: 'not a dsn' }), message: /config \(the Public DSN\) "not a dsn" is not a DSN \(expected https:\/\/<public key>@<host>\/<project id>\)/, level: 'error' },
  { name: 'a DSN that is not http', settings: () => JSON.stringify({ config: 'ftp://public@127.0.0.1/1' }), message: /has protocol ftp:; a DSN is http or https/, level: 'error' },
  { name: 'a DSN without a public key', settings: () => JSON.stringify({ config: 'http://127.0.0.1:9/1' }), message: /has no public key/, level: 'error' },
  { name: 'a DSN without a project id', settings: () => JSON.stringify({ config: 'http://public@127.0.0.1:9/' }), message: /does not end in a numeric project id/, level: 'error' },
  {
    name: 'a DSN carrying a secret',
    settings: (dsn) => ({ config: dsn.replace('public@', 'public:secret@'), ...REST_APPLIES }),
    message: /config \(the Public DSN\) contains a secret key, which must never be on a web page; using the DSN without it$/,
    level: 'warning',
    check: restApplied,
  },
  {
    name: 'a misspelt key',
    settings: (dsn) => ({ config: dsn, relase: '1.0.0', ...REST_APPLIES }),
    message: /unknown setting "relase" ignored \(did you mean "release"\?\)$/,
    level: 'warning',
    check: (event) => {
      restApplied(event);
      expect(event.release).toBeUndefined();
    },
  },
  {
    name: 'a string setting of the wrong type',
    settings: (dsn) => ({ config: dsn, release: 42, ...REST_APPLIES }),
    message: /release must be a string, got a number; ignored$/,
    level: 'warning',
    check: (event) => {
      restApplied(event);
      expect(event.release).toBeUndefined();
    },
  },
  {
    name: 'debug that is not a boolean',
    settings: (dsn) => ({ config: dsn, debug: 'yes', ...REST_APPLIES }),
    message: /debug must be true or false, got a string; using false$/,
    level: 'warning',
    check: restApplied,
  },
  {
    name: 'trackErrors that is not a boolean',
    settings: (dsn) => ({ config: dsn, trackErrors: 'yes', ...REST_APPLIES }),
    message: /trackErrors must be true or false, got a string; using false$/,
    level: 'warning',
    check: restApplied,
  },
  {
    name: 'a list setting that is not an array',
    settings: (dsn) => ({ config: dsn, ignoreErrors: 'bad input boom', ...REST_APPLIES }),
    message: /ignoreErrors must be an array of strings, got a string; ignored$/,
    level: 'warning',
    check: restApplied,
  },
  {
    name: 'a list entry that is not a string',
    settings: (dsn) => ({ config: dsn, ignoreUrls: [42], ...REST_APPLIES }),
    message: /ignoreUrls\[0\] must be a string, got a number; skipped$/,
    level: 'warning',
    check: restApplied,
  },
  {
    name: 'an invalid regular expression',
    settings: (dsn) => ({ config: dsn, includePaths: ['(unclosed'], ...REST_APPLIES }),
    message: /includePaths\[0\] "\(unclosed" is not a usable regular expression \(.+\); skipped$/,
    level: 'warning',
    check: restApplied,
  },
  { name: 'null instead of settings', settings: () => 'null', message: /must be a JSON object, got null; Sentry was not started$/, level: 'error' },
  { name: 'an empty settings element', settings: () => '', message: /is not valid JSON \(.+\); Sentry was not started$/, level: 'error' },
  { name: 'a Segment document whose Sentry entry is not an object', settings: () => '{"integrations": {"Sentry": true}}', message: /without integrations\.Sentry/, level: 'error' },
  { name: 'a blank DSN', settings: () => JSON.stringify({ config: '   ' }), message: /config \(the Public DSN\) is required, it is blank/, level: 'error' },
  { name: 'a null DSN', settings: () => JSON.stringify({ config: null, release: '1' }), message: /config \(the Public DSN\) is required, it is missing/, level: 'error' },
  { name: 'a DSN that is an object', settings: () => JSON.stringify({ config: { dsn: 'x' } }), message: /is required, got an object/, level: 'error' },
  { name: 'a javascript: DSN', settings: () => JSON.stringify({ config: 'javascript:alert(1)//public@host/1' }), message: /has protocol javascript:/, level: 'error' },
  // The one setting that stops start-up when wrong: skipping it would send without the consent it asks for.
  ...[['a string', 'Analytics'], ['categories of numbers', { categories: [1] }]].map(([what, consentSettings]): BadInput => ({
    name: `consentSettings that is ${what}`,
    settings: (dsn) => ({ config: dsn, consentSettings }),
    message: /consentSettings must be \{"categories": \["<category name>", …\]\}, as in Segment's settings; Sentry was not started, so that nothing is sent without the consent it asks for$/,
    level: 'error',
  })),
  {
    name: 'malformed JSON in a settings element after the script',
    settings: () => '{config:',
    placement: 'body-end',
    message: /settings element #segment-sentry-settings is not valid JSON/,
    level: 'error',
  },
  ...(
    [
      ['customVersionProperty', 5, /customVersionProperty must be a string, got a number; ignored$/],
      ['environment', {}, /environment must be a string, got an object; ignored$/],
      ['logger', [], /logger must be a string, got an array; ignored$/],
      ['serverName', true, /serverName must be a string, got a boolean; ignored$/],
      ['globalAnalyticsKey', 7, /globalAnalyticsKey must be a string, got a number; ignored$/],
      ['debug', 1, /debug must be true or false, got a number; using false$/],
      ['whitelistUrls', {}, /whitelistUrls must be an array of strings, got an object; ignored$/],
      ['includePaths', '^https://', /includePaths must be an array of strings, got a string; ignored$/],
      ['ignoreErrors', [''], /ignoreErrors\[0\] is empty; skipped$/],
      ['ignoreErrors', ['/(a+)+$/'], /ignoreErrors\[0\] "\/\(a\+\)\+\$\/" is not a usable regular expression \(nested quantifiers can take exponential time \(ReDoS\)\); skipped$/],
      ['includePaths', ['(\\w*)*x'], /includePaths\[0\] .*\(nested quantifiers/],
      ['ignoreUrls', Array.from({ length: 10_000 }, (_, i) => `/never-${i}/`), /ignoreUrls has 10000 entries; only the first 200 are used$/],
    ] as Array<[string, unknown, RegExp]>
  ).map(([key, value, message]): BadInput => ({
    name: `${key} of ${JSON.stringify(value).slice(0, 30)}`,
    settings: (dsn) => ({ config: dsn, [key]: value, ...(key === 'environment' ? {} : REST_APPLIES) }),
    message,
    level: 'warning',
    check: key === 'environment' ? (event) => expect(event.environment).toBe('production') : restApplied,
  })),
  {
    name: 'two settings elements',
    settings: (dsn) => ({ config: dsn, ...REST_APPLIES }),
    body: '<script type="application/json" id="segment-sentry-settings">{"config": "ignored"}</script>',
    message: /found 2 settings element #segment-sentry-settings; using the first and ignoring the others$/,
    level: 'warning',
    check: restApplied,
  },
];

test.describe('bad input', () => {

  cases.forEach((input, index) =>
    test.describe(() => {
      // Parsing the settings is the same JavaScript in every engine: every case runs in Chromium, every fourth in
      // Firefox and WebKit; what differs by engine is covered elsewhere. Skipped before any page is set up (a skip
      // inside the test still cost each one a page reset: 0.6 s in Firefox).
      if (index % 4 !== 0) test.skip(({ browserName }) => browserName !== 'chromium', 'engine-independent: sampled in Firefox and WebKit');
      everyEngine(`${input.name} gets one clear message and breaks nothing`, async ({ openPage, project, consoleLog, pageErrors, page }) => {
        consoleLog.expectErrors(input.message);
        const settings = input.settings(project.dsn);
        await openPage({
          settings: typeof settings === 'string' ? settings : JSON.stringify(settings),
          settingsPlacement: input.placement ?? 'head',
          body: `${input.body ?? ''}<script>window.laterScriptRan = true;</script>`,
        });
        expect(await page.evaluate(() => (window as unknown as { laterScriptRan?: boolean }).laterScriptRan)).toBe(true);

        if (input.check) {
          await page.evaluate(() => window.SegmentSentry?.captureException(new Error('bad input boom')));
          input.check(await project.waitForError('bad input boom'));
          // (That a DSN's secret is never used is src/settings/settings.test.ts's: Sentry never puts it in a URL.)
        } else {
          // Nothing started: a call is only queued, and nothing has gone to the ingest.
          expect(await page.evaluate(() => window.SegmentSentry?.captureMessage('queued while not started'))).toBeUndefined();
          expect(await page.evaluate(() => window.SegmentSentry?.flush(1000))).toBe(false);
          expect(project.items()).toEqual([]);
        }

        // Polled: a console line can reach the test after what came after it on the page (Firefox, over BiDi).
        await poll(() => consoleLog.ours().length, 'exactly one [segment-sentry] message').toBe(1);
        const ours = consoleLog.ours();
        expect(ours[0]!.text).toMatch(input.message);
        expect(ours[0]!.type).toBe(input.level);
        expect(pageErrors, 'uncaught errors on the page').toEqual([]);
      });
    }),
  );

  everyEngine('after a failed start, init with good settings starts Sentry and sends what was queued', async ({ openPage, project, page, consoleLog }) => {
    consoleLog.expectErrors(/is not valid JSON/);
    await openPage({ settings: '{"config": ' });
    await page.evaluate(() => window.SegmentSentry?.captureMessage('queued while not started'));
    expect(await page.evaluate((dsn) => window.SegmentSentry?.init({ config: dsn }), project.dsn)).toBe(true);
    await project.waitForEvent((event) => event.message === 'queued while not started', 'queued message');
  });
});
