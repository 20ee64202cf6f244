// @ts-check
// `npm test`: every check and every test, with the independent ones side by side so the run uses the machine,
// ending with where the time went (each step; Playwright's own summary splits the tests by lane and spec).
// The checks that need no dist/ of their own (the type check, the feature-cost table's fingerprint) run beside
// those that read the production build before the test build replaces it; then the e2e lanes, alone.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';

/** @typedef {{ name: string, command: string, env?: Record<string, string> }} Step */

const TEST_BUILD = { SEGMENT_SENTRY_BUILD: 'test' };

/** @type {Step[]} One after the other, first. */
const CHECKS = [
  { name: 'layout of src/', command: 'node scripts/build/check-layout.mjs' },
  { name: 'links in the docs', command: 'node scripts/build/check-links.mjs' },
  { name: 'production build', command: 'npm run build' },
];
/**
 * Then side by side, each a chain whose steps need the one before: the production build's readers before the
 * test build replaces it; the feature-cost table's fingerprint check and the type check need no dist/.
 * @type {Step[][]}
 */
const SIDE_BY_SIDE = [
  [
    { name: 'size budget', command: 'npm run size' },
    { name: "the npm plugin's first-chunk cost", command: 'node scripts/build/plugin-cost.mjs' },
    { name: 'the package as its users see it', command: 'node scripts/build/check-package.mjs' },
    { name: 'test build', command: 'npm run build', env: TEST_BUILD },
  ],
  [{ name: 'feature-cost table', command: 'node scripts/build/feature-costs.mjs --check' }],
  [{ name: 'typecheck', command: 'npm run typecheck' }],
];
/** @type {Step[]} Last, alone: Playwright's four workers use the machine. */
const E2E = [
  { name: 'WebKit driver installed', command: 'node scripts/dev/webkit-driver.mjs --check' },
  { name: 'unit and e2e tests (Playwright)', command: 'npx playwright test', env: TEST_BUILD },
];

/**
 * CI installs Debian's browsers beside the checks above (.ci/run): it names a file in this variable, where that
 * install writes "ok" or "failed" when it ends, and the browsers' steps wait for it. Unset: nothing to wait for.
 * The install's process id comes beside it: an install that died without a word is a failure, not a wait forever;
 * and no install may take longer than BROWSERS_DEADLINE_MS.
 */
const BROWSERS_PENDING = process.env.SEGMENT_SENTRY_BROWSERS_PENDING;
const BROWSERS_INSTALLER = Number(process.env.SEGMENT_SENTRY_BROWSERS_PID) || undefined;
const BROWSERS_DEADLINE_MS = 15 * 60_000;

/** @param {number} pid */
function isRunning(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** @returns {Promise<boolean>} whether the browsers are there (at once, unless CI is still installing them) */
async function browsersInstalled() {
  if (!BROWSERS_PENDING) return true;
  const waitStarted = Date.now();
  for (;;) {
    let state = (await readFile(BROWSERS_PENDING, 'utf8').catch(() => '')).trim();
    if (state === '' && BROWSERS_INSTALLER && !isRunning(BROWSERS_INSTALLER)) {
      state = (await readFile(BROWSERS_PENDING, 'utf8').catch(() => '')).trim() || 'failed'; // (it may have just written it)
    }
    if (state === '' && Date.now() - waitStarted > BROWSERS_DEADLINE_MS) state = 'failed';
    if (state === 'ok' || state === 'failed') {
      times.push({ name: 'waiting for the browsers CI installs beside the checks', seconds: Math.round((Date.now() - waitStarted) / 100) / 10, ok: state === 'ok' });
      if (state === 'failed') console.error(`\nThe browsers' install failed (${BROWSERS_PENDING}); see .ci/run's output above.`);
      return state === 'ok';
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** @type {Array<{ name: string, seconds: number, ok: boolean }>} */
const times = [];

/**
 * Runs one step; `quiet`: its output is held and printed whole when it ends, so steps running side by side
 * do not interleave their lines.
 * @param {Step} step @param {boolean} [quiet] @returns {Promise<boolean>}
 */
function run(step, quiet = false) {
  const stepStarted = Date.now();
  return new Promise((resolve) => {
    const child = spawn(step.command, { shell: true, stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit', env: { ...process.env, ...step.env } });
    /** @type {Buffer[]} */
    const output = [];
    child.stdout?.on('data', (chunk) => output.push(chunk));
    child.stderr?.on('data', (chunk) => output.push(chunk));
    child.on('close', (code) => {
      const ok = code === 0;
      times.push({ name: step.name, seconds: Math.round((Date.now() - stepStarted) / 100) / 10, ok });
      if (quiet) process.stdout.write(`\n── ${step.name}: ${step.command} (${ok ? 'passed' : `failed, exit ${code}`})\n${Buffer.concat(output).toString()}`);
      resolve(ok);
    });
  });
}

/** Runs a chain of steps, each once the one before passed. @param {Step[]} steps @param {boolean} quiet */
async function chain(steps, quiet) {
  for (const step of steps) {
    if (!quiet) console.log(`\n── ${step.name}: ${step.command}`);
    if (!(await run(step, quiet))) return false;
  }
  return true;
}

const started = Date.now();
const ok =
  (await chain(CHECKS, false)) &&
  (await Promise.all(SIDE_BY_SIDE.map((steps) => chain(steps, true)))).every(Boolean) &&
  (await browsersInstalled()) &&
  (await chain(E2E, false));

console.log('\nnpm test: where the time went');
for (const { name, seconds, ok: passed } of times) console.log(`  ${seconds.toFixed(1).padStart(6)} s  ${passed ? '' : '(failed) '}${name}`);
console.log(`  ${String(Math.round((Date.now() - started) / 1000)).padStart(6)} s  in all (the build's readers, the feature-cost table and the type check side by side)`);
process.exit(ok ? 0 : 1);
