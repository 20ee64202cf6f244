import type { FullResult, Reporter, TestCase, TestResult } from '@playwright/test/reporter';

/** Ends the run with one plain line, `tests: N passed, N failed, N skipped`, that any CI log reader understands. */
export default class SummaryReporter implements Reporter {
  private readonly outcomes = { passed: 0, failed: 0, skipped: 0 };

  onTestEnd(test: TestCase, result: TestResult): void {
    if (result.retry < test.retries && result.status !== 'passed') return;
    if (result.status === 'skipped') this.outcomes.skipped++;
    else if (result.status === 'passed') this.outcomes.passed++;
    else this.outcomes.failed++;
  }

  onEnd(_result: FullResult): void {
    const { passed, failed, skipped } = this.outcomes;
    console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  }

  printsToStdio(): boolean {
    return true;
  }
}
