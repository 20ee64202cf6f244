// @ts-check
// One esbuild plugin that runs our build-time transforms over the Sentry SDK's files (esbuild lets
// only one plugin load a file). Each transform reports what it expected to find and did not: the
// build fails then, so an SDK upgrade cannot silently undo a transform. And because a transform can
// also be silently wrong about behaviour (a trimmed function that a new SDK does reach), every SDK
// file a transform changes, and every file whose behaviour the transforms rely on, is fingerprinted:
// any change to one fails the build until the transforms have been re-reviewed against it.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';

/**
 * @typedef {object} SentrySourceTransform
 * @property {string} name
 * @property {() => void} reset called at the start of each build
 * @property {(path: string, source: string) => string | Promise<string>} apply
 * @property {() => string[]} missing what the transform expected to change and never saw
 */

const SENTRY_FILES = /[\\/]node_modules[\\/]@sentry[\\/][^\\/]+[\\/]build[\\/].*\.js$/;
const SDK_PATH = /[\\/]node_modules[\\/]@sentry[\\/](.+)$/;
const FINGERPRINTS_FILE = new URL('./sentry-fingerprints.json', import.meta.url);

/**
 * Files the transforms rely on without changing them: the client's capture path, event preparation,
 * the event filters and the transports. A trimmed function is safe only as long as these never call it
 * for an error event.
 */
export const RELIED_ON_FILES = [
  'core/build/esm/client.js',
  'core/build/esm/utils/prepareEvent.js',
  'core/build/esm/integrations/eventFilters.js',
  'core/build/esm/transports/base.js',
  'core/build/esm/transports/offline.js',
  'browser/build/npm/esm/prod/client.js',
  'browser/build/npm/esm/prod/transports/fetch.js',
  'browser/build/npm/esm/prod/transports/offline.js',
];

/** @param {string} source */
export const fingerprint = (source) => `sha256-${createHash('sha256').update(source).digest('base64')}`;

/** @returns {Promise<Record<string, string>>} */
export async function recordedFingerprints() {
  return JSON.parse(await readFile(FINGERPRINTS_FILE, 'utf8')).files;
}

/**
 * What the fingerprints of this build say, against the recorded ones: each line names a file.
 * @param {Record<string, string>} recorded @param {Map<string, string>} seen SDK file → fingerprint of its original source
 */
export function fingerprintProblems(recorded, seen) {
  const problems = [];
  for (const [file, expected] of Object.entries(recorded)) {
    const actual = seen.get(file);
    if (actual === undefined) problems.push(`${file} is no longer bundled`);
    else if (actual !== expected) problems.push(`${file} changed`);
  }
  for (const file of seen.keys()) if (!(file in recorded)) problems.push(`${file} is now patched or relied on but has no recorded fingerprint`);
  return problems;
}

/**
 * @param {SentrySourceTransform[]} transforms
 * @param {{ onSource?: (file: string, source: string) => void, fingerprints?: boolean }} [options] `onSource` sees each SDK file's
 * original source (the fingerprint writer); `fingerprints: false` for a build that trims nothing (the extra files,
 * src/extras/), whose SDK files are whole: only the fingerprinted trims need re-reviewing when the SDK changes.
 * @returns {import('esbuild').Plugin}
 */
export function sentrySource(transforms, options = {}) {
  return {
    name: 'sentry-source',
    setup(build) {
      /** @type {Map<string, string>} */
      const seen = new Map();
      build.onStart(() => {
        seen.clear();
        transforms.forEach((transform) => transform.reset());
      });
      build.onLoad({ filter: SENTRY_FILES }, async ({ path }) => {
        const original = await readFile(path, 'utf8');
        let contents = original;
        for (const transform of transforms) contents = await transform.apply(path, contents);
        const file = SDK_PATH.exec(path)?.[1]?.replaceAll('\\', '/') ?? path;
        if (contents !== original || RELIED_ON_FILES.includes(file)) {
          seen.set(file, fingerprint(original));
          options.onSource?.(file, original);
        }
        return { contents, loader: 'js' };
      });
      build.onEnd(async (result) => {
        if (result.errors.length > 0) return;
        /** @param {string} id @param {string} text */
        const fail = (id, text) => result.errors.push({ id, pluginName: 'sentry-source', text, location: null, notes: [], detail: undefined });
        for (const transform of transforms) {
          const missing = transform.missing();
          if (missing.length > 0) fail(transform.name, `${transform.name}: the Sentry SDK no longer has ${missing.join(', ')}; revisit scripts/build/esbuild-${transform.name}.mjs`);
        }
        if (options.onSource || options.fingerprints === false) return; // writing the fingerprints, or nothing trimmed
        const problems = fingerprintProblems(await recordedFingerprints(), seen);
        if (problems.length > 0) {
          fail(
            'sentry-fingerprints',
            `Sentry SDK files that the build patches or relies on have changed:\n  ${problems.join('\n  ')}\n` +
              'Re-review the transforms against them (scripts/build/esbuild-trim-sentry.mjs: is any trimmed function now reachable ' +
              'for error events? scripts/build/esbuild-isolate-sentry.mjs: any new shared name?), then record the new fingerprints ' +
              'with `node scripts/build/sentry-fingerprints.mjs --write` (docs/development.md, «Upgrading the Sentry SDK»).',
          );
        }
      });
    },
  };
}
