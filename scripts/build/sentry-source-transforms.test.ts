// The build-time transforms of the Sentry SDK's files (scripts/esbuild-*-sentry.mjs): what they change,
// what they leave, and that they report what they expected and did not find (the build then fails).
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, test } from '@playwright/test';
import { isolateSentryNames } from './esbuild-isolate-sentry.mjs';
import { TRIMMED_FUNCTIONS, trimSentryFunctions } from './esbuild-trim-sentry.mjs';

const SDK = '/project/node_modules/@sentry';

test('a trimmed function keeps its signature and throws; the rest of its file is untouched', async () => {
  const trim = trimSentryFunctions({ announce: false });
  trim.reset();
  const source = [
    'function convertTransactionEventToSpanJson(event) { return event.contexts.trace; }',
    'function convertSpanJsonToTransactionEvent(span) { return { type: "transaction", span }; }',
    'function unrelated() { return 1; }',
  ].join('\n');
  const out = await trim.apply(`${SDK}/core/build/esm/utils/transactionEvent.js`, source);
  expect(out).toContain(
    'function convertTransactionEventToSpanJson(event) {throw Error("[segment-sentry] unreachable SDK code")}',
  );
  expect(out).toContain('function unrelated() { return 1; }');
  expect(out).not.toContain('contexts.trace');
});

test("an integration's span hook is emptied (the tracing extra file hooks in its own copy), its other methods are not", async () => {
  const trim = trimSentryFunctions({ announce: false });
  trim.reset();
  const source = `const httpContextIntegration = defineIntegration(() => ({
    name: "HttpContext",
    preprocessEvent(event) { event.request = {}; },
    processSpan(span) { span.attributes = {}; },
  }));`;
  const out = await trim.apply(`${SDK}/browser/build/npm/esm/prod/integrations/httpcontext.js`, source);
  expect(out).toContain('preprocessEvent(event) { event.request = {}; }');
  expect(out).toContain('processSpan(span) {}');
});

test('in the build the e2e tests run, a trimmed function that is reached says so on the console before it throws', async () => {
  const trim = trimSentryFunctions({ announce: true });
  trim.reset();
  const out = await trim.apply(`${SDK}/core/build/esm/utils/should-ignore-span.js`, 'function shouldIgnoreSpan(span, ignoreSpans) { return false; }');
  expect(out).toContain(
    'function shouldIgnoreSpan(span, ignoreSpans) {console.error("[segment-sentry] unreachable SDK code reached: shouldIgnoreSpan");throw Error("[segment-sentry] shouldIgnoreSpan is not in this bundle")}',
  );
});

test('a listed module-level constant gets the given value; its neighbours are untouched', async () => {
  const trim = trimSentryFunctions({ announce: false });
  trim.reset();
  const source = 'const DEFAULT_EVENT_TARGET = "EventTarget,Window,Node".split(",");\nconst INTEGRATION_NAME = "BrowserApiErrors";';
  const out = await trim.apply(`${SDK}/browser/build/npm/esm/prod/integrations/browserapierrors.js`, source);
  expect(out).toContain('const DEFAULT_EVENT_TARGET = [];');
  expect(out).toContain('const INTEGRATION_NAME = "BrowserApiErrors";');
});

test('what a transform expected and did not find is reported, so the build fails after an SDK upgrade', async () => {
  const trim = trimSentryFunctions({ announce: false });
  trim.reset();
  await trim.apply(`${SDK}/core/build/esm/utils/should-ignore-span.js`, 'function shouldIgnoreSpan() { return false; }');
  const missing = trim.missing();
  expect(missing).toContain('core/build/esm/utils/should-ignore-span.js#reparentChildSpans');
  expect(missing).not.toContain('core/build/esm/utils/should-ignore-span.js#shouldIgnoreSpan');

  const isolate = isolateSentryNames();
  isolate.reset();
  expect(isolate.apply('', 'carrier.__SENTRY__ = carrier.__SENTRY__ || {};')).toBe('carrier.__SEGMENT_SENTRY__ = carrier.__SEGMENT_SENTRY__ || {};');
  expect(isolate.missing()).toContain('__sentry_captured__');
  expect(isolate.missing()).not.toContain('__SENTRY__');
});

test('a name listed once but defined twice in its file stops the build rather than guess', async () => {
  const trim = trimSentryFunctions({ announce: false });
  trim.reset();
  const source = 'function applySpanToEvent() {}\nconst other = { applySpanToEvent() {} };';
  await expect(trim.apply(`${SDK}/core/build/esm/utils/scopeData.js`, source)).rejects.toThrow(/not the only function/);
});

