// @ts-check
// After each build: every `__sentry…` / `_sentry…` name left in the browser bundles must be one we keep
// on purpose. Such names are how copies of the SDK on one page find each other's state; the isolation
// (scripts/build/esbuild-isolate-sentry.mjs) renames the ones that must not be shared, and a name an SDK
// upgrade adds fails here until it is renamed or listed below with its reason.
import { readFile } from 'node:fs/promises';
import { SDK_PRIVATE_MEMBERS } from '../../esbuild.config.mjs';

/** Name → why sharing it with a page's own Sentry is harmless (or intended). */
export const KEPT_NAMES = {
  __sentry_fetch_url_host__: 'the host added to a failed fetch error, on that error object only',
  __sentry__: 'a marker in an event hint, internal to one capture',
  __sentry_template_string__: 'console template data on one breadcrumb, internal',
  __sentry_template_values__: 'console template data on one breadcrumb, internal',
  _sentryDebugIds: 'the debug ids that Sentry bundler plugins put on the page for every copy to read',
  __SENTRY_INSTRUMENTED__: 'written on window.onerror after wrapping it; read by nothing in either copy for that',
  __SENTRY_RELEASE__: 'a release a bundler plugin may put on the page; read, never written',
  __SENTRY_BROWSER_BUNDLE__: 'a build-time flag name left in a comparison',
  __SENTRY_SAFE_RANDOM_ID_WRAPPER__: 'an optional page-provided id generator; read, never written',
  __SENTRY_SUPPRESS_TRACING__: 'a scope marker for tracing, on our own scopes only (isolated)',
  // The extra files' (src/extras/):
  __SENTRY_TRACING__: 'a build-time flag name left in a comparison',
  __SENTRY_EXCLUDE_REPLAY_WORKER__: 'a build-time flag name left in a comparison',
  __sentry_xhr_v3__: "an XHR's method, URL and headers, written on the request by each copy that instruments XHR: the same values",
  __sentry_own_request__: "a mark on the SDK's own XHR requests (our transport uses fetch)",
  _sentryId: 'a member of replay objects of our own',
  _sentryScope: 'a member of spans of our own',
  _sentryIsolationScope: 'a member of spans of our own',
  _sentryRootSpan: 'a member of spans of our own',
  _sentryChildSpans: 'a member of spans of our own',
  _sentry_idleSpan: 'a member of our own client',
};

const BUNDLES = [
  'dist/segment-sentry.js',
  'dist/segment-sentry.min.js',
  'dist/segment-sentry.loader.min.js',
  'dist/segment-sentry.tracing.min.js',
  'dist/segment-sentry.replay.min.js',
  'dist/plugin/index.mjs',
  'dist/plugin/sentry.mjs',
];
// Not preceded by a word character, so our renamed names (__SEGMENT_SENTRY__, __segment_sentry_…) never match.
const SENTRY_NAME = /(?<![\w$])__?sentry\w*/gi;

/**
 * The SDK's private members the minified bundle renames (esbuild.config.mjs), found in quotes in the readable
 * bundle (which keeps the names): `obj["_options"]` or `"_options" in obj` would miss the renamed member.
 * @param {string} code
 */
export function quotedPrivateMembers(code) {
  return SDK_PRIVATE_MEMBERS.filter((name) => new RegExp(`["'\`]${name}["'\`]`).test(code));
}

/** @param {string} code */
export function unlistedSentryNames(code) {
  const found = new Set(code.match(SENTRY_NAME) ?? []);
  return [...found].filter((name) => !(name in KEPT_NAMES)).sort();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  let failed = false;
  for (const file of BUNDLES) {
    const unlisted = unlistedSentryNames(await readFile(new URL(`../../${file}`, import.meta.url), 'utf8'));
    if (unlisted.length === 0) continue;
    failed = true;
    console.error(`${file}: Sentry names neither isolated nor kept on purpose: ${unlisted.join(', ')}`);
  }
  const quoted = quotedPrivateMembers(await readFile(new URL('../../dist/segment-sentry.js', import.meta.url), 'utf8'));
  if (quoted.length > 0) {
    console.error(`dist/segment-sentry.js reads these renamed SDK members by a quoted name: ${quoted.join(', ')}; take them out of SDK_PRIVATE_MEMBERS (esbuild.config.mjs)`);
    process.exit(1);
  }
  if (failed) {
    console.error('Rename each in scripts/build/esbuild-isolate-sentry.mjs (ISOLATED_NAMES), or list it in scripts/build/check-sentry-names.mjs with why sharing it is harmless.');
    process.exit(1);
  }
  console.log(`sentry names: every __sentry/_sentry name in ${BUNDLES.length} bundles is isolated or kept on purpose; no renamed SDK member is read by a quoted name`);
}
