// The package as a TypeScript user's project sees it: the packed tarball, unpacked into a throwaway project's
// node_modules, compiled with "strict" and "skipLibCheck": false in `nodenext` and in `bundler` resolution. The
// files compiled are the docs' recipes (docs/tunnel.md, docs/api.md), taken from them character for character
// (each fenced block after a `<!-- recipe: NAME -->` line), and one deliberate type error per entry point that must be reported, so the
// test can fail. (TypeScript 7 has no `node10` resolution; @arethetypeswrong/cli checks that one, in
// scripts/build/check-package.mjs.)
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { packInto } from './check-package.mjs';
import { docRecipes } from './doc-recipes.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Each must be reported: proof that the project really type-checks against the package's declarations. */
const DELIBERATE_ERRORS: Record<string, string> = {
  'wrong-tunnel-options.ts': "import { createTunnelHandler } from 'segment-sentry/tunnel';\ncreateTunnelHandler({ allowedDsns: 'one DSN, not a list' });\n",
  'wrong-node-listener.ts': "import { nodeTunnelListener } from 'segment-sentry/tunnel/node';\nnodeTunnelListener('not a handler');\n",
  'wrong-global.ts': "import type {} from 'segment-sentry/loader';\nwindow.SegmentSentry?.setConsent('yes');\n",
  'wrong-plugin-options.ts': "import { segmentSentry } from 'segment-sentry/plugin';\nsegmentSentry({ settings: 42 });\n",
};

const MODES = {
  nodenext: { module: 'nodenext', moduleResolution: 'nodenext' },
  bundler: { module: 'esnext', moduleResolution: 'bundler' },
};

let project: string;
let recipes: Map<string, string>;

test.beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'segment-sentry-consumer-'));
  const tarball = packInto(project);
  const installed = join(project, 'node_modules', 'segment-sentry');
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
  // What a user's project has beside the package: Node's and Express's types, and analytics-next for the npm
  // plugin's recipe, checked against its own types (ours, linked).
  symlinkSync(join(ROOT, 'node_modules', '@types'), join(project, 'node_modules', '@types'), 'dir');
  symlinkSync(join(ROOT, 'node_modules', '@segment'), join(project, 'node_modules', '@segment'), 'dir');
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  recipes = docRecipes();
  for (const [name, text] of [...recipes, ...Object.entries(DELIBERATE_ERRORS)]) writeFileSync(join(project, name), text);
});

test.afterAll(() => rmSync(project, { recursive: true, force: true }));

test('the docs have the recipes the package promises: node:http, Express, Next.js, a Cloudflare Worker, the browser global, the analytics-next plugin', () => {
  expect([...recipes.keys()].sort()).toEqual(['browser-global.ts', 'npm-plugin.ts', 'tunnel-cloudflare-worker.ts', 'tunnel-express.ts', 'tunnel-next-route.ts', 'tunnel-node.ts']);
});

for (const [mode, resolution] of Object.entries(MODES)) {
  test(`${mode} resolution, strict, skipLibCheck false: the docs' recipes compile, and each deliberate error is reported`, () => {
    const tsconfig = `tsconfig.${mode}.json`;
    writeFileSync(
      join(project, tsconfig),
      JSON.stringify({
        compilerOptions: { ...resolution, target: 'es2022', lib: ['es2022', 'dom'], types: ['node'], strict: true, skipLibCheck: false, noEmit: true },
        files: [...recipes.keys(), ...Object.keys(DELIBERATE_ERRORS)],
      }),
    );
    const run = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', tsconfig, '--pretty', 'false'], { cwd: project, encoding: 'utf8' });
    const errors = run.stdout.split('\n').filter((line) => /error TS\d+/.test(line));
    const inFiles = (names: string[]) => errors.filter((line) => names.some((name) => line.startsWith(`${name}(`)));
    expect(errors.filter((line) => !Object.keys(DELIBERATE_ERRORS).some((name) => line.startsWith(`${name}(`))), 'errors outside the deliberate ones').toEqual([]);
    for (const name of Object.keys(DELIBERATE_ERRORS)) expect(inFiles([name]), `the deliberate error in ${name}`).toHaveLength(1);
  });
}
