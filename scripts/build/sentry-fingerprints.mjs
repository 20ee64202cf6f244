// @ts-check
// `node scripts/build/sentry-fingerprints.mjs --write`: records the fingerprints (sha256 of the original source)
// of every Sentry SDK file the build patches or relies on, in scripts/build/sentry-fingerprints.json, after the
// transforms have been re-reviewed against a new SDK. Without --write it prints them.
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as esbuild from 'esbuild';
import { bundleOptions } from '../../esbuild.config.mjs';
import { fingerprint, sentrySource } from './esbuild-sentry-source.mjs';
import { isolateSentryNames } from './esbuild-isolate-sentry.mjs';
import { reportInsteadOfRethrow } from './esbuild-report-rethrow.mjs';
import { trimSentryFunctions } from './esbuild-trim-sentry.mjs';

/** @type {Record<string, string>} */
const files = {};
await esbuild.build({
  ...bundleOptions,
  write: false,
  outfile: 'dist/fingerprints.js',
  plugins: [sentrySource([isolateSentryNames(), trimSentryFunctions(), reportInsteadOfRethrow()], { onSource: (file, source) => void (files[file] = fingerprint(source)) })],
});
const sorted = Object.fromEntries(Object.entries(files).sort(([a], [b]) => a.localeCompare(b)));
const versions = Object.fromEntries(
  ['browser', 'core', 'browser-utils'].map((name) => [`@sentry/${name}`, /** @type {{ version: string }} */ (JSON.parse(require_(`@sentry/${name}/package.json`))).version]),
);
const document = { versions, files: sorted };
if (process.argv.includes('--write')) {
  await writeFile(new URL('./sentry-fingerprints.json', import.meta.url), `${JSON.stringify(document, null, 2)}\n`);
  console.log(`recorded ${Object.keys(sorted).length} fingerprints of @sentry/* ${Object.values(versions).join(', ')}`);
} else {
  console.log(JSON.stringify(document, null, 2));
}

/** @param {string} specifier */
function require_(specifier) {
  return readFileSync(createRequire(import.meta.url).resolve(specifier), 'utf8');
}
