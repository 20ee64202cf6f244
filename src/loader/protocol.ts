// What the loader (dist/segment-sentry.loader.min.js) and the full bundle share: the loader keeps
// everything that happens before the full bundle runs and leaves it on `window.SegmentSentry._loader`;
// the full bundle takes it over. No Sentry code here: the loader imports this module too.
import type { SegmentEvent } from '../segment/segment-mapping';

/** The full bundle, looked for next to the loader. */
export const FULL_BUNDLE_FILE = 'segment-sentry.min.js';
/** The loader's own file name: how it finds its script element when document.currentScript is not set. */
export const LOADER_FILE = 'segment-sentry.loader.min.js';
/** The Trusted Types policy that sets the full bundle's URL (a site lists it in its CSP's trusted-types). */
export const TRUSTED_TYPES_POLICY = 'segment-sentry';
/**
 * The one cap on what is kept before Sentry runs, on either path (loader or full bundle): up to 30
 * errors, 30 SegmentSentry calls and 30 analytics.js calls. A page that never starts Sentry cannot grow them.
 */
export const MAX_KEPT = 30;

const ANALYTICS_KEY_ATTRIBUTE = 'data-global-segment-analytics-key';

/** SegmentSentry calls made to the loader, in order; flush carries where its result (a boolean) goes. */
export type KeptCall =
  | [method: 'init' | 'captureException' | 'captureMessage' | 'setConsent', args: unknown[]]
  | [method: 'flush', args: unknown[], settle: (result: unknown) => void];
export type KeptError = [handler: 'onerror' | 'onunhandledrejection', error: unknown];
export type AnalyticsCall = 'identify' | 'track' | 'page' | 'reset';
export type AnalyticsDelivery = [type: AnalyticsCall, event?: SegmentEvent];

export interface LoaderHandoff {
  calls: KeptCall[];
  errors: KeptError[];
  /** Calls analytics.js delivered to the loader's Sentry plugin (and resets), in order. */
  analytics: AnalyticsDelivery[];
  /**
   * true: the loader's plugin is registered with analytics.js; false: reaching analytics.js failed (a global that is
   * not Segment's), which was said once and is never tried again; unset: analytics.js is not there yet.
   */
  analyticsConnected?: boolean;
  /** Set by the full bundle: where analytics calls go from then on. */
  forward?: (type: AnalyticsCall, event?: SegmentEvent) => void;
  /**
   * Removes the loader's error listeners once the full bundle's are in place. Its other listeners
   * (DOMContentLoaded, load, idle) find the full bundle's API in window.SegmentSentry and do nothing.
   */
  stop(): void;
}

/** Adds to a list of what is kept, up to MAX_KEPT; false when it was full. */
export function keep<T>(list: T[], item: T): boolean {
  return list.length < MAX_KEPT && list.push(item) > 0;
}

export function loaderHandoffOf(value: unknown): LoaderHandoff | undefined {
  const handoff = (value as { _loader?: LoaderHandoff } | undefined)?._loader;
  return handoff && Array.isArray(handoff.calls) ? handoff : undefined;
}

/** Keeps uncaught errors and unhandled rejections as they happen; returns how to stop. */
export function listenForErrors(target: Window, onError: (error: KeptError) => void): () => void {
  const error = (event: ErrorEvent) => onError(['onerror', event.error ?? event.message]);
  const rejection = (event: PromiseRejectionEvent) => onError(['onunhandledrejection', event.reason]);
  target.addEventListener('error', error);
  target.addEventListener('unhandledrejection', rejection);
  return () => {
    target.removeEventListener('error', error);
    target.removeEventListener('unhandledrejection', rejection);
  };
}

/** The analytics.js global: the settings' key, else the one Segment's snippet marks when renamed, else `analytics`. */
export function analyticsGlobalKey(doc: Document, key?: string): string {
  return key || doc.querySelector(`script[${ANALYTICS_KEY_ATTRIBUTE}]`)?.getAttribute(ANALYTICS_KEY_ATTRIBUTE) || 'analytics';
}

/**
 * The destination plugin both sides register: named "Sentry", so analytics.js applies the per-call
 * switches (`integrations: {Sentry: false}`, `{All: false}`) as for Segment's own destinations, and
 * hands it every call with the user resolved. `deliver` must not throw: analytics.js never sees our errors.
 */
export function sentryPlugin(version: string, deliver: (type: AnalyticsCall, event: SegmentEvent) => void) {
  const method = (type: AnalyticsCall) => (ctx: { event: SegmentEvent }) => (deliver(type, ctx.event), ctx);
  return {
    name: 'Sentry',
    type: 'destination' as const,
    version,
    isLoaded: () => true,
    load: () => Promise.resolve(),
    identify: method('identify'),
    track: method('track'),
    page: method('page'),
  };
}
