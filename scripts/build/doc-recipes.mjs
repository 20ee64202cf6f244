// @ts-check
// The recipes in the documentation: each fenced block after a `<!-- recipe: NAME -->` line, character for
// character, in README.md and docs/*.md (the tunnel's in docs/tunnel.md, the browser global's in docs/api.md).
// They are compiled against the packed package (consumer-types.test.ts) and the tunnel's are run as
// written (scripts/dev/tunnel-runtimes.mjs), so what the docs show is what is tested.
import { readdirSync, readFileSync } from 'node:fs';

const ROOT = new URL('../../', import.meta.url);

/** README.md and every docs/*.md, by their path in the repository. */
export function docFiles() {
  const docs = readdirSync(new URL('docs/', ROOT)).filter((name) => name.endsWith('.md')).sort();
  return ['README.md', ...docs.map((name) => `docs/${name}`)];
}

/**
 * @param {Record<string, string>} [texts] markdown text by file name (default: README.md and docs/*.md)
 * @returns {Map<string, string>} the recipes by name; a name written twice is an error, so each recipe lives in one place
 */
export function docRecipes(texts = Object.fromEntries(docFiles().map((file) => [file, readFileSync(new URL(file, ROOT), 'utf8')]))) {
  /** @type {Map<string, string>} */
  const recipes = new Map();
  /** @type {Map<string, string>} */
  const where = new Map();
  for (const [file, text] of Object.entries(texts)) {
    for (const match of text.matchAll(/^<!-- recipe: ([\w.-]+) -->\n```\w*\n([\s\S]*?)\n```$/gm)) {
      const name = /** @type {string} */ (match[1]);
      if (where.has(name)) throw new Error(`recipe ${name} is in both ${where.get(name)} and ${file}`);
      where.set(name, file);
      recipes.set(name, `${match[2]}\n`);
    }
  }
  return recipes;
}
