import { writeMessage, type Level } from '../shared/console-message';

// Set while one of our own [segment-sentry] lines is written: console-breadcrumbs.ts leaves it out of the
// breadcrumbs, so our messages never turn up on the host page's events.
let writing = false;

export const writingOurOwnLine = (): boolean => writing;

const write = (level: Level) => (message: string): void => {
  writing = true;
  try {
    writeMessage(level, message);
  } finally {
    writing = false;
  }
};

export const log = { info: write('info'), warn: write('warn'), error: write('error') };
