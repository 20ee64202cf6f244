// Builds the drop-in bundle: dist/segment-sentry.js (readable) and dist/segment-sentry.min.js, each an
// IIFE with a source map, then checks their syntax level and prints their sizes.
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { brotliCompressSync, gzipSync, constants as zlib } from 'node:zlib';
import { parse } from 'acorn';
import * as esbuild from 'esbuild';
import { isolateSentryNames } from './scripts/build/esbuild-isolate-sentry.mjs';
import { minifyAgainInWorker } from './scripts/build/minify-again.mjs';
import { reportInsteadOfRethrow } from './scripts/build/esbuild-report-rethrow.mjs';
import { sentrySource } from './scripts/build/esbuild-sentry-source.mjs';
import { TRIMMED_FUNCTIONS, trimSentryFunctions } from './scripts/build/esbuild-trim-sentry.mjs';

const pkg = JSON.parse(await readFile(new URL('./package.json', import.meta.url), 'utf8'));

// The browsers @sentry/browser supports (its docs: ES2020; Chrome 80, Edge 80, Firefox 74, Safari 14 /
// iOS 14.4, Opera 67). esbuild's compatibility table marks destructuring as broken before Safari 14.1 /
// iOS 14.5, and Sentry's own code destructures everywhere, so 14.1 / 14.5 is the real floor here.
export const BROWSER_TARGETS = ['chrome80', 'edge80', 'firefox74', 'safari14.1', 'ios14.5', 'opera67'];
const SYNTAX_LEVEL = 2020;

/**
 * The SDK's private class members (Client, Scope, SyncPromise, the scope stack), renamed to short names in the
 * minified bundle: 1% of its gzip bytes. Sentry's own CDN bundles do the same for every `_` property; we list
 * them, because a `_` name can also be another script's (analytics.js's `_loadOptions`, the loader's `_loader`, a
 * bundler plugin's `_sentryDebugIds`), and our copy's objects never meet a page's own Sentry (they are isolated,
 * esbuild-isolate-sentry.mjs). A member read by its name in quotes would break: check-sentry-names.mjs fails the
 * build on one. A member an SDK upgrade adds is simply not renamed.
 */
export const SDK_PRIVATE_MEMBERS = [
  '_attachStacktraceIsDefault', '_attachments', '_attributes', '_breadcrumbs', '_captureEvent', '_clearOutcomes',
  '_client', '_contexts', '_conversationId', '_dataCollection', '_dsn', '_eventProcessors', '_executeHandlers', '_extra',
  '_fingerprint', '_flushOutcomes', '_handlers', '_hooks', '_integrations', '_isClientDoneProcessing', '_isEnabled',
  '_isolationScope', '_lastEventId', '_level', '_metadata', '_notifyScopeListeners', '_notifyingListeners', '_numProcessing',
  '_options', '_outcomes', '_popScope', '_prepareEvent', '_process', '_processEvent', '_promiseBuffer',
  '_propagationContext', '_pushScope', '_runExecutor', '_scopeListeners', '_sdkProcessingMetadata', '_session',
  '_setupIntegrations', '_stack', '_state', '_tags', '_transactionName', '_transport', '_unhandledSessionStatus',
  '_updateSessionFromEvent', '_user', '_value',
  // Not `_` names, but members of the SDK's own objects (and our client's) that nothing outside this bundle reads.
  'getDataCollectionOptions', 'recordDroppedEvent', 'sdkProcessingMetadata', 'startPageSession',
];

/**
 * Our transforms of the SDK's sources for the script bundles. Fresh ones for each build that runs beside another:
 * each keeps what it saw during its build (what it expected and never found fails that build).
 */
export const scriptBundlePlugins = () => [sentrySource([isolateSentryNames(), trimSentryFunctions(), reportInsteadOfRethrow()])];

/** @type {import('esbuild').BuildOptions} */
export const bundleOptions = {
  entryPoints: ['src/index.ts'],
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: BROWSER_TARGETS,
  // Optional chains kept as written (`a?.b`): esbuild lowers them for Chrome before 91 because of one V8 bug,
  // a call with a spread argument before the last inside an optional chain (crbug.com/42201552), which
  // checkSyntaxLevel refuses in the output. Lowered, the SDK's ~100 chains cost about 690 B gzip.
  supported: { 'optional-chain': true },
  sourcemap: true,
  legalComments: 'none',
  define: {
    __SEGMENT_SENTRY_VERSION__: JSON.stringify(pkg.version),
    // Sentry's debug logging and tracing code is dead in this product; these flags let esbuild drop it.
    __SENTRY_DEBUG__: 'false',
    __SENTRY_TRACING__: 'false',
    // The npm plugin's own paths (its analytics-next instance) are dead in the script bundles.
    __SEGMENT_SENTRY_NPM_PLUGIN__: 'false',
  },
  plugins: scriptBundlePlugins(),
  logLevel: 'warning',
};

