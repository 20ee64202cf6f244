// @ts-check
// The README's recipes: each fenced block after a `<!-- recipe: NAME -->` line, character for character.
// They are compiled against the packed package (consumer-types.test.ts) and the tunnel's are run as
// written (scripts/dev/tunnel-runtimes.mjs), so what the README shows is what is tested.
import { readFileSync } from 'node:fs';

/**
 * @param {string} [readme] the README's text (default: this repository's)
 * @returns {Map<string, string>} the recipes by name
 */
export function readmeRecipes(readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')) {
  const recipes = new Map();
  for (const match of readme.matchAll(/^<!-- recipe: ([\w.-]+) -->\n```\w*\n([\s\S]*?)\n```$/gm)) recipes.set(match[1], `${match[2]}\n`);
  return recipes;
}
