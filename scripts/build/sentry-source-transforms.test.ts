// The build-time transforms of the Sentry SDK's files (scripts/esbuild-*-sentry.mjs): what they change,
// what they leave, and that they report what they expected and did not find (the build then fails).
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, test } from '@playwright/test';
import { isolateSentryNames } from './esbuild-isolate-sentry.mjs';
import { trimSentryFunctions } from './esbuild-trim-sentry.mjs';

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
