import { attempt } from './guard';

const waiting: Array<{ what: string; run: () => void }> = [];

/**
 * Runs `run` once: when the browser is first idle, or when the page is hidden, if sooner (a hidden
 * page may never be idle again before it is closed). Work put here is off the page's start-up path;
 * see page-session.ts and lazy-transport.ts. All that waits shares one idle callback and one
 * listener, and each piece is guarded on its own.
 */
export function whenIdleOrHidden(what: string, run: () => void): void {
  if (document.visibilityState === 'hidden') {
    attempt(what, run);
    return;
  }
  if (waiting.push({ what, run }) > 1) return;
  const runAll = (): void => {
    removeEventListener('visibilitychange', onHidden, true);
    for (const job of waiting.splice(0)) attempt(job.what, job.run);
  };
  const onHidden = (): void => {
    if (document.visibilityState === 'hidden') runAll();
  };
  addEventListener('visibilitychange', onHidden, true);
  // Safari has no requestIdleCallback; a timer after the current task is the nearest thing.
  if (typeof requestIdleCallback === 'function') requestIdleCallback(runAll, { timeout: 5000 });
  else setTimeout(runAll, 1);
}
