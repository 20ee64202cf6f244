import { expect, test } from '@playwright/test';
import fc from 'fast-check';
import { parseSettings } from './settings';

const DSN = 'https://public@o1.ingest.example/42';

test('any JSON value gives settings or problems, and never throws', () => {
  fc.assert(
    fc.property(fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.string()), (input) => {
      const { settings, problems } = parseSettings(input, 'test input');
      // Either it started, or an error says why not.
      expect(settings !== undefined || problems.some((problem) => problem.level === 'error')).toBe(true);
    }),
    { numRuns: 500 },
  );
});

test('property: Sentry starts exactly when config is a usable DSN, and every problem names what it is about', () => {
  const otherKeys = fc.dictionary(
    fc.constantFrom('release', 'relase', 'debug', 'environment', 'logger', 'serverName', 'customVersionProperty', 'ignoreErrors', 'ignoreUrls', 'whitelistUrls', 'includePaths', 'tunnel', 'maxMessageLength'),
    fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 4 }), fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 })),
    { maxKeys: 6 },
  );
  const configs = fc.constantFrom(DSN, 'https://public:secret@o1.ingest.example/42', 'not a dsn', 'ftp://public@host/1', 'https://host/1', '', 42, null, undefined);
  fc.assert(
    fc.property(otherKeys, configs, fc.boolean(), (rest, config, asDocument) => {
      const destination = config === undefined ? rest : { ...rest, config };
      const input = asDocument ? { integrations: { Sentry: destination } } : destination;
      const { settings, problems } = parseSettings(input, 'test input');
      const usable = config === DSN || config === 'https://public:secret@o1.ingest.example/42';
      expect(settings !== undefined).toBe(usable);
      if (usable) {
        expect(settings?.dsn).toBe(DSN); // a secret is dropped
        expect(problems.filter((problem) => problem.level === 'error')).toEqual([]);
      } else {
        expect(problems[0]).toMatchObject({ level: 'error', message: expect.stringContaining('config (the Public DSN)') });
      }
      for (const { message } of problems) {
        expect(message).not.toMatch(/\[object Object\]|\bundefined\b/);
        // Each names a setting (or the DSN) it is about.
        expect(message).toMatch(/^(config|unknown setting|\w+(\[\d+\])? |tunnel|debug)/);
      }
    }),
    { numRuns: 300 },
  );
});

test("Segment's unset values (empty strings and nulls) are not problems", () => {
  const { settings, problems } = parseSettings(
    { config: DSN, release: '', customVersionProperty: null, logger: '', ignoreErrors: null, debug: null, maxMessageLength: null },
    'test input',
  );
  expect(problems).toEqual([]);
  expect(settings).toMatchObject({ dsn: DSN, debug: false, ignoreErrors: [] });
  expect(settings?.release).toBeUndefined();
});

test('pattern syntax: /source/flags is a RegExp without stateful flags; other strings are substrings or, for includePaths, regex sources', () => {
  const { settings } = parseSettings(
    { config: DSN, ignoreErrors: ['/^Boom$/gi', 'plain'], includePaths: ['^https://cdn\\.example\\.com/', '/app/i'] },
    'test input',
  );
  const [regex, plain] = settings!.ignoreErrors;
  expect(regex).toBeInstanceOf(RegExp);
  expect((regex as RegExp).flags).toBe('i');
  expect(plain).toBe('plain');
  expect(settings!.includePaths.map(String)).toEqual(['/^https:\\/\\/cdn\\.example\\.com\\//', '/app/i']);
});

test('a DSN is trimmed, stripped of its secret and of any query', () => {
  const { settings, problems } = parseSettings({ config: '  https://public:secret@o1.ingest.example:8443/path/42/?x=1 ' }, 'test input');
  expect(settings?.dsn).toBe('https://public@o1.ingest.example:8443/path/42');
  expect(problems.map((problem) => problem.message)).toEqual([expect.stringContaining('contains a secret key')]);
});

test('tracing and replay settings: rates from 0 to 1, one message for each bad one and the rest applies', () => {
  const { settings, problems } = parseSettings(
    {
      config: DSN,
      tracesSampleRate: 1.5,
      replaysSessionSampleRate: '0.5',
      replaysOnErrorSampleRate: 1,
      tracePropagationTargets: ['api.example.com', '/^\\/api\\//', 3],
      release: 'r1',
    },
    'test input',
  );
  expect(problems.map((problem) => problem.message)).toEqual([
    'tracePropagationTargets[2] must be a string, got a number; skipped',
    'tracesSampleRate must be a number from 0 to 1, got 1.5; using 0',
    'replaysSessionSampleRate must be a number from 0 to 1, got a string; using 0',
  ]);
  expect(settings).toMatchObject({ release: 'r1', replaysOnErrorSampleRate: 1 });
  expect(settings!.tracesSampleRate).toBeUndefined();
  expect(settings!.replaysSessionSampleRate).toBeUndefined();
  expect(settings!.tracePropagationTargets.map(String)).toEqual(['api.example.com', '/^\\/api\\//']);
});

test('tracing and replay settings come from the page-level settings element over the Segment app’s', () => {
  const { settings, problems } = parseSettings(
    { integrations: { Sentry: { config: DSN } } },
    'test input',
    JSON.stringify({ tracesSampleRate: 0.25, replaysOnErrorSampleRate: 1, tracePropagationTargets: ['/^https:\\/\\/api\\./'] }),
  );
  expect(problems).toEqual([]);
  expect(settings).toMatchObject({ tracesSampleRate: 0.25, replaysOnErrorSampleRate: 1 });
  expect(settings!.replaysSessionSampleRate).toBeUndefined();
  expect(settings!.tracePropagationTargets).toHaveLength(1);
});
