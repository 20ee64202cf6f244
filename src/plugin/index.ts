// `segment-sentry/plugin`: segment-sentry for apps that bundle @segment/analytics-next from npm. What this module
// holds lands in the app's first chunk, so it is the loader's part and no more (docs/segment.md, «With Segment from
// npm»): from the moment the app's code imports it, it keeps errors, rejections, analytics-next's calls, the
// consent they carry and the captures made here, in the loader's protocol (src/loader/protocol.ts) and under its
// cap; then, after the page's load event at idle, or at once on the first error, a dynamic import() brings the
// Sentry part (./sentry.ts, a chunk of its own in the app's build), which takes everything kept over and starts
// Sentry as the full bundle does. No Sentry code here.
import { writeMessage } from '../shared/console-message';
import { hearConsent, hearConsentOf, keep, listenForErrors, sentryPlugin, type AnalyticsCall, type SegmentEvent } from '../loader/protocol';
import type { SegmentSentryOptions, SegmentSentryPlugin } from '../public-types.js';
import type { PluginHandoff, PluginInstance } from './handoff';

export type { SegmentSentryOptions, SegmentSentryPlugin, SegmentSentrySettings, SegmentSettingsDocument } from '../public-types.js';

declare const __SEGMENT_SENTRY_VERSION__: string;

// This module's own boundary (the Sentry part's is sentry/guard.ts): one message, never an error in the app.
const attempt = <T>(what: string, run: () => T): T | undefined => {
  try {
    return run();
  } catch (error) {
    writeMessage('error', what, ' failed: ', error);
  }
};

const handoff = { calls: [], errors: [], analytics: [], consent: {}, stop() {} } as unknown as PluginHandoff;
// Set once the Sentry part is known not to come: everything waiting settles, nothing more is kept.
let failed: unknown;
let loading: unknown;

const load = () =>
  attempt('load', () => {
    if (loading) return;
    loading = 1;
    import('./sentry').then(
      (part) => attempt('start-up', () => part.startPlugin(handoff)),
      (error: unknown) => {
        failed = 1;
        handoff.stop();
        for (const call of handoff.calls.splice(0)) if (call[0] == 'flush') call[2](false);
        writeMessage('warn', 'could not load its Sentry part (', error, '); errors are not reported');
      },
    );
  });

// Server-side rendering imports this module too: there it keeps nothing and loads nothing.
if (typeof window == 'object') {
  const win = window;
  handoff.stop = listenForErrors(win, handoff, (error) => (keep(handoff.errors, error), load()));
  // (setTimeout, where there is no requestIdleCallback, reads the options as a delay of 0)
  const whenIdle = () => (win.requestIdleCallback || setTimeout)(load, { timeout: 3000 } as never);
  if (win.document.readyState == 'complete') whenIdle();
  else win.addEventListener('load', whenIdle);
} else {
  // (nothing can start here: captures are not kept, and a flush settles false at once)
  failed = 1;
}

/** The calls analytics-next delivers to the plugin, and its resets: kept until Sentry starts, then forwarded. */
const deliver = (type: AnalyticsCall, event?: SegmentEvent) =>
  handoff.forward ? handoff.forward(type, event) : (hearConsentOf(handoff, event), keep(handoff.analytics, [type, event]));

/**
 * The analytics-next plugin: `AnalyticsBrowser.load({ writeKey, plugins: [segmentSentry()] })`, or
 * `analytics.register(segmentSentry())`. Sentry starts with the Segment app's settings for the source (what
 * analytics-next fetched, handed to the plugin's load), or with `options.settings`, which win.
 */
export function segmentSentry(options: SegmentSentryOptions = {}): SegmentSentryPlugin {
  // The first plugin made decides; a second one (two AnalyticsBrowser instances) only forwards its calls.
  handoff.options = handoff.options || options;
  handoff.changed?.();
  const plugin = sentryPlugin(__SEGMENT_SENTRY_VERSION__, deliver) as unknown as SegmentSentryPlugin;
  plugin.load = (_ctx, given) => {
    attempt('load', () => {
      const instance = given as PluginInstance;
      if (handoff.instance) return;
      handoff.instance = instance;
      instance.on('reset', () => deliver('reset'));
      // Every consent change, even one a blocking middleware drops before our plugin (protocol.ts, watchConsent).
      instance.on('dispatch_start', (ctx: { event?: SegmentEvent }) => hearConsentOf(handoff, ctx.event));
      handoff.changed?.();
    });
    return Promise.resolve();
  };
  return plugin;
}

const queue =
  (method: 'captureException' | 'captureMessage') =>
  (value: unknown): string | undefined =>
    handoff.api ? handoff.api[method](value) : void (failed || keep(handoff.calls, [method, [value], handoff.consent]));

/** Sends an error to Sentry: its event id, or undefined before Sentry starts (it is then kept, up to 30). */
export const captureException = queue('captureException');
/** Sends a message to Sentry: its event id, or undefined before Sentry starts (it is then kept, up to 30). */
export const captureMessage = queue('captureMessage');

/** The visitor's consent, in Segment's shape (`{"<category>": true | false}`); the latest call wins. */
export function setConsent(categoryPreferences: Record<string, boolean>): void {
  if (handoff.api) handoff.api.setConsent(categoryPreferences);
  else if (!hearConsent(handoff, categoryPreferences)) handoff.badConsent = 1;
}

/** Resolves true once every queued event has been sent; false on timeout, or when Sentry cannot start. */
export function flush(timeoutMs?: number): Promise<boolean> {
  return handoff.api
    ? handoff.api.flush(timeoutMs)
    : new Promise<boolean>((settle) => {
        if (failed || !keep(handoff.calls, ['flush', [timeoutMs], settle as (result: unknown) => void])) settle(false);
        if ((timeoutMs as number) >= 0) setTimeout(settle, timeoutMs, false); // the first settle wins
      });
}
