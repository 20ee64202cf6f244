// Everything a page wrote to its console, with the [segment-sentry] lines a test did not declare failing it.
import { PREFIX } from './ingest-project';

/** Everything the page wrote to its console, and a way to wait for a line to appear. */
export class ConsoleLog {
  readonly entries: Array<{ type: string; text: string }> = [];
  private readonly listeners = new Set<() => void>();
  private readonly expected: RegExp[] = [];

  /** Declares `[segment-sentry]` errors this test expects; any other one fails the test (checked after it). */
  expectErrors(...patterns: RegExp[]): void {
    this.expected.push(...patterns);
  }

  /** Our console errors that no test declared (waiting for a line declares it too). */
  unexpectedErrors(): string[] {
    return this.ours()
      .filter((entry) => entry.type === 'error' && !this.expected.some((pattern) => pattern.test(entry.text)))
      .map((entry) => entry.text);
  }

  record(message: { type(): string; text(): string }): void {
    this.entries.push({ type: message.type(), text: message.text() });
    for (const listener of this.listeners) listener();
  }

  /** Our own messages: every line the bundle prints starts with the prefix. */
  ours(): Array<{ type: string; text: string }> {
    return this.entries.filter((entry) => entry.text.startsWith(PREFIX));
  }

  waitFor(pattern: RegExp, timeoutMs = 10_000): Promise<{ type: string; text: string }> {
    this.expected.push(pattern);
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.entries.find((entry) => pattern.test(entry.text));
        if (!found) return false;
        clearTimeout(timer);
        this.listeners.delete(onEntry);
        resolve(found);
        return true;
      };
      const onEntry = (): void => void check();
      const timer = setTimeout(() => {
        this.listeners.delete(onEntry);
        reject(new Error(`console: no line matching ${pattern} within ${timeoutMs} ms; saw:\n${this.entries.map((e) => e.text).join('\n')}`));
      }, timeoutMs);
      if (!check()) this.listeners.add(onEntry);
    });
  }
}
