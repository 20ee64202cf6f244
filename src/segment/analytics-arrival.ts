import { attempt } from '../sentry/guard';

/**
 * Runs `connect` now and, until it returns true, each time a script element is added to the page. analytics.js's
 * global (or the snippet's stub) may come late: a tag manager adds the snippet after the page loaded, a snippet
 * loaded from a file of its own runs after us, or a renamed snippet's load() runs late (consent wrappers call it
 * once the visitor answered), which is when its analytics.js tag, and with it the attribute that names the
 * global (protocol.ts, analyticsGlobalKey), appear. Every snippet adds that tag as its load() runs, so a script
 * added is the moment to look again. A `connect` that throws (a global that is not Segment's) is said once and
 * not run again.
 */
export function untilAnalyticsConnects(win: Window, connect: () => boolean): void {
  const observer = new MutationObserver((records) => {
    for (const record of records) for (const node of record.addedNodes) if (node.nodeName === 'SCRIPT') return retry();
  });
  const retry = () => void (attempt('connecting analytics.js', connect) === false || observer.disconnect());
  observer.observe(win.document, { childList: true, subtree: true });
  retry();
}
