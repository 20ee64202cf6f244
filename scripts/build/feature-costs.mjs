// @ts-check
// `npm run size:features`: what each feature costs in the full bundle, measured by building it without
// that feature (everything else as `npm run build` does it, the second minifier pass included) and
// comparing gzip bytes; and how the bundle splits between the Sentry SDK and our own code. Writes the
// table into docs/benchmark.md between its feature-costs markers, with a fingerprint of what it was measured from.
// `--check` (in `npm test`) fails when that fingerprint is not today's: the builds are deterministic, so the same
// inputs measure the same table, and the check costs a hash of them instead of eleven builds (a minute on 2 cores).
// A feature is taken out by small source cuts, each of which must apply: a cut that no longer matches
// fails the script rather than measuring nothing.
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { bundleOptions, extraDefines, extraFileName, minifiedOutput, minifyAgain, sizes, sriHash } from '../../esbuild.config.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const OUT = fileURLToPath(new URL('../../bench/out/', import.meta.url));

/**
 * @typedef {{ file: string, cut: string, becomes: string }} SourceCut
 * @typedef {{ feature: string, what: string, cuts?: SourceCut[], settingsStub?: boolean }} Feature
 * @type {Feature[]}
 */
const FEATURES = [
  {
    feature: 'breadcrumbs',
    what: 'clicks and typing, fetch/XHR, navigation, console and sent-event breadcrumbs (our own instrumentation, src/sentry/breadcrumbs.ts)',
    cuts: [{ file: 'src/sentry/sentry-client.ts', cut: '    breadcrumbsIntegration(), // clicks, typing, fetch/XHR, navigation, console (ours: breadcrumbs.ts)\n', becomes: '' }],
  },
  {
    feature: 'release-health sessions',
    what: 'a session per page load (our PageSessionClient and the SDK\'s session code it brings)',
    cuts: [{ file: 'src/sentry/sentry-client.ts', cut: "import { PageSessionClient } from './page-session';", becomes: "import { BrowserClient as PageSessionClient } from '@sentry/browser';" }],
  },
  {
    feature: 'offline queue',
    what: 'events kept in IndexedDB while the ingest cannot be reached, sent later',
    cuts: [
      {
        file: 'src/sentry/sentry-client.ts',
        cut: "import { makeOfflineTransport } from './offline-queue';",
        becomes: 'const makeOfflineTransport = <T>(make: T, _mayStore?: unknown) => make;',
      },
    ],
  },
  {
    feature: 'consent',
    what: 'the consent gate and its transport (holding, dropping, forgetting the visitor); the consentSettings parsing and setConsent stay',
    cuts: [
      {
        file: 'src/api/start-sentry.ts',
        cut: `settings.consentCategories.length > 0
      ? createConsentGate(settings.consentCategories, preferences, forgetVisitor, (granted) =>
          ((client as unknown as ConsentHook).emit(CONSENT_HOOK, granted), granted && loadExtraFiles?.()),
        )
      : undefined`,
        becomes: '(CONSENT_HOOK, undefined as ConsentGate | undefined)',
      },
    ],
  },
  {
    feature: 'the tracing and replay hook',
    what: 'what fetches the extra files when a page turns tracing or Session Replay on (src/sentry/extra-files.ts, addScript, their SRI hashes); the four settings\' parsing stays',
    cuts: [
      {
        file: 'src/api/start-sentry.ts',
        cut: 'const loadExtraFiles = extraFilesLoader(settings, handoff, ownScriptUrl);',
        becomes: 'const loadExtraFiles = (extraFilesLoader, undefined as (() => void) | undefined);',
      },
    ],
  },
  {
    feature: 'dedupe and linked errors',
    what: 'dedupe (ours, src/sentry/dedupe.ts) and Sentry\'s linkedErrors (error.cause chains)',
    cuts: [
      { file: 'src/sentry/sentry-client.ts', cut: '    linkedErrorsIntegration(), // error.cause chains\n', becomes: '' },
      { file: 'src/sentry/sentry-client.ts', cut: '    dedupeIntegration(),\n', becomes: '' },
    ],
  },
  {
    feature: 'the Segment bridge',
    what: 'identify, reset, track and page to Sentry (the analytics.js plugin and the mapping); the keeping of early calls stays',
    cuts: [{ file: 'src/api/start-sentry.ts', cut: '  connectAnalytics(window, settings.globalAnalyticsKey, handoff, (given) => consentGate?.update(given), errors?.ours);\n', becomes: '' }],
  },
  {
    feature: 'errors to Segment',
    what: 'the trackErrors setting\'s `Error Captured` calls (src/segment/error-events.ts, the transport\'s report of what was sent, the bridge\'s skip); its parsing and the page-level settings element stay',
    cuts: [{ file: 'src/api/start-sentry.ts', cut: 'settings.trackErrors ? trackErrors(window, settings.globalAnalyticsKey, handoff) : undefined', becomes: '(trackErrors, undefined)' }],
  },
  {
    feature: 'the page-level settings element',
    what: 'the page-level settings (`#segment-sentry-page-settings`) read and set over the Segment app\'s',
    cuts: [{ file: 'src/settings/settings.ts', cut: '{ ...unwrapped.raw, ...pageLevelSettings(pageSettings, problems) }', becomes: '(pageLevelSettings, pageSettings, unwrapped.raw)' }],
  },
  {
    feature: 'settings validation',
    what: 'every check and message of src/settings/settings.ts and its pattern and DSN checks (settings taken as given instead)',
    settingsStub: true,
  },
  {
    feature: 'the tunnel setting',
    what: 'the tunnel setting\'s check and its use (the server-side tunnel is a separate module)',
    cuts: [
      { file: 'src/settings/settings.ts', cut: 'const tunnel = parseTunnel(settingsObject.tunnel, problems);', becomes: 'const tunnel = undefined as string | undefined;' },
      { file: 'src/sentry/sentry-client.ts', cut: '    tunnel: settings.tunnel && new URL(settings.tunnel, window.location.href).href,\n', becomes: '' },
    ],
  },
];

