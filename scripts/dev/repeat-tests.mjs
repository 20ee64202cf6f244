// `npm run test:repeat [-- N [playwright args…]]`: the whole e2e suite N times in a row (default 5), against
// the test build, stopping at the first red run and naming its failing test. A flaky test is a defect: this
// is how one is found before CI finds it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [count = '5', ...playwrightArgs] = process.argv.slice(2);
const runs = Number(count);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`test:repeat takes a number of runs first, got ${count}`);
  process.exit(2);
}
const env = { ...process.env, SEGMENT_SENTRY_BUILD: 'test' };
const npm = (/** @type {string[]} */ ...args) => spawnSync('npm', args, { stdio: 'inherit', env }).status === 0;
if (!npm('run', 'build')) process.exit(1);

const folder = mkdtempSync(join(tmpdir(), 'test-repeat-'));
/** @type {number[]} */
const times = [];
for (let run = 1; run <= runs; run++) {
  const summaryFile = join(folder, `run-${run}.json`);
  const started = Date.now();
  const { status } = spawnSync('npx', ['playwright', 'test', '--max-failures=1', ...playwrightArgs], {
    stdio: 'inherit',
    env: { ...env, E2E_SUMMARY_FILE: summaryFile },
  });
  times.push(Math.round((Date.now() - started) / 1000));
  let summary;
  try {
    summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
  } catch {
    summary = undefined;
  }
  if (status !== 0 || !summary || summary.failed > 0) {
    console.error(`\ntest:repeat: run ${run} of ${runs} is red${summary?.failures?.length ? `: ${summary.failures.join('; ')}` : ` (playwright exited ${status})`}`);
    rmSync(folder, { recursive: true, force: true });
    process.exit(1);
  }
  console.log(`\ntest:repeat: run ${run} of ${runs} green (${summary.passed} passed, ${summary.skipped} skipped) in ${times.at(-1)} s`);
}
rmSync(folder, { recursive: true, force: true });
console.log(`test:repeat: ${runs} runs in a row green; seconds per run: ${times.join(', ')}`);
