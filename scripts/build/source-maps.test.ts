// The shipped files' source maps stay right through both minifier passes (esbuild, then terser): a position in
// dist/ maps back to the line of our source that wrote it. Run on whatever `npm run build` last wrote.
import { readFileSync } from 'node:fs';
import { TraceMap, originalPositionFor } from '@jridgewell/trace-mapping';
import { expect, test } from '@playwright/test';

const dist = (file: string) => readFileSync(new URL(`../../dist/${file}`, import.meta.url), 'utf8');

/** Where `text` stands in the generated file, as the 1-based line and 0-based column a map uses. */
function positionOf(code: string, text: string): { line: number; column: number } {
  const index = code.indexOf(text);
  expect(index, `${text} in the built file`).toBeGreaterThanOrEqual(0);
  const before = code.slice(0, index).split('\n');
  return { line: before.length, column: before.at(-1)!.length };
}

const cases = [
  // [built file, its map, a string only our source has, the source file, the text on that source line]
  ['segment-sentry.min.js', 'segment-sentry.min.js.map', 'SegmentSentry is already defined (segment-sentry included twice', 'src/index.ts', "log.warn('SegmentSentry is already defined"],
  ['segment-sentry.loader.min.js', 'segment-sentry.loader.min.js.map', 'errors are not reported', 'src/loader/index.ts', 'errors are not reported'],
] as const;

for (const [file, mapFile, text, source, line] of cases) {
  test(`${file}: its source map leads back to ${source}`, () => {
    const code = dist(file);
    const map = new TraceMap(dist(mapFile));
    const original = originalPositionFor(map, positionOf(code, text));
    expect(original.source).toMatch(new RegExp(`${source.replace(/[./]/g, '\\$&')}$`));
    const sourceLine = readFileSync(new URL(`../../${source}`, import.meta.url), 'utf8').split('\n')[original.line! - 1];
    expect(sourceLine).toContain(line);
  });
}

test('the full bundle names its map; the loader does not (its comment cost 3% of its bytes)', () => {
  expect(dist('segment-sentry.min.js').trimEnd().endsWith('//# sourceMappingURL=segment-sentry.min.js.map')).toBe(true);
  expect(dist('segment-sentry.loader.min.js')).not.toContain('sourceMappingURL');
});