/**
 * The minified full bundle: named, because the extra files, the plugin's Sentry part and the feature-cost table take
 * its renaming of the SDK's private members from it (a position in `outputs` could change under them unseen).
 */
export const minifiedOutput = { outfile: 'dist/segment-sentry.min.js', minify: true, mangleProps: new RegExp(`^(${SDK_PRIVATE_MEMBERS.join('|')})$`) };
export const outputs = [{ outfile: 'dist/segment-sentry.js', minify: false }, minifiedOutput];

/**
 * The extra files (src/extras/, docs/replay-tracing.md): tracing and Session Replay, fetched by the full bundle from
 * its own folder only where the settings turn them on, each checked against an SRI hash built into the full bundle,
 * so they are built first. Each has a readable twin for the readable bundle. They share the full bundle's client and
 * scopes: the same isolated carrier (esbuild-isolate-sentry.mjs, without its check that every name occurs: they
 * bundle part of the SDK), the same names for the SDK's private members in the minified pair (esbuild's mangle
 * cache, taken from the full bundle's build), and nothing trimmed: they put back on the shared objects what the full
 * bundle's trims cut from the Scope and Client classes (src/extras/install.ts).
 */
export const extraFiles = [
  // `isolates`: the names of ISOLATED_EXTRA_NAMES the file must carry (renamed wherever they occur): Replay's
  // sessionStorage key (a page's own Sentry replay keeps its own), the XHR span mark (a page's own tracing its own).
  { name: 'tracing', entry: 'src/extras/tracing.ts', isolates: /** @type {const} */ (['__sentry_xhr_span_id__', 'sentry_previous_trace']) },
  { name: 'replay', entry: 'src/extras/replay.ts', isolates: /** @type {const} */ (['sentryReplaySession']) },
];
const trimmedMethods = (/** @type {string} */ file) => JSON.stringify(Object.keys(TRIMMED_FUNCTIONS[file] ?? {}));
/**
 * @param {(typeof extraFiles)[number]} extraFile @param {boolean} minify
 * @param {Record<string, string | false>} [mangleCache]
 * @returns {import('esbuild').BuildOptions}
 */
export function extraFileOptions({ entry, isolates }, minify, mangleCache, copy = '') {
  // Tracing is what these files are for: the SDK's own flag left undefined (on).
  const { __SENTRY_TRACING__: _off, ...define } = bundleOptions.define ?? {};
  return {
    ...bundleOptions,
    entryPoints: [entry],
    minify,
    ...(minify ? { mangleProps: minifiedOutput.mangleProps, mangleCache } : {}),
    // Class fields (ES2022: web-vitals' and rrweb's) lowered to assignments, to stay at the syntax level of the rest.
    supported: { ...bundleOptions.supported, 'class-field': false, 'class-static-field': false, 'class-private-field': false, 'class-private-method': false, 'class-static-blocks': false },
    define: {
      ...define,
      __TRIMMED_SCOPE_METHODS__: trimmedMethods('core/build/esm/scope.js'),
      __TRIMMED_CLIENT_METHODS__: trimmedMethods('core/build/esm/client.js'),
      // (a script's own URL is its document.currentScript's: src/extras/install.ts; the npm plugin's are modules)
      'import.meta.url': 'undefined',
    },
    plugins: [sentrySource([isolateSentryNames(copy, { extraFile: [...isolates] })], { fingerprints: false })],
  };
}

/**
 * The npm plugin's extra files (dist/plugin/tracing.mjs, replay.mjs): the same code as ES modules beside its Sentry
 * part, which imports them with import() (src/plugin/sentry.ts) so that an app's bundler makes each a chunk of its
 * own, fetched only where the settings turn it on. They share the plugin's client and scopes as the script
 * bundle's extra files share the full bundle's: the plugin's isolated names (`npm`) and its mangle cache.
 * @param {(typeof extraFiles)[number]} extraFile @param {Record<string, string | false>} mangleCache
 * @returns {import('esbuild').BuildOptions & { outfile: string }}
 */
