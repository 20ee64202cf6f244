// @ts-check
// An esbuild plugin that gives our copy of the Sentry SDK names of its own for the globals and
// markers that copies of the SDK on one page otherwise share. See README, "Next to the page's own Sentry".
import { readFile } from 'node:fs/promises';

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
};

const SENTRY_FILES = /[\\/]node_modules[\\/]@sentry[\\/][^\\/]+[\\/]build[\\/].*\.js$/;

/** @returns {import('esbuild').Plugin} */
export function isolateSentry() {
  return {
    name: 'isolate-sentry',
    setup(build) {
      /** @type {Set<string>} */
      const seen = new Set();
      const pattern = new RegExp(`\\b(${Object.keys(ISOLATED_NAMES).join('|')})\\b`, 'g');
      build.onStart(() => seen.clear());
      build.onLoad({ filter: SENTRY_FILES }, async ({ path }) => {
        const source = await readFile(path, 'utf8');
        const contents = source.replace(pattern, (name) => {
          seen.add(name);
          return ISOLATED_NAMES[/** @type {keyof typeof ISOLATED_NAMES} */ (name)];
        });
        return { contents, loader: 'js' };
      });
      build.onEnd((result) => {
        const missing = Object.keys(ISOLATED_NAMES).filter((name) => !seen.has(name));
        if (missing.length > 0 && result.errors.length === 0) {
          result.errors.push({
            id: 'isolate-sentry',
            pluginName: 'isolate-sentry',
            text: `The Sentry SDK no longer uses ${missing.join(', ')}; revisit scripts/esbuild-isolate-sentry.mjs`,
            location: null,
            notes: [],
            detail: undefined,
          });
        }
      });
    },
  };
}
