// The second minifier pass, after esbuild's, and the same in a worker thread (terser is synchronous JavaScript: two
// files are minified side by side only on two threads; docs/development.md, «The run», says what it saves).
import { readFile, writeFile } from 'node:fs/promises';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { minify as terserMinify } from 'terser';

/**
 * Terser's compressor, run a few times over, finds what esbuild's single pass leaves (measured on this bundle:
 * docs/benchmark.md, «Where the bytes and milliseconds went»). Its source map is composed with esbuild's, so the map
 * still points into the original sources. `mapUrl`: the sourceMappingURL comment to write, if any.
 * @param {string} file the minified output esbuild wrote, with its map beside it
 * @param {{ mapUrl?: string }} [options]
 */
export async function minifyAgain(file, { mapUrl } = {}) {
  const code = await readFile(file, 'utf8');
  const map = await readFile(`${file}.map`, 'utf8').catch(() => undefined);
  const result = await terserMinify(code, {
    module: file.endsWith('.mjs'),
    ecma: 2020,
    compress: { passes: 3 },
    mangle: true,
    format: { comments: false },
    sourceMap: map ? { content: map, ...(mapUrl ? { url: mapUrl } : {}) } : false,
  });
  if (!result.code) throw new Error(`terser gave nothing for ${file}`);
  await writeFile(file, result.code);
  if (map && typeof result.map === 'string') await writeFile(`${file}.map`, result.map);
}

/**
 * minifyAgain in a worker thread of its own.
 * @param {string} file @param {{ mapUrl?: string }} [options] @returns {Promise<void>}
 */
export function minifyAgainInWorker(file, options = {}) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { file, options } });
    worker.once('message', () => resolve());
    worker.once('error', (error) => reject(new Error(`minifying ${file}: ${error.message}`, { cause: error })));
    worker.once('exit', (code) => reject(new Error(`the minifier's thread for ${file} ended (${code}) before it was done`)));
  });
}

if (!isMainThread && workerData?.file) {
  await minifyAgain(workerData.file, workerData.options);
  parentPort?.postMessage('done');
}