export function pluginExtraFileOptions(extraFile, mangleCache) {
  const options = extraFileOptions(extraFile, true, mangleCache, 'npm');
  return {
    ...options,
    format: 'esm',
    outfile: `dist/plugin/${extraFile.name}.mjs`,
    mangleProps: pluginSentryOptions.mangleProps,
    define: { ...Object.fromEntries(Object.entries(options.define ?? {}).filter(([name]) => name !== 'import.meta.url')), __SEGMENT_SENTRY_NPM_PLUGIN__: 'true' },
  };
}
/** @param {string} name @param {boolean} minify */
export const extraFileName = (name, minify) => `segment-sentry.${name}${minify ? '.min' : ''}.js`;

/**
 * The loader: no Sentry code, and the full bundle's SRI hash built in, so it is built after it.
 * @param {string} fullBundleIntegrity
 * @returns {import('esbuild').BuildOptions}
 */
export function loaderOptions(fullBundleIntegrity) {
  return {
    ...bundleOptions,
    entryPoints: ['src/loader/index.ts'],
    outfile: 'dist/segment-sentry.loader.min.js',
    minify: true,
    // The map is still written next to it, without the sourceMappingURL comment: on the page's critical
    // path, that comment alone was 3% of the loader's gzip bytes.
    sourcemap: 'external',
    // Its code does not depend on strict mode, so no "use strict" prologue (tsconfig's strict implies one).
    tsconfigRaw: { compilerOptions: { alwaysStrict: false } },
    plugins: [],
    define: { ...bundleOptions.define, __FULL_BUNDLE_INTEGRITY__: JSON.stringify(fullBundleIntegrity) },
  };
}

/**
 * The server-side tunnel (segment-sentry/tunnel, segment-sentry/tunnel/node): ES modules with everything
 * they use bundled in, so they need nothing outside the package at run time. The handler uses only the
 * Fetch API (any runtime); the Node adapter imports node: built-ins alone.
 * @type {import('esbuild').BuildOptions[]}
 */
export const tunnelOptions = [
  { entryPoints: ['src/tunnel/handler.ts'], outfile: 'dist/tunnel.mjs', platform: /** @type {const} */ ('neutral') },
  { entryPoints: ['src/tunnel/node.ts'], outfile: 'dist/tunnel-node.mjs', platform: /** @type {const} */ ('node') },
].map((options) => ({
  ...options,
  bundle: true,
  format: /** @type {const} */ ('esm'),
  target: 'es2022',
  // Sentry's debug logging is dead here as in the bundle.
  define: { __SENTRY_DEBUG__: 'false' },
  legalComments: /** @type {const} */ ('none'),
  logLevel: /** @type {const} */ ('warning'),
}));

/**
 * `segment-sentry/plugin` (src/plugin/): two ES modules for an app's bundler. `dist/plugin/index.mjs`, what the app's
 * first chunk gets, is left readable (the app's build minifies it); its `import('./sentry')` stays a dynamic import
 * of `dist/plugin/sentry.mjs`, so the app's bundler splits that into a chunk of its own. The Sentry part is built
 * as the full bundle is (the same SDK transforms: isolated globals, trimmed functions) and minified here, where
 * the SDK's private members can be renamed.
 */
export const pluginEntryOptions = {
  ...bundleOptions,
  entryPoints: ['src/plugin/index.ts'],
  outfile: 'dist/plugin/index.mjs',
  format: /** @type {const} */ ('esm'),
  sourcemap: false,
  plugins: [
    {
      name: 'plugin-sentry-part',
      /** @param {import('esbuild').PluginBuild} build */
      setup(build) {
        build.onResolve({ filter: /^\.\/sentry$/ }, () => ({ path: './sentry.mjs', external: true }));
      },
    },
  ],
};
export const pluginSentryOptions = {
  ...bundleOptions,
  entryPoints: ['src/plugin/sentry.ts'],
  outfile: 'dist/plugin/sentry.mjs',
  format: /** @type {const} */ ('esm'),
  // (its extra files are imported, not fetched by name: pluginExtraFileOptions)
  define: { ...bundleOptions.define, ...extraDefines(true, {}), __TRACING_FILE__: '"tracing"', __REPLAY_FILE__: '"replay"', __SEGMENT_SENTRY_NPM_PLUGIN__: 'true' },
  // Names of its own, apart from the script bundle's: a page may have both (docs/segment.md).
  plugins: [
    sentrySource([isolateSentryNames('npm'), trimSentryFunctions(), reportInsteadOfRethrow()]),
    {
      name: 'plugin-extra-files',
      /** @param {import('esbuild').PluginBuild} build */
      setup(build) {
        build.onResolve({ filter: /^\.\/(tracing|replay)\.mjs$/ }, ({ path }) => ({ path, external: true }));
      },
    },
  ],
  minify: true,
  mangleProps: minifiedOutput.mangleProps,
};