test("the data-collection options the full bundle reads are exactly what the installed SDK resolves for our client's options", async () => {
  const require = createRequire(import.meta.url);
  const core = dirname(dirname(dirname(require.resolve('@sentry/core'))));
  const path = join(core, 'build/esm/utils/data-collection/resolveDataCollectionOptions.js');
  const trim = trimSentryFunctions({ announce: false });
  trim.reset();
  const out = await trim.apply(path, await readFile(path, 'utf8'));
  const returned = /function resolveDataCollectionOptions\(options\) \{return (.*)\}/.exec(out)?.[1];
  const { resolveDataCollectionOptions } = await import(pathToFileURL(path).href);
  // The options object our client passes (src/sentry/sentry-client.ts), every key it sets, as the client passes it whole.
  const clientOptions = {
    dsn: 'https://public@o1.ingest.sentry.io/1',
    tunnel: 'https://shop.example/sentry-tunnel',
    release: 'shop@1.0.0',
    environment: 'production',
    ignoreErrors: ['ignored'],
    denyUrls: [/vendor/],
    allowUrls: [/app/],
    integrations: [{ name: 'Dedupe' }],
    stackParser: () => [],
    transport: () => ({ send: () => Promise.resolve({}), flush: () => Promise.resolve(true) }),
    transportOptions: { dbName: 'segment-sentry-offline', maxQueueSize: 30, flushAtStartup: true, bufferSize: 100 },
  };
  const source = await readFile(new URL('../../src/sentry/sentry-client.ts', import.meta.url), 'utf8');
  expect(source).not.toContain('dataCollection'); // the one option the SDK's function reads
  // Only what the full bundle reads is kept (userInfo, httpHeaders.request; urlQueryParams is read as `?? true`); the
  // extra files put the SDK's whole resolution back (src/extras/install.ts).
  const ours = new Function(`return ${returned}`)() as { userInfo: boolean; httpHeaders: { request: boolean }; urlQueryParams?: boolean };
  const sdk = resolveDataCollectionOptions(clientOptions);
  expect(ours).toEqual({ userInfo: sdk.userInfo, httpHeaders: { request: sdk.httpHeaders.request } });
  expect(sdk.urlQueryParams ?? true).toBe(true);
});

/** A `{ body }` trim's code as a function of the given names (its parameters, then the module imports it names). */
function rewritten(file: string, name: string, names: string[]): (...values: unknown[]) => unknown {
  const kind = TRIMMED_FUNCTIONS[file]?.[name];
  if (!kind || typeof kind !== 'object' || !('body' in kind)) throw new Error(`${file}#${name} is not rewritten`);
  return new Function(...names, kind.body) as (...values: unknown[]) => unknown;
}

test("Debug IDs: the rewritten lookup gives an error event the same debug_meta images, and the same frames, as the SDK's own", async () => {
  const core = dirname(dirname(dirname(createRequire(import.meta.url).resolve('@sentry/core'))));
  const { applyDebugIds, applyDebugMeta } = await import(pathToFileURL(join(core, 'build/esm/utils/prepareEvent.js')).href);
  const { defaultStackParser } = await import('@sentry/browser');
  const global = globalThis as { _sentryDebugIds?: Record<string, string>; _debugIds?: Record<string, string> };
  // As Sentry's bundler plugins write them: the stack of an Error made in each file of the site's, and its Debug ID.
  const stackIn = (url: string) => `Error\n    at ${url}:1:42\n    at ${url}:1:7`;
  global._sentryDebugIds = { [stackIn('https://shop.example/app.min.js')]: 'a1', [stackIn('https://shop.example/vendor.min.js')]: 'b2' };
  global._debugIds = { [stackIn('https://cdn.example/native.min.js')]: 'c3' };
  const event = () => ({
    exception: {
      values: [
        { stacktrace: { frames: ['https://shop.example/app.min.js', 'https://shop.example/other.js', 'https://shop.example/app.min.js'].map((filename) => ({ filename })) } },
        { stacktrace: { frames: ['https://cdn.example/native.min.js', 'https://shop.example/vendor.min.js'].map((filename) => ({ filename })) } },
        {},
      ],
    },
  });
  try {
    const sdk = event();
    applyDebugIds(sdk, defaultStackParser);
    applyDebugMeta(sdk);
    const lookup = rewritten('core/build/esm/utils/debug-ids.js', 'getFilenameToDebugIdMap', ['stackParser', 'GLOBAL_OBJ']);
    const ours = event();
    rewritten('core/build/esm/utils/prepareEvent.js', 'applyDebugIds', ['event', 'stackParser', 'getFilenameToDebugIdMap'])(ours, defaultStackParser, (parser: unknown) => lookup(parser, globalThis));
    expect((sdk as { debug_meta?: unknown }).debug_meta).toBeDefined();
    expect(ours).toEqual(sdk);
    // No Debug IDs on the page: no debug_meta at all, as the SDK.
    delete global._sentryDebugIds;
    delete global._debugIds;
    const none = event();
    rewritten('core/build/esm/utils/prepareEvent.js', 'applyDebugIds', ['event', 'stackParser', 'getFilenameToDebugIdMap'])(none, defaultStackParser, (parser: unknown) => lookup(parser, globalThis));
    expect(none).toEqual(event());
  } finally {
    delete global._sentryDebugIds;
    delete global._debugIds;
  }
});

