import { analyticsGlobalKey } from '../loader/protocol';
import { attempt } from '../sentry/guard';
import { untilAnalyticsConnects } from './analytics-arrival';

/** How long after the page's load event analytics.js may take to bring the settings before we say so (once). */
export const SEGMENT_SETTINGS_WAIT_MS = 3000;
export const SEGMENT_APP_SOURCE = "the Segment app's settings for this source";

interface AnalyticsLike {
  register?: (...plugins: unknown[]) => unknown;
}
/** What analytics-next hands a plugin's load: itself, with the settings document it fetched. */
interface AnalyticsInstance {
  settings?: { cdnSettings?: unknown };
}

/**
 * Segment's settings document for this source, as analytics.js fetched it (`<cdn>/v1/projects/<writeKey>/settings`,
 * the destination's settings under `integrations.Sentry`), handed to `found` once analytics.js has it.
 *
 * Read from the analytics.js instance that a plugin's `load` is given, as `settings.cdnSettings`: analytics-next
 * marks that property unstable in its types, but it is the very document analytics.js fetched, there as soon as
 * analytics.js has it and without a second request for it (the settings URL, the stable contract, would cost one
 * on every page). e2e/segment-app.spec.ts has a test that fails, naming this, if an upgrade moves it.
 *
 * `missing` gets why, once, when nothing came SEGMENT_SETTINGS_WAIT_MS after the page's load event (the async
 * analytics.js script holds the load event back, so it has normally run by then); what comes later still counts.
 */
export function whenSegmentSettings(win: Window, version: string, found: (document: unknown) => void, missing: (why: string) => void): void {
  // Looked up each time: a renamed snippet names its global only once its load() has run.
  const analyticsNow = () => (win as unknown as Record<string, AnalyticsLike | undefined>)[analyticsGlobalKey(win.document)];
  let delivered = false;
  untilAnalyticsConnects(win, () => {
    const analytics = analyticsNow();
    if (!analytics || typeof analytics.register !== 'function') return false;
    // A utility plugin: analytics.js loads it with itself, and hands it no calls.
    analytics.register({
      name: 'Sentry settings (segment-sentry)',
      type: 'utility',
      version,
      isLoaded: () => true,
      load: (_context: unknown, instance: AnalyticsInstance | undefined) => {
        delivered = true;
        attempt('reading the Segment settings', () => found(instance?.settings?.cdnSettings));
        return Promise.resolve();
      },
    });
    return true;
  });
  const afterLoad = () =>
    attempt('reading the Segment settings', () => {
      setTimeout(
        () =>
          attempt('reading the Segment settings', () => {
            if (delivered) return;
            missing(
              analyticsNow()
                ? 'analytics.js has not loaded (blocked, or held back by a consent manager?)'
                : 'there is no Segment snippet on the page (or its analytics.load() has not run yet)',
            );
          }),
        SEGMENT_SETTINGS_WAIT_MS,
      );
    });
  if (win.document.readyState === 'complete') afterLoad();
  else win.addEventListener('load', afterLoad, { once: true });
}
