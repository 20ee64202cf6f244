// @ts-check
// Gives our copy of the Sentry SDK names of its own for the globals and markers that copies of the
// SDK on one page otherwise share. See docs/neighbours.md.

/**
 * Shared name → our name. Each must still occur in the SDK's code; the build fails when one no
 * longer does, so an SDK upgrade that moves them cannot silently undo the isolation.
 */
export const ISOLATED_NAMES = {
  // The global carrier of scopes and the current client (window.__SENTRY__[version]): a page's own
  // Sentry of the same version would otherwise share our scopes and replace our client.
  __SENTRY__: '__SEGMENT_SENTRY__',
  // Set on an error once captured; any other copy would then skip it, so only one DSN got it.
  __sentry_captured__: '__segment_sentry_captured__',
  // Set on wrapped callbacks and their originals; another copy would reuse our wrapper (and we its).
  __sentry_wrapped__: '__segment_sentry_wrapped__',
  __sentry_original__: '__segment_sentry_original__',
  // Click/keypress listener bookkeeping on DOM nodes, and the mark on a DOM event once one copy made
  // a breadcrumb of it (the other copy would then record no click at all).
  __sentry_instrumentation_handlers__: '__segment_sentry_instrumentation_handlers__',
  _sentryCaptured: '_segmentSentryCaptured',
  // A page-wide count of wrapped callbacks running; a page's Sentry with the third-party-errors filter
  // would otherwise count our wrappers as its own.
  _sentryWrappedDepth: '_segmentSentryWrappedDepth',
};

/**
 * Shared names only the extra files (src/extras/) carry, renamed as the others: each is required in the extra file
 * that lists it (esbuild.config.mjs, extraFiles).
 */
export const ISOLATED_EXTRA_NAMES = {
  // Session Replay's session (its id, when it started, what it sampled), kept in sessionStorage: a page's own
  // Sentry with replay would otherwise read ours as its own, continue it and overwrite it (and we its).
  sentryReplaySession: 'segmentSentryReplaySession',
  // The span of an XHR request, kept on the request object: a page's own Sentry with tracing would end ours (or we
  // its) in place of its own.
  __sentry_xhr_span_id__: '__segment_sentry_xhr_span_id__',
  // The last trace, kept in sessionStorage to link the next page load's to it: a page's own Sentry with tracing
  // would otherwise link its traces to ours (another DSN) and overwrite ours (and we its).
  sentry_previous_trace: 'segment_sentry_previous_trace',
};

/**
 * `copy`: a mark for a second copy of ours that may share a page with the first (the npm plugin's Sentry part
 * beside a script tag of ours): its names get it too (`__SEGMENT_SENTRY_NPM__`), so the two keep their own scopes.
 * `extraFile`: for an extra file (src/extras/), which bundles only part of the SDK, so some of ISOLATED_NAMES never
 * occur in it (those that do are renamed all the same); the extra-file names it lists (ISOLATED_EXTRA_NAMES) must.
 * @param {string} [copy]
 * @param {{ extraFile?: Array<keyof typeof ISOLATED_EXTRA_NAMES> }} [options]
 * @returns {import('./esbuild-sentry-source.mjs').SentrySourceTransform}
 */
export function isolateSentryNames(copy = '', { extraFile } = {}) {
  /** @type {Record<string, string>} */
  const names = extraFile ? { ...ISOLATED_NAMES, ...ISOLATED_EXTRA_NAMES } : ISOLATED_NAMES;
  const required = extraFile ?? Object.keys(ISOLATED_NAMES);
  /** @param {string} ours */
  const marked = (ours) => (copy ? ours.replace(/(_*)$/, (tail) => (ours === ours.toUpperCase() ? `_${copy.toUpperCase()}` : `_${copy.toLowerCase()}`) + tail) : ours);
  /** @type {Set<string>} */
  const seen = new Set();
  const pattern = new RegExp(`\\b(${Object.keys(names).join('|')})\\b`, 'g');
  return {
    name: 'isolate-sentry',
    reset: () => seen.clear(),
    apply: (_path, source) =>
      source.replace(pattern, (name) => {
        seen.add(name);
        return marked(/** @type {string} */ (names[name]));
      }),
    missing: () => required.filter((name) => !seen.has(name)),
  };
}
