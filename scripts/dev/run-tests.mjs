// @ts-check
// `npm test`: every check and every test, with the independent ones side by side so the run uses the machine,
// ending with where the time went (each step; Playwright's own summary splits the tests by lane and spec).
// The e2e lanes wait on browsers and servers most of the time, so the checks that need no dist/ of their own
// (the type check, the feature-cost table, built in memory) run beside them; those that read the production
// build run before the test build replaces it.
import { spawn } from 'node:child_process';

/** @typedef {{ name: string, command: string, env?: Record<string, string> }} Step */

const TEST_BUILD = { SEGMENT_SENTRY_BUILD: 'test' };

/** @type {Step[]} One after the other: each needs what the one before it made (dist/, the production build). */
const BEFORE_E2E = [
  { name: 'WebKit driver installed', command: 'node scripts/dev/webkit-driver.mjs --check' },
  { name: 'layout of src/', command: 'node scripts/build/check-layout.mjs' },
  { name: 'links in the docs', command: 'node scripts/build/check-links.mjs' },
  { name: 'production build', command: 'npm run build' },
  { name: 'size budget', command: 'npm run size' },
  { name: 'the package as its users see it', command: 'node scripts/build/check-package.mjs' },
  { name: 'test build', command: 'npm run build', env: TEST_BUILD },
];
/** @type {Step[]} Beside the e2e lanes: none of them reads or writes dist/. */
const BESIDE_E2E = [
  { name: 'typecheck', command: 'npm run typecheck' },
  { name: 'feature-cost table', command: 'node scripts/build/feature-costs.mjs --check' },
];
/** @type {Step} */
const E2E = { name: 'unit and e2e tests (Playwright)', command: 'npx playwright test', env: TEST_BUILD };

/** @type {Array<{ name: string, seconds: number, ok: boolean }>} */
const times = [];

/**
 * Runs one step; `quiet`: its output is held and printed whole when it ends, so steps running beside the
 * e2e lanes do not interleave with Playwright's lines.
 * @param {Step} step @param {boolean} [quiet] @returns {Promise<boolean>}
 */
function run(step, quiet = false) {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(step.command, { shell: true, stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit', env: { ...process.env, ...step.env } });
    /** @type {Buffer[]} */
    const output = [];
    child.stdout?.on('data', (chunk) => output.push(chunk));
    child.stderr?.on('data', (chunk) => output.push(chunk));
    child.on('close', (code) => {
      const ok = code === 0;
      times.push({ name: step.name, seconds: Math.round((Date.now() - started) / 100) / 10, ok });
      if (quiet) process.stdout.write(`\n── ${step.name} (${ok ? 'passed' : `failed, exit ${code}`}) ──\n${Buffer.concat(output).toString()}`);
      resolve(ok);
    });
  });
}

const started = Date.now();
let ok = true;
for (const step of BEFORE_E2E) {
  console.log(`\n── ${step.name}: ${step.command}`);
  if (!(await run(step))) {
    ok = false;
    break;
  }
}
if (ok) {
  const beside = Promise.all(BESIDE_E2E.map((step) => run(step, true)));
  const e2e = await run(E2E);
  const besideOk = (await beside).every(Boolean);
  ok = e2e && besideOk;
}

console.log('\nnpm test: where the time went');
for (const { name, seconds, ok: passed } of times) console.log(`  ${String(seconds.toFixed(1)).padStart(6)} s  ${passed ? '' : '(failed) '}${name}`);
console.log(`  ${String(Math.round((Date.now() - started) / 1000)).padStart(6)} s  in all (the last three side by side)`);
process.exit(ok ? 0 : 1);
