import { expect, test } from '@playwright/test';
import fc from 'fast-check';
import { parseSettings } from './settings';

const DSN = 'https://public@o1.ingest.example/42';

test('any JSON value gives settings or problems, and never throws', () => {
  const settingsLike = fc.dictionary(
    fc.constantFrom('config', 'release', 'relase', 'debug', 'environment', 'logger', 'serverName', 'customVersionProperty',
      'ignoreErrors', 'ignoreUrls', 'whitelistUrls', 'includePaths', 'integrations', 'maxMessageLength'),
    fc.jsonValue(),
  );
  fc.assert(
    fc.property(fc.oneof(fc.jsonValue({ maxDepth: 3 }), settingsLike, fc.string()), (input) => {
      const { settings, problems } = parseSettings(input, 'test input');
      // Either it started, or an error says why not; every problem says something.
      return (settings !== undefined || problems.some((problem) => problem.level === 'error')) && problems.every((problem) => problem.message.length > 0);
    }),
    { numRuns: 1000 },
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
