/**
 * What Playwright's page.on('console') and page.on('pageerror') give the Chromium and Firefox lanes, for the
 * WebKit lane, whose WebDriver has neither a log API nor BiDi: a small script first in every page's <head>
 * (the WebKit lane's static servers put it there) records console lines and uncaught errors and rejections,
 * and the WebDriver page object reads them back with execute-script (READ_RECORDER).
 */

/** Playwright's names for console methods (its `warning` for console.warn), so ConsoleLog reads both lanes alike. */
const CONSOLE_TYPES = { log: 'log', info: 'info', warn: 'warning', error: 'error', debug: 'debug' };

export interface RecordedEntry {
  kind: 'console' | 'pageerror';
  type: string;
  text: string;
}

function recordPage(types: Record<string, string>): void {
  const entries: RecordedEntry[] = [];
  // Not enumerable, so a test that lists window's properties does not see it.
  Object.defineProperty(window, '__segmentSentryRecorder', { value: entries });
  const describe = (value: unknown): string => {
    try {
      return typeof value === 'string' ? value : String(value);
    } catch {
      return '[unprintable]';
    }
  };
  const messageOf = (value: unknown): string =>
    value instanceof Error ? value.message : typeof value === 'object' && value !== null && 'message' in value ? describe((value as Error).message) : describe(value);
  for (const [method, type] of Object.entries(types)) {
    const console_ = console as unknown as Record<string, (...args: unknown[]) => void>;
    const original = console_[method]!;
    console_[method] = function recordConsole(this: unknown, ...args: unknown[]) {
      entries.push({ kind: 'console', type, text: args.map(describe).join(' ') });
      return original.apply(this, args);
    };
  }
  // Page errors as Playwright reports them: the error's message, for uncaught errors and rejections alike.
  window.addEventListener('error', (event) => {
    if (event instanceof ErrorEvent) entries.push({ kind: 'pageerror', type: 'error', text: event.error !== undefined && event.error !== null ? messageOf(event.error) : event.message });
  });
  window.addEventListener('unhandledrejection', (event) => entries.push({ kind: 'pageerror', type: 'error', text: messageOf(event.reason) }));
}

/** The recorder as markup, for the static server to put first in <head>. */
export const PAGE_RECORDER = `<script>(${recordPage.toString()})(${JSON.stringify(CONSOLE_TYPES)});</script>`;

/**
 * JSON.stringify as it is before a page patches it: WebDriver itself serializes results with the page's
 * JSON, so a Prototype.js-style Array.prototype.toJSON would turn every array read back into a string.
 * Results therefore cross as JSON text made by this.
 */
export const STRINGIFY_IN_PAGE = `(value) => {
  const patched = Object.getOwnPropertyDescriptor(Array.prototype, 'toJSON');
  if (patched) delete Array.prototype.toJSON;
  try {
    return JSON.stringify(value);
  } finally {
    if (patched) Object.defineProperty(Array.prototype, 'toJSON', patched);
  }
}`;

/** Execute-script body: hands over (as JSON text) what was recorded since the last call, and where the page is now. */
export const READ_RECORDER = `const entries = window.__segmentSentryRecorder;
  return (${STRINGIFY_IN_PAGE})({ recording: Boolean(entries), entries: entries ? entries.splice(0) : [], url: location.href });`;
