// @ts-check
// `node scripts/build/plugin-cost.mjs` (after `npm run build`): what `segment-sentry/plugin` adds to an app's first
// chunk, the app's entry and every file it imports statically, gzip (level 9) after the app's own minifying
// production build, measured against the same app without the plugin (e2e/npm-app/app-recipe.ts, the README's recipe, against
// app-without-plugin.ts), built by esbuild (ESM, code splitting, minified) and by Vite's production build.
// Prints the numbers, and the Sentry chunk the bundler split off; fails when the cost passes PLUGIN_FIRST_CHUNK_BUDGET.
import { fileURLToPath } from 'node:url';
import { buildNpmApp, gzipBytes } from '../dev/npm-app.mjs';

/** Issue 31: at most this many gzip bytes in the app's first chunk. */
export const PLUGIN_FIRST_CHUNK_BUDGET = 1500;

/** @returns {Promise<Array<{ bundler: 'esbuild' | 'vite', without: number, with: number, cost: number, sentryChunk: number }>>} */
export async function pluginCosts() {
  const rows = [];
  for (const bundler of /** @type {const} */ (['esbuild', 'vite'])) {
    const without = await buildNpmApp(bundler, 'app-without-plugin.ts');
    const withPlugin = await buildNpmApp(bundler, 'app-recipe.ts');
    if (!withPlugin.sentryChunk) throw new Error(`${bundler} did not split the plugin's Sentry part into a chunk of its own`);
    const before = await gzipBytes(without, without.firstChunk);
    const after = await gzipBytes(withPlugin, withPlugin.firstChunk);
    rows.push({ bundler, without: before, with: after, cost: after - before, sentryChunk: await gzipBytes(withPlugin, [withPlugin.sentryChunk]) });
  }
  return rows;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rows = await pluginCosts();
  let over = 0;
  for (const row of rows) {
    const verdict = row.cost <= PLUGIN_FIRST_CHUNK_BUDGET ? 'ok' : 'OVER BUDGET';
    if (row.cost > PLUGIN_FIRST_CHUNK_BUDGET) over++;
    console.log(
      `plugin first-chunk cost (${row.bundler}): ${row.with} B gzip with the plugin, ${row.without} B without: ` +
        `${row.cost} B of ${PLUGIN_FIRST_CHUNK_BUDGET} B: ${verdict}; the Sentry chunk it split off: ${row.sentryChunk} B gzip`,
    );
  }
  if (over > 0) process.exit(1);
}
