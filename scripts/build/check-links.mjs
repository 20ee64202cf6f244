// @ts-check
// Every relative link in the documentation resolves: in README.md, ARCHITECTURE.md, CHANGELOG.md and docs/*.md,
// each `[text](path)`, `![alt](path)`, `[text](path#anchor)` and `[text](#anchor)` names a file that exists and, for
// an anchor, a heading of that file, with the anchor GitHub gives it (slugOf). Links with a scheme (https:, mailto:)
// are not followed. A link that leaves the repository (`../shared/spec/…`: the repository is cloned next to a
// `shared/` folder) is not checked and not an error, so the check gives the same answer in a clean clone on its
// own; it is counted in the summary. Code (fenced blocks and `inline code`) holds no links and no headings.
// `npm test` runs it after the layout check; `linkProblems` is what scripts/build/check-links.test.ts tests.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The anchor GitHub gives a heading's text (github-slugger): lower case; every character that is not a letter,
 * a number, a combining mark, `_` (or another connector), `-` or a space taken out; each space a `-`.
 * @param {string} text the heading as written, inline markdown included
 */
export function slugOf(text) {
  const rendered = text
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // a link or an image reads as its text
    .replace(/<[^>]+>/g, '') // inline HTML
    .replace(/`/g, ''); // code keeps its text
  return rendered.trim().toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '').replace(/ /g, '-');
}

/**
 * A markdown text's lines outside fenced code blocks, with their line numbers (1-based).
 * @param {string} markdown
 * @returns {Array<[line: string, number: number]>}
 */
function proseLines(markdown) {
  /** @type {Array<[string, number]>} */
  const lines = [];
  let fence = '';
  markdown.split('\n').forEach((line, index) => {
    const opening = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fence) {
      const closing = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(line)?.[1];
      if (closing && closing[0] === fence[0] && closing.length >= fence.length) fence = '';
    } else if (opening) {
      fence = /** @type {string} */ (opening[1]);
    } else {
      lines.push([line, index + 1]);
    }
  });
  return lines;
}

/**
 * The anchors of a markdown text's headings, in order; a repeated heading gets `-1`, `-2`, … as on GitHub.
 * @param {string} markdown
 * @returns {string[]}
 */
export function anchorsOf(markdown) {
  /** @type {Map<string, number>} */
  const occurrences = new Map();
  /** @type {string[]} */
  const anchors = [];
  for (const [line] of proseLines(markdown)) {
    const heading = /^ {0,3}#{1,6}(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/.exec(line);
    if (!heading) continue;
    const original = slugOf(heading[1] ?? '');
    let anchor = original;
    while (occurrences.has(anchor)) {
      const count = /** @type {number} */ (occurrences.get(original)) + 1;
      occurrences.set(original, count);
      anchor = `${original}-${count}`;
    }
    occurrences.set(anchor, 0);
    anchors.push(anchor);
  }
  return anchors;
}

/**
 * The link targets of a markdown text, outside code, with their line numbers.
 * @param {string} markdown
 * @returns {Array<{ target: string, line: number }>}
 */
export function linksOf(markdown) {
  const links = [];
  for (const [line, number] of proseLines(markdown)) {
    const prose = line.replace(/(`+)(?:(?!\1)[\s\S])*?\1/g, (code) => ' '.repeat(code.length)); // inline code is not a link
    for (const match of prose.matchAll(/\]\(\s*(?:<([^>]*)>|([^)\s]*))(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/g)) {
      links.push({ target: /** @type {string} */ (match[1] ?? match[2]), line: number });
    }
  }
  return links;
}

/**
 * The markdown files checked: README.md, ARCHITECTURE.md, CHANGELOG.md and docs/*.md (those that exist).
 * @param {string} root
 */
export function markdownFiles(root) {
  const docs = existsSync(join(root, 'docs')) ? readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md')).sort().map((name) => `docs/${name}`) : [];
  return ['README.md', 'ARCHITECTURE.md', 'CHANGELOG.md', ...docs].filter((file) => existsSync(join(root, file)));
}

/**
 * Every link of the checked files that does not resolve, as `file:line: link: why`; and how many links left the
 * repository (not checked).
 * @param {string} root the repository
 * @returns {{ problems: string[], checked: number, outside: number }}
 */
export function linkProblems(root) {
  /** @type {Map<string, string[]>} */
  const anchorCache = new Map();
  const anchorsIn = (/** @type {string} */ path) => {
    if (!anchorCache.has(path)) anchorCache.set(path, anchorsOf(readFileSync(path, 'utf8')));
    return /** @type {string[]} */ (anchorCache.get(path));
  };
  const problems = [];
  let checked = 0;
  let outside = 0;
  for (const file of markdownFiles(root)) {
    const from = join(root, file);
    for (const { target, line } of linksOf(readFileSync(from, 'utf8'))) {
      if (/^[a-z][a-z\d+.-]*:/i.test(target) || target.startsWith('//')) continue; // https:, mailto: and the like
      const hash = target.indexOf('#');
      const pathPart = decodeURIComponent(hash === -1 ? target : target.slice(0, hash));
      const anchor = hash === -1 ? undefined : decodeURIComponent(target.slice(hash + 1));
      const path = pathPart === '' ? from : pathPart.startsWith('/') ? join(root, pathPart) : resolve(dirname(from), pathPart);
      const inRepo = relative(root, path);
      if (inRepo === '..' || inRepo.startsWith(`..${sep}`)) {
        outside++;
        continue;
      }
      checked++;
      const where = `${file}:${line}: ${target}`;
      if (!existsSync(path)) {
        problems.push(`${where}: no file ${inRepo || '.'}`);
        continue;
      }
      if (anchor === undefined) continue;
      if (!statSync(path).isFile() || !path.endsWith('.md')) {
        problems.push(`${where}: an anchor into ${inRepo}, which is not a markdown file`);
      } else if (!anchorsIn(path).includes(anchor)) {
        problems.push(`${where}: ${inRepo} has no heading with the anchor #${anchor}`);
      }
    }
  }
  return { problems, checked, outside };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const { problems, checked, outside } = linkProblems(root);
  if (problems.length) {
    console.error(`check-links: ${problems.length} broken link${problems.length === 1 ? '' : 's'}:\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
    process.exit(1);
  }
  console.log(`check-links: ${checked} relative links in ${markdownFiles(root).join(', ')} resolve (${outside} outside the repository, not checked)`);
}
