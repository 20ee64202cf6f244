import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { FullConfig, FullResult, Reporter, Suite, TestCase, TestResult } from '@playwright/test/reporter';

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

/** The machine's CPU time so far, in clock ticks (Linux's /proc/stat; undefined elsewhere). */
function cpuTicks(): { busy: number; idle: number; steal: number } | undefined {
  try {
    // cpu  user nice system idle iowait irq softirq steal ...
    const [user, nice, system, idle, iowait, irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    return { busy: user! + nice! + system! + irq! + softirq!, idle: idle! + iowait!, steal: steal! };
  } catch {
    return undefined;
  }
}

/**
 * How many workers were running a test, over the run's wall time: [ms with 0 busy, ms with 1 busy, ...]. Tells a
 * run bound by the machine (all busy, CPU busy) from one that waits on its own order (few busy at the end).
 */
function busyWorkers(spans: Array<{ start: number; end: number }>, from: number, to: number, workers: number): number[] {
  const edges = spans.flatMap(({ start, end }) => [{ at: start, step: 1 }, { at: end, step: -1 }]).sort((a, b) => a.at - b.at || a.step - b.step);
  const time = new Array<number>(workers + 1).fill(0);
  let busy = 0;
  let last = from;
  for (const { at, step } of edges) {
    time[Math.min(busy, workers)]! += Math.max(0, at - last);
    last = Math.max(last, at);
    busy += step;
  }
  time[0]! += Math.max(0, to - last);
  return time;
}

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
  private readonly cpuAtStart = cpuTicks();
  private readonly spans: Array<{ start: number; end: number; worker: number; test: string }> = [];
  private workers = 1;

  onBegin(config: FullConfig): void {
    this.workers = config.workers;
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    const lane = test.parent.project()?.name ?? '';
    const spec = `${lane} ${specOf(test)}`;
    if (result.duration > 0) this.spans.push({ start: result.startTime.getTime(), end: result.startTime.getTime() + result.duration, worker: result.workerIndex, test: `${spec} › ${test.title}` });
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
    const ended = Date.now();
    console.log(`e2e wall time: ${seconds(ended - this.started)}`);
    const share = (part: number, whole: number) => `${Math.round((100 * part) / Math.max(1, whole))}%`;
    const workerTime = busyWorkers(this.spans, this.started, ended, this.workers);
    console.log(`workers running a test: ${workerTime.map((ms, busy) => `${busy} for ${share(ms, ended - this.started)}`).reverse().join(', ')} of it`);
    const cpuAtEnd = cpuTicks();
    if (this.cpuAtStart && cpuAtEnd) {
      const [busy, idle, steal] = (['busy', 'idle', 'steal'] as const).map((key) => cpuAtEnd[key] - this.cpuAtStart![key]);
      const all = busy! + idle! + steal!;
      console.log(`the machine's CPU meanwhile (all its processes): busy ${share(busy!, all)}, idle ${share(idle!, all)}, taken by the host (steal) ${share(steal!, all)}`);
    }
    for (const failure of this.failures) console.log(`failed: ${failure}`);
    console.log(`tests: ${describe(this.total)}`);
    // Each test's worker, start and end (ms from the run's start), for a look at the run's order: E2E_TIMELINE_FILE=…
    if (process.env.E2E_TIMELINE_FILE) writeFileSync(process.env.E2E_TIMELINE_FILE, JSON.stringify(this.spans.map((span) => ({ ...span, start: span.start - this.started, end: span.end - this.started }))));
    // npm run test:repeat reads which test failed from here.
    if (process.env.E2E_SUMMARY_FILE) writeFileSync(process.env.E2E_SUMMARY_FILE, JSON.stringify({ ...this.total, failures: this.failures }));
  }

  printsToStdio(): boolean {
    return true;
  }
}
