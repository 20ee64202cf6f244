// @ts-check
// `node scripts/build/plugin-cost.mjs` (after `npm run build`): what `segment-sentry/plugin` adds to an app's first
// chunk, the app's entry and every file it imports statically, gzip (level 9) after the app's own minifying
// production build, measured against the same app without the plugin (e2e/npm-app/app-recipe.ts, the README's recipe, against
// app-without-plugin.ts), built by esbuild (ESM, code splitting, minified) and by Vite's production build.
// And the Sentry chunk the bundler split off, against the full bundle split off by the same build
// (an app whose one line is `import()` of dist/segment-sentry.min.js): the same SDK trims and isolation, so never larger. (Not against the 27,975 B of
// dist/segment-sentry.min.js as shipped: an app's minifier renames every identifier again, and esbuild's renamer
// gives each closure's names after its parent's where terser reuses the short ones, about 1.4 KB more gzip on
// either file; docs/segment.md, «With Segment from npm».)
// Prints the numbers; fails when the cost passes PLUGIN_FIRST_CHUNK_BUDGET or the Sentry chunk is the larger.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { buildNpmApp, gzipBytes } from '../dev/npm-app.mjs';

/** Issue 31: at most this many gzip bytes in the app's first chunk. */
export const PLUGIN_FIRST_CHUNK_BUDGET = 1500;

const FULL_BUNDLE = fileURLToPath(new URL('../../dist/segment-sentry.min.js', import.meta.url));

/**
 * @typedef {object} PluginCost
 * @property {'esbuild' | 'vite'} bundler
 * @property {number} without the app's first chunk without the plugin
 * @property {number} with the app's first chunk with it
 * @property {number} cost what the plugin adds to it
 * @property {number} sentryChunk the plugin's Sentry part, as the app's build split it off
 * @property {number} fullBundleChunk the full bundle, split off by the same build
 */

/** @returns {Promise<PluginCost[]>} */
export async function pluginCosts() {
  /** @type {PluginCost[]} */
  const rows = [];
  // The measuring stick, written here: as an e2e/npm-app/ file, the type check would follow it into the bundle.
  const stickDir = await mkdtemp(join(tmpdir(), 'plugin-cost-'));
  const fullBundleApp = join(stickDir, 'app-full-bundle.mjs');
  await writeFile(fullBundleApp, `void import(${JSON.stringify(FULL_BUNDLE)});\n`);
  try {
    for (const bundler of /** @type {const} */ (['esbuild', 'vite'])) {
      const without = await buildNpmApp(bundler, 'app-without-plugin.ts');
      const withPlugin = await buildNpmApp(bundler, 'app-recipe.ts');
      const reference = await buildNpmApp(bundler, fullBundleApp);
      const fullBundleChunk = reference.chunkOf(FULL_BUNDLE);
      if (!withPlugin.sentryChunk) throw new Error(`${bundler} did not split the plugin's Sentry part into a chunk of its own`);
      if (!fullBundleChunk) throw new Error(`${bundler} did not split the full bundle into a chunk of its own`);
      const before = await gzipBytes(without, without.firstChunk);
      const after = await gzipBytes(withPlugin, withPlugin.firstChunk);
      rows.push({
        bundler,
        without: before,
        with: after,
        cost: after - before,
        sentryChunk: await gzipBytes(withPlugin, [withPlugin.sentryChunk]),
        fullBundleChunk: await gzipBytes(reference, [fullBundleChunk]),
      });
    }
  } finally {
    await rm(stickDir, { recursive: true, force: true });
  }
  return rows;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rows = await pluginCosts();
  const shipped = gzipSync(await readFile(FULL_BUNDLE), { level: 9 }).length;
  let failed = 0;
  for (const row of rows) {
    const costOk = row.cost <= PLUGIN_FIRST_CHUNK_BUDGET;
    const chunkOk = row.sentryChunk <= row.fullBundleChunk;
    if (!costOk || !chunkOk) failed++;
    console.log(
      `plugin first-chunk cost (${row.bundler}): ${row.with} B gzip with the plugin, ${row.without} B without: ` +
        `${row.cost} B of ${PLUGIN_FIRST_CHUNK_BUDGET} B: ${costOk ? 'ok' : 'OVER BUDGET'}`,
    );
    console.log(
      `  the Sentry chunk it split off: ${row.sentryChunk} B gzip; the full bundle split off by the same build: ` +
        `${row.fullBundleChunk} B (${shipped} B as shipped): ${chunkOk ? 'ok' : 'LARGER THAN THE FULL BUNDLE'}`,
    );
  }
  if (failed > 0) process.exit(1);
}
