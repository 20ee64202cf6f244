import type { FullResult, Reporter, TestCase, TestResult } from '@playwright/test/reporter';

interface Outcomes {
  passed: number;
  failed: number;
  skipped: number;
  /** Time spent in this lane's tests, fixtures included (ms). */
  ms: number;
}

const describe = ({ passed, failed, skipped }: Outcomes) => `${passed} passed, ${failed} failed, ${skipped} skipped`;

/**
 * Ends the run with a line per lane (project) with its time, and one plain line,
 * `tests: N passed, N failed, N skipped`, that any CI log reader understands.
 */
export default class SummaryReporter implements Reporter {
  private readonly total: Outcomes = { passed: 0, failed: 0, skipped: 0, ms: 0 };
  private readonly lanes = new Map<string, Outcomes>();

  onTestEnd(test: TestCase, result: TestResult): void {
    const lane = test.parent.project()?.name ?? '';
    if (!this.lanes.has(lane)) this.lanes.set(lane, { passed: 0, failed: 0, skipped: 0, ms: 0 });
    for (const outcomes of [this.total, this.lanes.get(lane)!]) {
      outcomes.ms += result.duration;
      if (result.retry < test.retries && result.status !== 'passed') continue;
      if (result.status === 'skipped') outcomes.skipped++;
      else if (result.status === 'passed') outcomes.passed++;
      else outcomes.failed++;
    }
  }

  onEnd(_result: FullResult): void {
    console.log('');
    for (const [lane, outcomes] of this.lanes) console.log(`lane ${lane}: ${describe(outcomes)} in ${(outcomes.ms / 1000).toFixed(0)} s`);
    console.log(`tests: ${describe(this.total)}`);
  }

  printsToStdio(): boolean {
    return true;
  }
}