export { minifyAgain } from './scripts/build/minify-again.mjs';

/** @param {Uint8Array | string} code */
export function sizes(code) {
  return {
    raw: code.length,
    gzip: gzipSync(code, { level: 9 }).length,
    brotli: brotliCompressSync(code, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

/**
 * Where an optional chain holds a call with a spread argument before its last one (`a?.b(...x, y)`), which
 * Chrome 80 to 90 fail to run (crbug.com/42201552): the one reason esbuild would lower every chain for them.
 * @param {unknown} node an ESTree node @param {boolean} [inChain] @returns {number | undefined} its offset
 */
export function spreadBeforeLastInOptionalChain(node, inChain = false) {
  if (!node || typeof node !== 'object') return undefined;
  if (Array.isArray(node)) {
    for (const child of node) {
      const found = spreadBeforeLastInOptionalChain(child, inChain);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  const { type, start } = /** @type {{ type?: string, start?: number }} */ (node);
  const chain = type === 'ChainExpression' || (inChain && type !== 'FunctionExpression' && type !== 'ArrowFunctionExpression');
  if (chain && type === 'CallExpression') {
    const args = /** @type {{ arguments: Array<{ type: string }> }} */ (node).arguments;
    if (args.slice(0, -1).some((argument) => argument.type === 'SpreadElement')) return start;
  }
  for (const [key, child] of Object.entries(node)) {
    if (key !== 'type' && child && typeof child === 'object') {
      const found = spreadBeforeLastInOptionalChain(child, chain);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** Fails the build when the output uses syntax the supported browsers cannot parse, or run (see above). */
/** @param {string} file @param {string} code */
function checkSyntaxLevel(file, code) {
  let ast;
  try {
    ast = parse(code, { ecmaVersion: SYNTAX_LEVEL, sourceType: file.endsWith('.mjs') ? 'module' : 'script' });
  } catch (error) {
    throw new Error(`${file} is not ES${SYNTAX_LEVEL} (${error instanceof Error ? error.message : error}); Sentry's supported browsers could not run it`);
  }
  const at = spreadBeforeLastInOptionalChain(ast);
  if (at !== undefined) {
    throw new Error(`${file} has a spread argument before the last in an optional chain at offset ${at} (${code.slice(at, at + 60)}…), which Chrome 80 to 90 cannot run`);
  }
}

/**
 * What the full bundle knows of the extra files (src/sentry/extra-files.ts): the minified bundle loads the minified
 * ones, the readable bundle the readable ones; the sha256 SRI value of each (as short a check as the loader's own).
 * @param {boolean} minify @param {Record<string, string>} hashes
 */
export function extraDefines(minify, hashes) {
  const tracing = extraFileName('tracing', minify);
  const replay = extraFileName('replay', minify);
  return {
    __TRACING_FILE__: JSON.stringify(tracing),
    __TRACING_INTEGRITY__: JSON.stringify(hashes[tracing] ?? ''),
    __REPLAY_FILE__: JSON.stringify(replay),
    __REPLAY_INTEGRITY__: JSON.stringify(hashes[replay] ?? ''),
  };
}

/** Subresource Integrity value of a file: what a page puts in <script integrity="…">. */
export function sriHash(/** @type {Uint8Array} */ code, algorithm = 'sha384') {
  return `${algorithm}-${createHash(algorithm).update(code).digest('base64')}`;
}

export async function build() {
  /** @type {Record<string, { raw: number, gzip: number, brotli: number }>} */
  const rows = {};
  /** @type {Record<string, string>} */
  const integrity = {};
  /**
   * `again`: terser's second pass (not for the extra files: ten times the full bundle's code, for a few percent).
   * @param {import('esbuild').BuildOptions & { outfile: string }} options
   */
  const buildOne = async (options, again = true) => {
    const result = await esbuild.build({ ...options, metafile: true, write: true });
    // Errors a plugin adds when the build ends (sentry-source's checks) do not make esbuild reject.
    if (result.errors.length > 0) throw new Error(`${options.outfile}: ${result.errors.map((error) => error.text).join('\n')}`);
    // The loader's map has no sourceMappingURL comment (see loaderOptions); the full bundle's keeps its own.
    if (options.minify && again) await minifyAgainInWorker(options.outfile, options.sourcemap === true ? { mapUrl: `${basename(options.outfile)}.map` } : {});
    const code = await readFile(options.outfile);
    checkSyntaxLevel(options.outfile, code.toString('utf8'));
    rows[options.outfile] = sizes(code);
    // (SRI is for script tags: the plugin's modules reach a page through the app's own build.)
    if (!options.outfile.endsWith('.mjs')) integrity[basename(options.outfile)] = sriHash(code);
    return { result, code };
  };
  /**
   * The script bundles: the names the minified full bundle gives the SDK's private members (a build that writes
   * nothing), for the minified extra files to use the same; then the extra files, whose hashes the full bundle gets;
   * then the full bundle, and the loader with the full bundle's hash.
   */
  const scriptBundles = async () => {
    const probe = await esbuild.build({ ...bundleOptions, ...minifiedOutput, plugins: scriptBundlePlugins(), write: false, mangleCache: {}, define: { ...bundleOptions.define, ...extraDefines(true, {}) } });
    let mangleCache = probe.mangleCache ?? {};
    /** @type {Record<string, string>} extra file name → its sha256 SRI value */
    const extraHashes = {};
    for (const minify of [false, true]) {
      for (const extraFile of extraFiles) {
        const file = extraFileName(extraFile.name, minify);
        const { result, code } = await buildOne({ ...extraFileOptions(extraFile, minify, mangleCache), outfile: `dist/${file}` }, false);
        if (minify) mangleCache = result.mangleCache ?? mangleCache;
        extraHashes[file] = sriHash(code, 'sha256');
      }
    }
    const built = await Promise.all(
      outputs.map((output) =>
        buildOne({
          ...bundleOptions,
          ...output,
          plugins: scriptBundlePlugins(),
          ...(output.minify ? { mangleCache } : {}),
          define: { ...bundleOptions.define, ...extraDefines(output.minify, extraHashes) },
        }),
      ),
    );
    const minified = built[outputs.indexOf(minifiedOutput)];
    if (!minified) throw new Error('the full bundle was not built');
    // esbuild's metafile says what each module costs (https://esbuild.github.io/analyze/).
    await writeFile('dist/meta.json', JSON.stringify(minified.result.metafile));
    // The loader's own copy of the hash is sha256: as strong a check for this purpose, and 20 characters
    // of base64 (which does not compress) shorter on the critical path. integrity.json keeps sha384.
    await buildOne({ ...loaderOptions(sriHash(minified.code, 'sha256')), outfile: 'dist/segment-sentry.loader.min.js' });
  };
  /**
   * The plugin's Sentry part after its extra files, as the full bundle after its own: the extra files take the
   * names its build gives the SDK's private members, and it takes the names they add.
   */
  const pluginSentryPart = async () => {
    let pluginMangleCache = (await esbuild.build({ ...pluginSentryOptions, write: false, mangleCache: {} })).mangleCache ?? {};
    for (const extraFile of extraFiles) pluginMangleCache = (await buildOne(pluginExtraFileOptions(extraFile, pluginMangleCache), false)).result.mangleCache ?? pluginMangleCache;
    await buildOne({ ...pluginSentryOptions, mangleCache: pluginMangleCache });
  };
  // Side by side (each minifier pass on a thread of its own).
  await Promise.all([scriptBundles(), pluginSentryPart(), buildOne(pluginEntryOptions), ...tunnelOptions.map((options) => esbuild.build(options))]);
  const inOrder = (/** @type {Record<string, any>} */ record) => Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
  await writeFile('dist/integrity.json', `${JSON.stringify(inOrder(integrity), null, 2)}\n`);
  console.log(`syntax: ES${SYNTAX_LEVEL} (targets ${BROWSER_TARGETS.join(', ')})`);
  console.table(inOrder(rows));
  console.log('dist/integrity.json:', inOrder(integrity));
}

if (import.meta.url === `file://${process.argv[1]}`) await build();
