// The link check (scripts/build/check-links.mjs): GitHub's anchor rules, and small trees with each kind of broken link.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { anchorsOf, linkProblems, linksOf, slugOf } from './check-links.mjs';

function problemsOf(files: Record<string, string>): string[] {
  const root = mkdtempSync(join(tmpdir(), 'links-'));
  try {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    return linkProblems(root).problems;
  } finally {
    rmSync(root, { recursive: true });
  }
}

test('this project has no broken link', () => {
  expect(linkProblems(fileURLToPath(new URL('../..', import.meta.url))).problems).toEqual([]);
});

test('a heading becomes its anchor as on GitHub: lower case, punctuation out except - and _, each space a -', () => {
  expect(slugOf('Browser support')).toBe('browser-support');
  expect(slugOf("How this differs from Segment's own destination")).toBe('how-this-differs-from-segments-own-destination');
  expect(slugOf('`window.SegmentSentry`')).toBe('windowsegmentsentry');
  expect(slugOf('Through content blockers: `tunnel`')).toBe('through-content-blockers-tunnel');
  expect(slugOf('Segment: identify, reset, track and page')).toBe('segment-identify-reset-track-and-page');
  expect(slugOf('snake_case and kebab-case (kept)')).toBe('snake_case-and-kebab-case-kept');
  expect(slugOf('throw → request, «quoted»')).toBe('throw--request-quoted');
  expect(slugOf('[A link](https://example.com) in it')).toBe('a-link-in-it');
  expect(slugOf('Ünïcode letters stay')).toBe('ünïcode-letters-stay');
});

test('a repeated heading gets -1, -2; headings in code blocks and closing #s do not count', () => {
  const markdown = ['# Title #', '## Notes', '```md', '## Notes', '```', '## Notes', '### Notes', '## Notes-1', '####### not a heading', '#nospace'].join('\n');
  expect(anchorsOf(markdown)).toEqual(['title', 'notes', 'notes-1', 'notes-2', 'notes-1-1']);
});

test('links are read outside code only, with their line numbers', () => {
  const markdown = ['[a](a.md) and ![b](b.png "title")', '`[not](a link)` and [c](#c)', '```', '[in](code.md)', '```', '[d](<d e.md>)'].join('\n');
  expect(linksOf(markdown)).toEqual([
    { target: 'a.md', line: 1 },
    { target: 'b.png', line: 1 },
    { target: '#c', line: 2 },
    { target: 'd e.md', line: 6 },
  ]);
});

test('a well-linked small tree has no problem; links with a scheme and links out of the repository are not checked', () => {
  expect(
    problemsOf({
      'README.md': '# Read me\n\n## Two words\n\n[docs](docs/a.md#part-one), [here](#two-words), [top](#read-me), ![picture](docs/a.png)\n[web](https://example.com/x.md#nothing) [spec](../shared/spec/missing.txt)\n',
      'docs/a.md': '# A\n\n## Part one\n\n[back](../README.md#two-words) [folder](../docs)\n',
      'docs/a.png': '',
    }),
  ).toEqual([]);
});

test('a missing file, a missing anchor and an anchor into a file that is not markdown are each named with file and line', () => {
  expect(
    problemsOf({
      'README.md': '# Read me\n\n[gone](docs/gone.md)\n[bad anchor](docs/a.md#part-two) [self](#nowhere)\n',
      'docs/a.md': '# A\n\n## Part one\n\n[picture](a.png#x)\n',
      'docs/a.png': '',
      'CHANGELOG.md': '[arch](ARCHITECTURE.md)\n',
    }),
  ).toEqual([
    'README.md:3: docs/gone.md: no file docs/gone.md',
    'README.md:4: docs/a.md#part-two: docs/a.md has no heading with the anchor #part-two',
    'README.md:4: #nowhere: README.md has no heading with the anchor #nowhere',
    'CHANGELOG.md:1: ARCHITECTURE.md: no file ARCHITECTURE.md',
    'docs/a.md:5: a.png#x: an anchor into docs/a.png, which is not a markdown file',
  ]);
});