/**
 * An esbuild plugin that applies the feature's cuts as the files load.
 * @param {Feature | undefined} feature
 * @returns {import('esbuild').Plugin}
 */
function without(feature) {
  return {
    name: 'without-feature',
    setup(build) {
      if (!feature) return;
      if (feature.settingsStub) {
        build.onResolve({ filter: /\/settings\/settings$/ }, (args) =>
          args.importer.endsWith('global-api.ts') ? { path: fileURLToPath(new URL('./feature-stubs/settings-unchecked.ts', import.meta.url)) } : undefined,
        );
      }
      build.onLoad({ filter: /\/src\/.*\.ts$/ }, async (args) => {
        const cuts = (feature.cuts ?? []).filter((cut) => args.path === `${ROOT}${cut.file}`);
        if (cuts.length === 0) return undefined;
        let source = await readFile(args.path, 'utf8');
        for (const { file, cut, becomes } of cuts) {
          if (!source.includes(cut)) throw new Error(`feature-costs: "${feature.feature}": ${file} no longer has ${JSON.stringify(cut)}`);
          source = source.replace(cut, becomes);
        }
        return { contents: source, loader: 'ts' };
      });
    },
  };
}

/** The sha256 SRI values of the minified extra files in dist/ (esbuild.config.mjs builds them first). */
async function extraHashes() {
  /** @type {Record<string, string>} */
  const hashes = {};
  for (const name of ['tracing', 'replay']) {
    const file = extraFileName(name, true);
    hashes[file] = sriHash(await readFile(`${ROOT}dist/${file}`), 'sha256');
  }
  return hashes;
}

/** The full bundle as `npm run build` makes it, without `feature`; its gzip bytes and esbuild's metafile. */
async function gzipWithout(/** @type {Feature | undefined} */ feature, /** @type {string} */ name) {
  const outfile = `${OUT}feature-${name}.min.js`;
  const result = await esbuild.build({
    ...bundleOptions,
    // The extra files' names and hashes, as the build gives them (from dist/, built before).
    define: { ...bundleOptions.define, ...extraDefines(true, await extraHashes()) },
    plugins: [without(feature), ...(bundleOptions.plugins ?? [])],
    outfile,
    minify: true,
    mangleProps: minifiedOutput.mangleProps,
    // No map (it only slows terser down by half), but the map's comment as dist/segment-sentry.min.js ends
    // with it, so the full build's bytes are dist's.
    metafile: true,
    logLevel: 'error',
  });
  await minifyAgain(outfile);
  const code = `${await readFile(outfile, 'utf8')}\n//# sourceMappingURL=segment-sentry.min.js.map`;
  return { gzip: sizes(code).gzip, metafile: /** @type {import('esbuild').Metafile} */ (result.metafile) };
}

