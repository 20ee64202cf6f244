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
 * `copy`: a mark for a second copy of ours that may share a page with the first (the npm plugin's Sentry part
 * beside a script tag of ours): its names get it too (`__SEGMENT_SENTRY_NPM__`), so the two keep their own scopes.
 * `requireAll`: false for the extra files (src/extras/), which bundle only part of the SDK, so some names never
 * occur in them; those that do are renamed all the same.
 * @param {string} [copy]
 * @param {{ requireAll?: boolean }} [options]
 * @returns {import('./esbuild-sentry-source.mjs').SentrySourceTransform}
 */
export function isolateSentryNames(copy = '', { requireAll = true } = {}) {
  /** @param {string} ours */
  const marked = (ours) => (copy ? ours.replace(/(_*)$/, (tail) => (ours === ours.toUpperCase() ? `_${copy.toUpperCase()}` : `_${copy.toLowerCase()}`) + tail) : ours);
  /** @type {Set<string>} */
  const seen = new Set();
  const pattern = new RegExp(`\\b(${Object.keys(ISOLATED_NAMES).join('|')})\\b`, 'g');
  return {
    name: 'isolate-sentry',
    reset: () => seen.clear(),
    apply: (_path, source) =>
      source.replace(pattern, (name) => {
        seen.add(name);
        return marked(ISOLATED_NAMES[/** @type {keyof typeof ISOLATED_NAMES} */ (name)]);
      }),
    missing: () => (requireAll ? Object.keys(ISOLATED_NAMES).filter((name) => !seen.has(name)) : []),
  };
}
