// The layout check (scripts/build/check-layout.mjs) on this tree, and on small trees that break each rule.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { layoutProblems } from './check-layout.mjs';

function treeOf(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'layout-'));
  const all = { 'src/index.ts': '', 'src/public-types.ts': '', 'src/loader/index.ts': "import { keep } from './protocol';\n", 'src/loader/protocol.ts': '', ...files };
  for (const [path, text] of Object.entries(all)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

function problemsOf(files: Record<string, string>): string[] {
  const root = treeOf(files);
  try {
    return layoutProblems(root);
  } finally {
    rmSync(root, { recursive: true });
  }
}

test('this project keeps the layout', () => {
  expect(layoutProblems(fileURLToPath(new URL('../..', import.meta.url)))).toEqual([]);
});

test('a well-kept small tree has no problem', () => {
  expect(problemsOf({ 'src/settings/settings.ts': "import { keep } from '../loader/protocol';\n" })).toEqual([]);
});

test('a module directly under src/ is named', () => {
  expect(problemsOf({ 'src/helpers.ts': '' })).toEqual([expect.stringMatching(/^src\/helpers\.ts: only index\.ts and public-types\.ts/)]);
});

test('a part that imports an entry is named with the import', () => {
  expect(problemsOf({ 'src/sentry/client.ts': "import { x } from '../loader';\n", 'e2e/a.spec.ts': "import '../src/index';\n" })).toEqual([
    "src/sentry/client.ts: imports the entry src/loader/index.ts ('../loader'); import the part it uses instead",
    "e2e/a.spec.ts: imports the entry src/index.ts ('../src/index'); import the part it uses instead",
  ]);
});

test('Sentry code reached from the loader is named with the chain of imports; type-only imports compile away and pass', () => {
  expect(
    problemsOf({
      'src/loader/protocol.ts': "import type { Event } from '@sentry/core';\nimport { bounded } from './bounded';\n",
      'src/loader/bounded.ts': "import { normalize } from '@sentry/core';\n",
    }),
  ).toEqual(["src/loader/index.ts → src/loader/protocol.ts → src/loader/bounded.ts: imports '@sentry/core'; the loader carries no Sentry code"]);
});

test("the plugin's first part reaches Sentry code only through its dynamic import()", () => {
  expect(
    problemsOf({
      'src/plugin/index.ts': "import { keep } from '../loader/protocol';\nimport('./sentry');\n",
      'src/plugin/sentry.ts': "import { init } from '@sentry/browser';\n",
    }),
  ).toEqual([]);
  expect(problemsOf({ 'src/plugin/index.ts': "import { init } from '@sentry/browser';\n" })).toEqual([
    "src/plugin/index.ts: imports '@sentry/browser'; the plugin's first part (reach the Sentry part with import()) carries no Sentry code",
  ]);
});

test('files that import each other, type-only imports included, are named as one circle', () => {
  expect(
    problemsOf({
      'src/tunnel/handler.ts': "import { vouched } from './client-address.js';\n",
      'src/tunnel/client-address.ts': "import type { Info } from './handler.js';\n",
      'src/settings/a.ts': "import { b } from './b';\n",
      'src/settings/b.ts': "export { c } from '../sentry/c';\n",
      'src/sentry/c.ts': "import type { A } from '../settings/a';\n",
      'src/consent/self.ts': "import type { Self } from './self';\n",
    }),
  ).toEqual([
    'src/consent/self.ts → src/consent/self.ts: imports run in a circle; move the piece they share to where the arrows run one way',
    'src/sentry/c.ts → src/settings/a.ts → src/settings/b.ts → src/sentry/c.ts: imports run in a circle; move the piece they share to where the arrows run one way',
    'src/tunnel/client-address.ts → src/tunnel/handler.ts → src/tunnel/client-address.ts: imports run in a circle; move the piece they share to where the arrows run one way',
    // (The circle across parts runs up somewhere, too.)
    expect.stringMatching(/^src\/settings\/b\.ts: imports src\/sentry\/c\.ts .*src\/sentry\/ is not below src\/settings\//),
  ]);
});

test('an import up or sideways between parts is named; down is fine', () => {
  expect(
    problemsOf({
      // The three this layout once had: the settings element using the full bundle's guard, the Sentry client a
      // type of the consent gate's, and the protocol the Segment part's event type.
      'src/settings/settings-element.ts': "import { attempt } from '../sentry/guard';\n",
      'src/sentry/guard.ts': '',
      'src/sentry/sentry-client.ts': "import type { ConsentGate } from '../consent/consent-transport';\n",
      'src/consent/consent-transport.ts': "import { emptyOfflineQueue } from '../sentry/offline-queue';\n",
      'src/sentry/offline-queue.ts': '',
      'src/loader/protocol.ts': "import type { SegmentEvent } from '../segment/segment-mapping';\n",
      'src/segment/segment-mapping.ts': '',
      'src/tunnel/handler.ts': "import { parsePublicDsn } from '../settings/dsn';\nimport { log } from '../sentry/log';\n",
      'src/settings/dsn.ts': '',
      'src/sentry/log.ts': '',
    }),
  ).toEqual([
    expect.stringMatching(/^src\/loader\/protocol\.ts: imports src\/segment\/segment-mapping\.ts .*src\/segment\/ is not below src\/loader\//),
    expect.stringMatching(/^src\/sentry\/sentry-client\.ts: imports src\/consent\/consent-transport\.ts .*src\/consent\/ is not below src\/sentry\//),
    expect.stringMatching(/^src\/settings\/settings-element\.ts: imports src\/sentry\/guard\.ts .*src\/sentry\/ is not below src\/settings\//),
    expect.stringMatching(/^src\/tunnel\/handler\.ts: imports src\/sentry\/log\.ts .*the tunnel uses only shared and settings/),
  ]);
});