/**
 * What the table is measured from: our sources, the build scripts (this one, its stubs, the esbuild plugins),
 * the build's configuration (esbuild's, TypeScript's, the package's) and the locked versions of the SDK, esbuild
 * and terser.
 */
async function inputsFingerprint() {
  const hash = createHash('sha256');
  const files = [
    ...(await readdir(`${ROOT}src`, { recursive: true })).map((file) => `src/${file}`),
    ...(await readdir(`${ROOT}scripts/build`, { recursive: true })).map((file) => `scripts/build/${file}`),
    'esbuild.config.mjs',
    // (esbuild reads tsconfig.json's compiler options; package.json gives the version the bundle carries)
    'tsconfig.json',
    'package.json',
    'package-lock.json',
  ]
    .filter((file) => /\.(ts|mjs|json)$/.test(file) && !/\.test\.ts$/.test(file))
    .sort();
  for (const file of files) hash.update(`${file}\0`).update(await readFile(`${ROOT}${file}`)).update('\0');
  return hash.digest('hex').slice(0, 16);
}

const PAGE = new URL('../../docs/benchmark.md', import.meta.url);
const page = await readFile(PAGE, 'utf8');
const START = '<!-- feature-costs:start -->\n';
const END = '\n<!-- feature-costs:end -->';
const from = page.indexOf(START);
const to = page.indexOf(END);
if (from === -1 || to === -1) throw new Error('feature-costs: docs/benchmark.md has no feature-costs markers');
const fingerprint = await inputsFingerprint();
const MEASURED_FROM = `<!-- measured from inputs ${fingerprint} (scripts/build/feature-costs.mjs) -->`;
if (process.argv.includes('--check')) {
  if (!page.slice(from, to).includes(MEASURED_FROM)) {
    console.error(`feature-costs: the table in docs/benchmark.md was measured from other sources or build scripts than today's (inputs ${fingerprint}); run npm run size:features`);
    process.exit(1);
  }
  console.log(`feature-costs: the table in docs/benchmark.md was measured from today's inputs (${fingerprint})`);
  process.exit(0);
}

const full = await gzipWithout(undefined, 'all');
/** @type {Array<{ feature: string, what: string, gzip: number }>} */
const rows = [];
for (const [index, feature] of FEATURES.entries()) {
  const { gzip } = await gzipWithout(feature, String(index));
  rows.push({ feature: feature.feature, what: feature.what, gzip: full.gzip - gzip });
}
// The split by origin, from esbuild's metafile (minified bytes before the second pass, which shortens both alike).
let sdkBytes = 0;
let ownBytes = 0;
for (const output of Object.values(full.metafile.outputs)) {
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    if (input.includes('node_modules/')) sdkBytes += bytesInOutput;
    else ownBytes += bytesInOutput;
  }
}
const share = (/** @type {number} */ bytes) => Math.round((full.gzip * bytes) / (sdkBytes + ownBytes));
const n = (/** @type {number} */ value) => value.toLocaleString('en-US');

const table = [
  `The full bundle is ${n(full.gzip)} B gzip. Each feature's cost is what building without it saves (\`npm run size:features\`,`,
  'which wrote this table; each row is a build with only that feature taken out):',
  '',
  '| feature | gzip bytes | what is taken out |',
  '|---|---|---|',
  ...rows.map((row) => `| ${row.feature} | ${n(row.gzip)} | ${row.what} |`),
  '',
  `By origin (esbuild's metafile, minified bytes, shared out over the gzip total): the Sentry SDK ${n(sdkBytes)} B`,
  `(about ${n(share(sdkBytes))} B gzip, ${Math.round((100 * sdkBytes) / (sdkBytes + ownBytes))}%), our own code ${n(ownBytes)} B (about ${n(share(ownBytes))} B gzip).`,
].join('\n');

const updated = `${page.slice(0, from + START.length)}${table}\n${MEASURED_FROM}${page.slice(to)}`;
console.log(table);
await writeFile(PAGE, updated);
