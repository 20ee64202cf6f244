/** An Error's own toString is "Name: message"; a hostile value may throw even there. */
export function describe(error: unknown): string {
  try {
    return String(error);
  } catch {
    return 'unknown error';
  }
}

export type Attempt = <T>(what: string, run: () => T) => T | undefined;

/**
 * The containment boundary, with no Sentry code so that the loader shares it: everything the host page
 * can call, and everything we run on our own (start-up, listeners), goes through an attempt, so a
 * bug of ours (or a hostile page) is one console message, never an uncaught error on someone else's
 * page. (The full bundle's guard.ts contains returned promises too.)
 */
export function makeAttempt(report: (what: string, error: unknown) => void): Attempt {
  return (what, run) => {
    try {
      return run();
    } catch (error) {
      report(what, error);
      return undefined;
    }
  };
}
