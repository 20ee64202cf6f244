// @ts-check
// One esbuild plugin that runs our build-time transforms over the Sentry SDK's files (esbuild lets
// only one plugin load a file). Each transform reports what it expected to find and did not: the
// build fails then, so an SDK upgrade cannot silently undo a transform.
import { readFile } from 'node:fs/promises';

/**
 * @typedef {object} SentrySourceTransform
 * @property {string} name
 * @property {() => void} reset called at the start of each build
 * @property {(path: string, source: string) => string | Promise<string>} apply
 * @property {() => string[]} missing what the transform expected to change and never saw
 */

const SENTRY_FILES = /[\\/]node_modules[\\/]@sentry[\\/][^\\/]+[\\/]build[\\/].*\.js$/;

/**
 * @param {SentrySourceTransform[]} transforms
 * @returns {import('esbuild').Plugin}
 */
export function sentrySource(transforms) {
  return {
    name: 'sentry-source',
    setup(build) {
      build.onStart(() => transforms.forEach((transform) => transform.reset()));
      build.onLoad({ filter: SENTRY_FILES }, async ({ path }) => {
        let contents = await readFile(path, 'utf8');
        for (const transform of transforms) contents = await transform.apply(path, contents);
        return { contents, loader: 'js' };
      });
      build.onEnd((result) => {
        if (result.errors.length > 0) return;
        for (const transform of transforms) {
          const missing = transform.missing();
          if (missing.length === 0) continue;
          result.errors.push({
            id: transform.name,
            pluginName: 'sentry-source',
            text: `${transform.name}: the Sentry SDK no longer has ${missing.join(', ')}; revisit scripts/esbuild-${transform.name}.mjs`,
            location: null,
            notes: [],
            detail: undefined,
          });
        }
      });
    },
  };
}
