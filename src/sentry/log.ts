import { consoleSandbox } from '@sentry/core';
import { writeMessage, type Level } from '../shared/console-message';

// consoleSandbox writes through the console methods as they were before Sentry wrapped them,
// so our own messages never turn into console breadcrumbs on the host page's events.
const write = (level: Level) => (message: string): void => consoleSandbox(() => writeMessage(level, message));

export const log = { info: write('info'), warn: write('warn'), error: write('error') };
