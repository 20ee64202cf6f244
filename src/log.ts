import { consoleSandbox } from '@sentry/core';

const PREFIX = '[segment-sentry]';

type Level = 'info' | 'warn' | 'error';

// consoleSandbox writes through the console methods as they were before Sentry wrapped them,
// so our own messages never turn into console breadcrumbs on the host page's events.
function write(level: Level, message: string): void {
  consoleSandbox(() => {
    console[level](`${PREFIX} ${message}`);
  });
}

export const log = {
  info: (message: string): void => write('info', message),
  warn: (message: string): void => write('warn', message),
  error: (message: string): void => write('error', message),
};
