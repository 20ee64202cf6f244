import { addBreadcrumb, fill, safeJoin, type SeverityLevel } from '@sentry/core';
import { attempt } from './guard';
import { writingOurOwnLine } from './log';

const LEVELS = ['debug', 'info', 'warn', 'error', 'log', 'assert', 'trace'] as const;
type ConsoleLevel = (typeof LEVELS)[number];

function addConsoleBreadcrumb(level: ConsoleLevel, args: unknown[]): void {
  // console.assert says something only when its assertion fails.
  if (level === 'assert' && args[0] !== false) return;
  const shown = level === 'assert' ? args.slice(1) : args;
  const message = safeJoin(shown, ' ');
  addBreadcrumb(
    {
      category: 'console',
      data: { arguments: shown, logger: 'console' },
      level: (level === 'warn' ? 'warning' : level === 'assert' || level === 'trace' ? 'log' : level) as SeverityLevel,
      message: level === 'assert' ? `Assertion failed${message && `: ${message}`}` : message,
    },
    { input: shown, level },
  );
}

/**
 * `console` breadcrumbs, as Sentry's console integration makes them: one per call of each console
 * method, its arguments joined; console.assert only when it fails. Our own lines (log.ts) are not the page's.
 */
export function recordConsole(): void {
  for (const level of LEVELS) {
    if (!(level in console)) continue;
    fill(console, level, (original: (...args: unknown[]) => void) =>
      function (...args: unknown[]) {
        if (!writingOurOwnLine()) attempt('a console breadcrumb', () => addConsoleBreadcrumb(level, args));
        return original.apply(console, args);
      },
    );
  }
}