test("a session: the rewritten Client#sendSession and createSessionEnvelope send the envelope the SDK's own send, and skip a session without a release as it does", async () => {
  const core = dirname(dirname(dirname(createRequire(import.meta.url).resolve('@sentry/core'))));
  const { Client, makeSession, DEFAULT_ENVIRONMENT, createEnvelope, dsnToString, makeDsn } = await import('@sentry/core');
  const { createSessionEnvelope, getSdkMetadataForEnvelopeHeader } = {
    ...(await import(pathToFileURL(join(core, 'build/esm/envelope.js')).href)),
    ...(await import(pathToFileURL(join(core, 'build/esm/utils/envelope.js')).href)),
  };
  const safeDateNow = () => 1_700_000_000_000;
  const ourEnvelope = rewritten('core/build/esm/envelope.js', 'createSessionEnvelope', ['session', 'dsn', 'metadata', 'tunnel', 'getSdkMetadataForEnvelopeHeader', 'createEnvelope', 'safeDateNow', 'dsnToString']);
  const ourSend = rewritten('core/build/esm/client.js', 'sendSession', ['session', 'DEFAULT_ENVIRONMENT', 'createSessionEnvelope']);
  for (const options of [{ release: 'shop@1' }, { release: 'shop@1', environment: 'staging', tunnel: '/t' }, {}]) {
    /** A client as sendSession sees it: what it emits and sends. */
    const client = () => {
      const seen: unknown[] = [];
      return {
        seen,
        _options: { ...options, _metadata: { sdk: { name: 'sentry.javascript.browser', version: '11.12.0' } } },
        _dsn: makeDsn('https://key@o1.ingest.sentry.io/1'),
        emit: (hook: string, session: unknown) => seen.push([hook, JSON.parse(JSON.stringify(session))]),
        sendEnvelope: (envelope: [Record<string, unknown>, unknown[]]) => seen.push([{ ...envelope[0], sent_at: 'now' }, JSON.parse(JSON.stringify(envelope[1]))]),
      };
    };
    const session = () => Object.assign(makeSession({ sid: 'a'.repeat(32) }), { started: 1, timestamp: 2, duration: 1 });
    const sdk = client();
    (Client.prototype as unknown as { sendSession: (session: unknown) => void }).sendSession.call(sdk, session());
    const ours = client();
    ourSend.call(ours, session(), DEFAULT_ENVIRONMENT, (...args: unknown[]) =>
      ourEnvelope(...args, getSdkMetadataForEnvelopeHeader, createEnvelope, safeDateNow, dsnToString),
    );
    expect(ours.seen).toEqual(sdk.seen);
    expect(sdk.seen.length).toBe(options.release ? 2 : 0);
    // (the SDK's own envelope for the same session, made directly, is what ours made)
    if (options.release) expect(ours.seen[1]).toEqual([{ ...createSessionEnvelope(session(), sdk._dsn, sdk._options._metadata, (options as { tunnel?: string }).tunnel)[0], sent_at: 'now' }, expect.anything()]);
  }
});

test("an extra file's own shared names (Session Replay's sessionStorage key) are renamed there and required there only", async () => {
  const replay = isolateSentryNames('', { extraFile: ['sentryReplaySession'] });
  replay.reset();
  expect(replay.apply('', 'const REPLAY_SESSION_KEY = "sentryReplaySession"; carrier.__SENTRY__;')).toBe('const REPLAY_SESSION_KEY = "segmentSentryReplaySession"; carrier.__SEGMENT_SENTRY__;');
  expect(replay.missing()).toEqual([]); // (the full bundle's names need not all be in an extra file)
  const npm = isolateSentryNames('npm', { extraFile: ['sentryReplaySession'] });
  npm.reset();
  expect(npm.apply('', '"sentryReplaySession"')).toBe('"segmentSentryReplaySession_npm"');
  const moved = isolateSentryNames('', { extraFile: ['sentryReplaySession'] });
  moved.reset();
  moved.apply('', 'const REPLAY_SESSION_KEY = "sentryReplaySessionV2";');
  expect(moved.missing()).toEqual(['sentryReplaySession']);
  // The full bundle leaves the name alone (it has no replay) and does not require it.
  const full = isolateSentryNames();
  full.reset();
  expect(full.apply('', '"sentryReplaySession"')).toBe('"sentryReplaySession"');
  expect(full.missing()).not.toContain('sentryReplaySession');
});
