// @ts-check
// The CDN snippets in README.md and docs/*.md are pinned to this package's version and each file's SRI hash.
// `--write` updates every one of them from package.json and dist/integrity.json; `--check` (run before
// publishing) fails naming each file whose snippet is stale.
import { readFile, writeFile } from 'node:fs/promises';
import { docFiles } from './doc-recipes.mjs';

const ROOT = new URL('../../', import.meta.url);
const pkg = JSON.parse(await readFile(new URL('package.json', ROOT), 'utf8'));
const integrity = JSON.parse(await readFile(new URL('dist/integrity.json', ROOT), 'utf8'));
const PINNED = /(https:\/\/cdn\.jsdelivr\.net\/npm\/segment-sentry@)[^/]+(\/dist\/(segment-sentry(?:\.loader)?\.min\.js))"\s+integrity="[^"]*"/g;

const stale = [];
let snippets = 0;
for (const file of docFiles()) {
  const url = new URL(file, ROOT);
  const text = await readFile(url, 'utf8');
  snippets += [...text.matchAll(PINNED)].length;
  const updated = text.replace(PINNED, (_match, prefix, path, name) => `${prefix}${pkg.version}${path}"\n        integrity="${integrity[name]}"`);
  if (updated === text) continue;
  if (process.argv.includes('--write')) {
    await writeFile(url, updated);
    console.log(`${file}: snippets pinned to ${pkg.version}`);
  } else {
    stale.push(file);
  }
}
if (snippets === 0) {
  console.error('No pinned CDN snippet found in README.md or docs/: the pattern no longer matches what the docs write.');
  process.exit(1);
}
if (stale.length) {
  console.error(`Stale CDN snippets in ${stale.join(', ')}: run \`node scripts/build/doc-snippets.mjs --write\` after \`npm run build\`.`);
  process.exit(1);
}
if (!process.argv.includes('--write')) console.log(`${snippets} CDN snippets in README.md and docs/ match`, pkg.version, 'and dist/integrity.json');
