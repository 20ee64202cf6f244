// @ts-check
// The README's CDN snippet is pinned to this package's version and the bundle's SRI hash.
// `--write` updates it from package.json and dist/integrity.json; `--check` (run before publishing) fails
// when it is stale.
import { readFile, writeFile } from 'node:fs/promises';

const readme = new URL('../../README.md', import.meta.url);
const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'));
const integrity = JSON.parse(await readFile(new URL('../../dist/integrity.json', import.meta.url), 'utf8'));
const PINNED = /(https:\/\/cdn\.jsdelivr\.net\/npm\/segment-sentry@)[^/]+(\/dist\/(segment-sentry(?:\.loader)?\.min\.js))"\s+integrity="[^"]*"/g;

const text = await readFile(readme, 'utf8');
const updated = text.replace(PINNED, (_match, prefix, path, file) => `${prefix}${pkg.version}${path}"\n        integrity="${integrity[file]}"`);
if (process.argv.includes('--write')) {
  await writeFile(readme, updated);
  console.log('README snippet pinned to', pkg.version);
} else if (updated !== text) {
  console.error('The README CDN snippet is stale: run `node scripts/build/readme-snippet.mjs --write` after `npm run build`.');
  process.exit(1);
} else {
  console.log('README snippet matches', pkg.version, 'and dist/integrity.json');
}
