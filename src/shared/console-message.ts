// The prefixed console line, with no Sentry code: the loader writes it directly, the full bundle
// through log.ts (which keeps it out of Sentry's console breadcrumbs).
export const PREFIX = '[segment-sentry]';

export type Level = 'info' | 'warn' | 'error';

export function writeMessage(level: Level, message: string): void {
  try {
    console[level](`${PREFIX} ${message}`);
  } catch {
    // A page that broke its own console gets no message, and no error from us either.
  }
}
