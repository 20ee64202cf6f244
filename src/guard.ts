import { log } from './log';

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  try {
    return String(error);
  } catch {
    return 'unknown error';
  }
}

/**
 * The one containment boundary: everything the host page can call, and everything we run on our
 * own (start-up, listeners), goes through here, so a bug of ours is a console message, never an
 * uncaught error on someone else's page. A returned promise is contained too.
 */
export function attempt<T>(what: string, run: () => T): T | undefined {
  try {
    const result = run();
    if (result instanceof Promise) {
      return result.catch((error: unknown) => {
        log.error(`${what} failed: ${describe(error)}`);
        return undefined;
      }) as T;
    }
    return result;
  } catch (error) {
    log.error(`${what} failed: ${describe(error)}`);
    return undefined;
  }
}
