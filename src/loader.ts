// The 1.5 KB loader: catches errors and queues every call from the first byte, and loads the full
// bundle (segment-sentry.min.js, from the same folder, with its SRI hash built in) off the critical
// path: in idle time after the page's load event, at once on the first error, or on forceLoad().
// No Sentry code here; the full bundle takes over everything kept (see loader-handoff.ts).
import type { LoaderHandoff } from './loader-handoff';
import type { SegmentSentryApi } from './public-types';

declare const __FULL_BUNDLE_INTEGRITY__: string;
declare const __SEGMENT_SENTRY_VERSION__: string;

const FULL_BUNDLE = 'segment-sentry.min.js';
const MAX_KEPT = 100;

((win: Window & Record<string, unknown>) => {
  if (win.SegmentSentry) return; // the loader or the full bundle is already on the page
  const doc = win.document;
  const script = doc.currentScript as HTMLScriptElement | null;
  const folder = script && script.src ? script.src.replace(/[^/]*$/, '') : '';

  const keep = <T>(list: T[], item: T) => list.length < MAX_KEPT && list.push(item);
  const onError = (event: ErrorEvent) => {
    keep(handoff.errors, ['onerror', event.error || event.message]);
    load();
  };
  const onRejection = (event: PromiseRejectionEvent) => {
    keep(handoff.errors, ['onunhandledrejection', event.reason]);
    load();
  };
  const handoff: LoaderHandoff = {
    calls: [],
    errors: [],
    analytics: [],
    analyticsConnected: false,
    stop() {
      win.removeEventListener('error', onError);
      win.removeEventListener('unhandledrejection', onRejection);
    },
  };
  win.addEventListener('error', onError);
  win.addEventListener('unhandledrejection', onRejection);

  const queue = (method: string) => (...args: unknown[]): undefined => void keep(handoff.calls, [method, args]);
  let loading = false;
  function load() {
    if (loading || win.SegmentSentry !== api) return; // once only; or the full bundle is already here
    loading = true;
    const full = doc.createElement('script');
    full.src = folder + FULL_BUNDLE;
    full.integrity = __FULL_BUNDLE_INTEGRITY__;
    full.crossOrigin = 'anonymous';
    full.async = true;
    full.onerror = () => {
      // Blocked, refused by its integrity check, or not found: say so once, keep nothing, never retry.
      handoff.stop();
      handoff.calls.length = handoff.errors.length = handoff.analytics.length = 0;
      console.warn(`[segment-sentry] could not load ${full.src} (blocked, integrity mismatch or not found); errors on this page are not reported`);
    };
    (doc.head || doc.documentElement).appendChild(full);
  }
  const api: SegmentSentryApi & { _loader: LoaderHandoff } = {
    version: __SEGMENT_SENTRY_VERSION__,
    init: queue('init'),
    captureException: queue('captureException'),
    captureMessage: queue('captureMessage'),
    setConsent: queue('setConsent'),
    flush: (...args: unknown[]) => new Promise<boolean>((settle) => keep(handoff.calls, ['flush', args, settle as (value: unknown) => void])),
    forceLoad: load,
    _loader: handoff,
  };
  win.SegmentSentry = api;

  // analytics.js calls made before the full bundle runs: a plugin named "Sentry" (so analytics.js
  // applies the per-call switches) keeps them for the full bundle, then forwards to it.
  const deliver = (type: string, event?: unknown) => {
    if (handoff.forward) handoff.forward(type, event as never);
    else keep(handoff.analytics, [type, event as never]);
  };
  const plugin = (type: string) => (ctx: { event: unknown }) => {
    try {
      deliver(type, ctx.event);
    } catch {
      // never break analytics.js
    }
    return ctx;
  };
  function connect() {
    let key = 'analytics';
    try {
      const settings = JSON.parse(doc.getElementById('segment-sentry-settings')?.textContent || '{}');
      const marked = doc.querySelector('script[data-global-segment-analytics-key]');
      key = (settings.integrations?.Sentry || settings).globalAnalyticsKey || marked?.getAttribute('data-global-segment-analytics-key') || key;
    } catch {
      // the full bundle reports bad settings
    }
    const analytics = win[key] as { register?: (p: unknown) => void; on?: (e: string, f: () => void) => void } | undefined;
    if (handoff.analyticsConnected || !analytics || !analytics.register) return;
    handoff.analyticsConnected = true;
    analytics.register({
      name: 'Sentry',
      type: 'destination',
      version: __SEGMENT_SENTRY_VERSION__,
      isLoaded: () => true,
      load: () => Promise.resolve(),
      identify: plugin('identify'),
      track: plugin('track'),
      page: plugin('page'),
    });
    analytics.on && analytics.on('reset', () => deliver('reset'));
  }
  connect();
  doc.addEventListener('DOMContentLoaded', connect);

  const whenIdle = () => {
    connect();
    if (win.requestIdleCallback) win.requestIdleCallback(load, { timeout: 3000 });
    else setTimeout(load, 1);
  };
  if (doc.readyState === 'complete') whenIdle();
  else win.addEventListener('load', whenIdle);
})(window as never);
