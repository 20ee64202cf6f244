// The prefixed console line, with no Sentry code: the loader writes it directly, the full bundle
// through log.ts (which keeps it out of Sentry's console breadcrumbs).
export const PREFIX = '[segment-sentry]';

export type Level = 'info' | 'warn' | 'error';

/** The parts are joined here, inside the guard: a value whose toString throws costs the line, nothing more. */
export function writeMessage(level: Level, ...parts: unknown[]): void {
  try {
    console[level](`${PREFIX} ${parts.join('')}`);
  } catch {
    // A page that broke its own console gets no message, and no error from us either.
  }
}
