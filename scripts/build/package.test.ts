import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));

test('the npm package is the CDN folder, the tunnel and the analytics-next plugin: the loader, the full bundle, the tracing and replay files beside it, source maps, integrity, the tunnel modules, the plugin\'s modules (its tracing and replay ones too), declarations and nothing else', () => {
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8' }));
  const files = (packed.files as Array<{ path: string }>).map((file) => file.path).sort();
  expect(files).toEqual(
    [
      'README.md',
      'dist/integrity.json',
      'dist/segment-sentry.js',
      'dist/segment-sentry.js.map',
      'dist/segment-sentry.loader.min.js',
      'dist/segment-sentry.loader.min.js.map',
      'dist/segment-sentry.min.js',
      'dist/segment-sentry.min.js.map',
      // The extra files the full bundle fetches from its own folder where a page turns tracing or replay on
      // (docs/replay-tracing.md), and the readable bundle's twins.
      'dist/segment-sentry.replay.js',
      'dist/segment-sentry.replay.js.map',
      'dist/segment-sentry.replay.min.js',
      'dist/segment-sentry.replay.min.js.map',
      'dist/segment-sentry.tracing.js',
      'dist/segment-sentry.tracing.js.map',
      'dist/segment-sentry.tracing.min.js',
      'dist/segment-sentry.tracing.min.js.map',
      'dist/types/public-types.d.ts',
      'dist/tunnel.mjs',
      'dist/tunnel-node.mjs',
      'dist/types/tunnel/handler.d.ts',
      'dist/types/tunnel/node.d.ts',
      'dist/plugin/index.mjs',
      'dist/plugin/sentry.mjs',
      'dist/plugin/sentry.mjs.map',
      // Its tracing and Session Replay modules, which its Sentry part imports where a page turns them on.
      'dist/plugin/tracing.mjs',
      'dist/plugin/tracing.mjs.map',
      'dist/plugin/replay.mjs',
      'dist/plugin/replay.mjs.map',
      'dist/types/plugin/index.d.ts',
      'package.json',
    ].sort(),
  );
  expect(pkg.unpkg).toBe('dist/segment-sentry.min.js');
  expect(pkg.jsdelivr).toBe('dist/segment-sentry.min.js');
  expect(pkg.exports['.']).toEqual({ types: './dist/types/public-types.d.ts', default: './dist/segment-sentry.min.js' });
  // Installing the package must not run our dev-time patching in someone else's project.
  expect(pkg.scripts.postinstall).toBeUndefined();
});

test('the published declaration stands alone (imports nothing)', () => {
  const declaration = readFileSync(new URL('../../dist/types/public-types.d.ts', import.meta.url), 'utf8');
  expect(declaration).not.toMatch(/\bimport\b/);
  expect(declaration).toContain('interface SegmentSentryApi');
  expect(declaration).toContain('interface SegmentSentrySettings');
});

test('the tunnel modules need nothing outside the package: the handler imports nothing, the Node adapter only node: built-ins', () => {
  const importsOf = (file: string) =>
    [...readFileSync(new URL(`../../dist/${file}`, import.meta.url), 'utf8').matchAll(/^\s*import\b[^'"]*['"]([^'"]+)['"]/gm)].map((match) => match[1]);
  expect(importsOf('tunnel.mjs')).toEqual([]);
  expect(importsOf('tunnel-node.mjs').every((specifier) => specifier?.startsWith('node:'))).toBe(true);
  expect(pkg.exports['./tunnel']).toEqual({ types: './dist/types/tunnel/handler.d.ts', default: './dist/tunnel.mjs' });
  expect(pkg.exports['./tunnel/node']).toEqual({ types: './dist/types/tunnel/node.d.ts', default: './dist/tunnel-node.mjs' });
  const declaration = readFileSync(new URL('../../dist/types/tunnel/handler.d.ts', import.meta.url), 'utf8');
  expect(declaration).toContain('createTunnelHandler');
  expect(declaration).not.toMatch(/\bimport\b/);
});

test("the plugin's first part imports nothing statically: its one import is the dynamic import() of its Sentry part, beside it", () => {
  const code = readFileSync(new URL('../../dist/plugin/index.mjs', import.meta.url), 'utf8');
  expect([...code.matchAll(/^\s*import\b[^'"(]*['"]([^'"]+)['"]/gm)].map((match) => match[1])).toEqual([]);
  expect([...code.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)].map((match) => match[1])).toEqual(['./sentry.mjs']);
  expect(code).not.toMatch(/@sentry\//);
  expect(pkg.exports['./plugin']).toEqual({ types: './dist/types/plugin/index.d.ts', default: './dist/plugin/index.mjs' });
});
