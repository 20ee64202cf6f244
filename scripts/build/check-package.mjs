// @ts-check
// `node scripts/build/check-package.mjs` (in npm test, after the build): the package as its users' tools see it.
// Packs it once, then runs the ecosystem's two checkers on that tarball: @arethetypeswrong/cli (every entry
// point's types in each TypeScript resolution mode: node10, node16 from CJS and ESM, bundler) and publint
// (package.json against the packed files). Any problem not accepted below, with its reason, fails the run.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The one place where a checker's finding is accepted, each with why. `entrypoints` lists where it may appear.
 * @type {Array<{ checker: 'attw' | 'publint', kind: string, resolutionKind?: string, entrypoints: string[], reason: string }>}
 */
export const ACCEPTED_PROBLEMS = [
  {
    checker: 'attw',
    kind: 'CJSResolvesToESM',
    resolutionKind: 'node16-cjs',
    entrypoints: ['.', './loader', './plugin', './readable', './tunnel', './tunnel/node'],
    reason:
      'The package is ESM only ("type": "module"). The tunnel modules are ES modules: CommonJS code loads them with ' +
      'import() (or require() of ESM, Node 20.19+). The analytics-next plugin is an ES module for an app\'s bundler, ' +
      'which must keep its dynamic import() of the Sentry part to split it off. The browser files (".", "./loader", "./readable") are scripts for ' +
      'a <script> tag, with no exports; their types only declare window.SegmentSentry and the settings.',
  },
];

/** Packs the package as npm publishes it (no lifecycle scripts) into `folder`; returns the tarball's path. */
export function packInto(/** @type {string} */ folder) {
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', folder], { cwd: ROOT, encoding: 'utf8' }));
  return join(folder, packed.filename);
}

/** @param {string} tarball @returns {Array<{ kind: string, entrypoint?: string, resolutionKind?: string }>} */
function attwProblems(tarball) {
  // attw exits 1 when it finds problems; its JSON report is what is read.
  const run = spawnSync(join(ROOT, 'node_modules/.bin/attw'), [tarball, '--format', 'json'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  let report;
  try {
    report = JSON.parse(run.stdout);
  } catch {
    throw new Error(`attw gave no report (exit ${run.status}): ${run.stderr || run.stdout}`);
  }
  return report.analysis?.problems ?? [];
}

/** Every finding of either checker that is not accepted, one line each. */
export async function packageProblems() {
  const folder = mkdtempSync(join(tmpdir(), 'segment-sentry-pack-'));
  try {
    const tarball = packInto(folder);
    const unaccepted = [];
    for (const problem of attwProblems(tarball)) {
      const accepted = ACCEPTED_PROBLEMS.some(
        (rule) =>
          rule.checker === 'attw' &&
          rule.kind === problem.kind &&
          (!rule.resolutionKind || rule.resolutionKind === problem.resolutionKind) &&
          rule.entrypoints.includes(problem.entrypoint ?? ''),
      );
      if (accepted) continue;
      const { trace: _trace, ...details } = /** @type {Record<string, unknown>} */ (problem);
      unaccepted.push(`attw: ${problem.kind} at ${problem.entrypoint ?? '(a declaration file)'}: ${JSON.stringify(details)}`);
    }
    const buffer = readFileSync(tarball);
    const arrayBuffer = buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    const { messages } = await publint({ level: 'suggestion', strict: true, pack: { tarball: arrayBuffer } });
    for (const message of messages) {
      const accepted = ACCEPTED_PROBLEMS.some((rule) => rule.checker === 'publint' && rule.kind === message.code);
      if (!accepted) unaccepted.push(`publint: ${message.code} (${message.type}): ${formatMessage(message, pkg) ?? ''}`);
    }
    return unaccepted;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const problems = await packageProblems();
  for (const problem of problems) console.error(problem);
  if (problems.length > 0) {
    console.error('Fix each, or accept it with its reason in scripts/build/check-package.mjs (ACCEPTED_PROBLEMS).');
    process.exit(1);
  }
  console.log(`package: @arethetypeswrong/cli and publint find nothing beyond ${ACCEPTED_PROBLEMS.length} accepted finding(s) (scripts/build/check-package.mjs)`);
}
