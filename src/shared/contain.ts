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
 * The full bundle's containment boundary, with no Sentry code (the loader and the plugin's first part keep a
 * one-line copy of their own, fewer bytes than this factory): everything the host page
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
