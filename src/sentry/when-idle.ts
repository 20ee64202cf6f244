/**
 * Runs `run` once, when the page is first idle, or sooner if it is hidden (then it may never be idle
 * again: a tab switched away, or a page being left). Sentry's whenIdleOrHidden, as this bundle needs it.
 */
export function whenIdleOrHidden(run: () => void): void {
  let done = false;
  const once = () => {
    if (!done) {
      done = true;
      run();
    }
  };
  if (document.visibilityState === 'hidden') return once();
  addEventListener('visibilitychange', once, { once: true, capture: true });
  (window.requestIdleCallback || setTimeout)(once);
}
