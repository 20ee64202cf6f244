import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { FullResult, Reporter, Suite, TestCase, TestResult } from '@playwright/test/reporter';

interface Outcomes {
  passed: number;
  failed: number;
  skipped: number;
  /** Time spent in these tests, fixtures included (ms). */
  ms: number;
}

const none = (): Outcomes => ({ passed: 0, failed: 0, skipped: 0, ms: 0 });
const describe = ({ passed, failed, skipped }: Outcomes) => `${passed} passed, ${failed} failed, ${skipped} skipped`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(0)} s`;

/** The spec a test was registered from (everyEngine registers from the support code, in the spec's file suite). */
function specOf(test: TestCase): string {
  let suite: Suite | undefined = test.parent;
  while (suite && suite.type !== 'file') suite = suite.parent;
  return suite ? relative(process.cwd(), suite.location?.file ?? suite.title) : '?';
}

/**
 * Ends the run with where the time went (each lane, and each spec in each lane, slowest first), then one
 * plain line, `tests: N passed, N failed, N skipped`, that any CI log reader understands.
 */
export default class SummaryReporter implements Reporter {
  private readonly total = none();
  private readonly lanes = new Map<string, Outcomes>();
  private readonly specs = new Map<string, Outcomes>();
  private readonly started = Date.now();
  private readonly failures: string[] = [];

  onTestEnd(test: TestCase, result: TestResult): void {
    const lane = test.parent.project()?.name ?? '';
    const spec = `${lane} ${specOf(test)}`;
    if (!this.lanes.has(lane)) this.lanes.set(lane, none());
    if (!this.specs.has(spec)) this.specs.set(spec, none());
    // As Playwright judges it: a test marked test.fail() that failed is as expected, so it passed.
    const final = result.retry >= test.retries || result.status === test.expectedStatus;
    const outcome = test.outcome();
    if (final && outcome === 'unexpected') this.failures.push(`[${lane}] ${specOf(test)} › ${test.titlePath().slice(3).join(' › ')}`);
    for (const outcomes of [this.total, this.lanes.get(lane)!, this.specs.get(spec)!]) {
      outcomes.ms += result.duration;
      if (!final) continue;
      if (outcome === 'skipped') outcomes.skipped++;
      else if (outcome === 'unexpected') outcomes.failed++;
      else outcomes.passed++;
    }
  }

  onEnd(_result: FullResult): void {
    console.log('\nwhere the time went (per spec, slowest first):');
    const rows = [...this.specs].sort(([, a], [, b]) => b.ms - a.ms);
    for (const [spec, outcomes] of rows) console.log(`  ${seconds(outcomes.ms).padStart(5)}  ${spec} (${outcomes.passed + outcomes.failed} tests)`);
    console.log('');
    for (const [lane, outcomes] of this.lanes) console.log(`lane ${lane}: ${describe(outcomes)} in ${seconds(outcomes.ms)}`);
    console.log(`e2e wall time: ${seconds(Date.now() - this.started)}`);
    for (const failure of this.failures) console.log(`failed: ${failure}`);
    console.log(`tests: ${describe(this.total)}`);
    // npm run test:repeat reads which test failed from here.
    if (process.env.E2E_SUMMARY_FILE) writeFileSync(process.env.E2E_SUMMARY_FILE, JSON.stringify({ ...this.total, failures: this.failures }));
  }

  printsToStdio(): boolean {
    return true;
  }
}
