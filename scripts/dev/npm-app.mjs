// @ts-check
// The npm plugin's fixture apps (e2e/npm-app/*.ts), built as a site builds them: by esbuild (bundle, ESM, code
// splitting, minified) and by Vite's production build, with `segment-sentry/plugin` resolved to the built
// dist/plugin/index.mjs (what the package publishes) and @segment/analytics-next from node_modules. Used by
// e2e/npm-plugin.spec.ts and by scripts/build/plugin-cost.mjs (the first-chunk cost).
import { rmSync } from 'node:fs';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

/** What this process built, removed when it exits (a Playwright worker, or plugin-cost.mjs): one listener for all. */
const builtDirs = new Set();
process.once('exit', () => builtDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PLUGIN_ENTRY = join(ROOT, 'dist/plugin/index.mjs');
const PLUGIN_SENTRY_PART = join(ROOT, 'dist/plugin/sentry.mjs');

/** @typedef {'esbuild' | 'vite'} Bundler */
/**
 * @typedef {object} BuiltApp
 * @property {string} dir where the files are
 * @property {string} entry the app's entry module, relative to dir
 * @property {string[]} firstChunk the entry and every file it imports statically, relative to dir
 * @property {string | undefined} sentryChunk the file the plugin's Sentry part landed in, relative to dir
 * @property {(source: string) => string | undefined} chunkOf the file a module (an absolute path) landed in, relative to dir
 * @property {string[]} files every JavaScript file written, relative to dir
 */

/** @param {string} app a fixture app's file name under e2e/npm-app/, or an absolute path */
const appSource = (app) => (isAbsolute(app) ? app : join(ROOT, 'e2e/npm-app', app));

/** @param {string} dir @returns {Promise<string[]>} */
async function filesUnder(dir) {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile() && entry.name.endsWith('.js')).map((entry) => relative(dir, join(entry.parentPath, entry.name)));
}

/**
 * @param {string} app the fixture app's file name under e2e/npm-app/ (`app.ts`), or an absolute path
 * @param {string} outDir
 * @returns {Promise<BuiltApp>}
 */
async function buildWithEsbuild(app, outDir) {
  const result = await esbuild.build({
    entryPoints: { main: appSource(app) },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    outdir: outDir,
    metafile: true,
    logLevel: 'silent',
    alias: { 'segment-sentry/plugin': PLUGIN_ENTRY },
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const outputs = result.metafile.outputs;
  const name = (/** @type {string} */ path) => relative(outDir, join(process.cwd(), path));
  const entry = Object.keys(outputs).find((path) => { const from = outputs[path]?.entryPoint; return from !== undefined && join(process.cwd(), from) === appSource(app); });
  if (!entry) throw new Error(`esbuild wrote no entry for ${app}`);
  /** @type {string[]} */
  const firstChunk = [];
  const visit = (/** @type {string} */ path) => {
    if (firstChunk.includes(name(path))) return;
    firstChunk.push(name(path));
    for (const imported of outputs[path]?.imports ?? []) if (imported.kind === 'import-statement') visit(imported.path);
  };
  visit(entry);
  const chunkOf = (/** @type {string} */ source) => {
    const found = Object.keys(outputs).find((path) => !path.endsWith('.map') && Object.keys(outputs[path]?.inputs ?? {}).some((input) => join(process.cwd(), input) === source));
    return found && name(found);
  };
  return { dir: outDir, entry: name(entry), firstChunk, sentryChunk: chunkOf(PLUGIN_SENTRY_PART), chunkOf, files: await filesUnder(outDir) };
}

/**
 * @param {string} app
 * @param {string} outDir
 * @param {string} base the URL path the app is served from
 * @returns {Promise<BuiltApp>}
 */
async function buildWithVite(app, outDir, base) {
  const { build } = await import('vite');
  await build({
    configFile: false,
    root: ROOT,
    base,
    logLevel: 'silent',
    resolve: { alias: { 'segment-sentry/plugin': PLUGIN_ENTRY } },
    build: {
      outDir,
      emptyOutDir: true,
      manifest: true,
      target: 'es2020',
      // (a JavaScript entry, not index.html: the page that loads it is the test's)
      rollupOptions: { input: { main: appSource(app) } },
    },
  });
  /** @type {Record<string, { file: string, isEntry?: boolean, imports?: string[], src?: string }>} */
  const manifest = JSON.parse(await readFile(join(outDir, '.vite/manifest.json'), 'utf8'));
  const entryKey = Object.keys(manifest).find((key) => manifest[key]?.isEntry);
  if (!entryKey) throw new Error(`vite wrote no entry for ${app}`);
  /** @type {string[]} */
  const firstChunk = [];
  const visit = (/** @type {string} */ key) => {
    const chunk = manifest[key];
    if (!chunk || firstChunk.includes(chunk.file)) return;
    firstChunk.push(chunk.file);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  visit(entryKey);
  const chunkOf = (/** @type {string} */ source) => Object.values(manifest).find((chunk) => chunk.src && join(ROOT, chunk.src) === source)?.file;
  return { dir: outDir, entry: /** @type {string} */ (manifest[entryKey]?.file), firstChunk, sentryChunk: chunkOf(PLUGIN_SENTRY_PART), chunkOf, files: await filesUnder(outDir) };
}

/**
 * Builds one fixture app with one bundler into a new temporary folder.
 * @param {Bundler} bundler @param {string} app @param {string} base the URL path it is served from (ends in /)
 * @returns {Promise<BuiltApp>}
 */
export async function buildNpmApp(bundler, app, base = '/') {
  const outDir = await mkdtemp(join(tmpdir(), `npm-app-${bundler}-`));
  builtDirs.add(outDir);
  return bundler === 'esbuild' ? buildWithEsbuild(app, outDir) : buildWithVite(app, outDir, base);
}

/** Gzip bytes (level 9, as the project's size table) of these files of a built app, summed. @param {BuiltApp} built @param {string[]} files */
export async function gzipBytes(built, files) {
  let total = 0;
  for (const file of files) total += gzipSync(await readFile(join(built.dir, file)), { level: 9 }).length;
  return total;
}
