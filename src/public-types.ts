// The types a page or a build tool sees, published as dist/types/public-types.d.ts. No imports, so the
// published declaration stands alone.

/** The settings element's JSON, or the argument of SegmentSentry.init: Segment's keys for this destination. */
export interface SegmentSentrySettings {
  /** The Public DSN. */
  config: string;
  customVersionProperty?: string | null;
  release?: string | null;
  debug?: boolean | null;
  environment?: string | null;
  logger?: string | null;
  serverName?: string | null;
  ignoreErrors?: string[] | null;
  ignoreUrls?: string[] | null;
  whitelistUrls?: string[] | null;
  includePaths?: string[] | null;
  /** Not a Segment setting: the analytics.js global when a site renamed it. */
  globalAnalyticsKey?: string | null;
  /**
   * Not a Segment setting: a first-party URL that receives the envelopes instead of Sentry's ingest (which
   * content blockers block); an absolute http(s) URL or a path starting with `/`. Serve it with
   * `segment-sentry/tunnel`.
   */
  tunnel?: string | null;
  /**
   * Not a Segment setting: each error event Sentry sent becomes one `analytics.track('Error Captured', …)` call
   * (at most 10 per page). Where the settings come from the Segment app, set it in the page-level settings element
   * `<script type="application/json" id="segment-sentry-page-settings">{"trackErrors": true}</script>`.
   */
  trackErrors?: boolean | null;
  /**
   * Segment's consent settings for this destination: Sentry sends nothing until every listed category is
   * granted (through setConsent or Segment's consent tools). Absent, null or no categories: no consent needed.
   */
  consentSettings?: { categories?: string[] | null } | null;
  /**
   * Not a Segment setting: tracing as Sentry's option of that name, from 0 to 1 (page-load and navigation
   * transactions, Web Vitals); absent or 0: off, and its extra file is never fetched (docs/replay-tracing.md).
   */
  tracesSampleRate?: number | null;
  /**
   * Not a Segment setting: the URLs (`/regex/flags` or a substring) whose requests carry `sentry-trace` and
   * `baggage`; absent: the page's own origin only.
   */
  tracePropagationTargets?: string[] | null;
  /** Not a Segment setting: Session Replay for a share of all sessions, from 0 to 1; absent or 0: off. */
  replaysSessionSampleRate?: number | null;
  /** Not a Segment setting: Session Replay kept in memory and sent with an error, from 0 to 1; absent or 0: off. */
  replaysOnErrorSampleRate?: number | null;
}

/** What Segment's settings API returns; its `integrations.Sentry` part is read. */
export interface SegmentSettingsDocument {
  integrations: { Sentry: SegmentSentrySettings } & Record<string, unknown>;
}

/** `window.SegmentSentry`: what a page can call. Every method is guarded and never throws. */
export interface SegmentSentryApi {
  readonly version: string;
  /**
   * Starts Sentry from settings (an object, Segment's settings document, or its JSON text): true when it
   * started, false when it did not; undefined from the loader, which queues the call for the full bundle.
   */
  init(settings: SegmentSentrySettings | SegmentSettingsDocument | string): boolean | undefined;
  /** Returns the event id, or undefined when Sentry is not started yet (the call is then queued). */
  captureException(error: unknown): string | undefined;
  captureMessage(message: unknown): string | undefined;
  /** Resolves true once every queued event has been sent, false on timeout or before start. */
  flush(timeoutMs?: number): Promise<boolean>;
  /**
   * The visitor's consent, in Segment's shape (`{"<category>": true | false}`); the latest call wins. Only matters
   * when the settings carry consentSettings.categories; a listed category missing here counts as not granted.
   */
  setConsent(categoryPreferences: Record<string, boolean>): void;
  /** Loader only: loads the full bundle now instead of after the page's load event. No-op in the full bundle. */
  forceLoad(): void;
}

/** What `segmentSentry(options)` takes. */
export interface SegmentSentryOptions {
  /**
   * The settings, as the settings element takes them (an object, Segment's settings document, or its JSON text):
   * used alone, instead of the Segment app's.
   */
  settings?: SegmentSentrySettings | SegmentSettingsDocument | string;
  /**
   * Our own settings, which the Segment app has no field for (`trackErrors`, `tunnel`), set over the Segment app's
   * one by one and checked with them, as the page-level settings element is on a script page.
   */
  pageSettings?: Pick<
    SegmentSentrySettings,
    'trackErrors' | 'tunnel' | 'tracesSampleRate' | 'tracePropagationTargets' | 'replaysSessionSampleRate' | 'replaysOnErrorSampleRate'
  >;
}

/** What `segmentSentry()` returns (`segment-sentry/plugin`): a plain analytics-next plugin object. */
export interface SegmentSentryPlugin {
  name: 'Sentry';
  type: 'enrichment';
  version: string;
  isLoaded(): boolean;
  load(ctx: unknown, analytics: unknown): Promise<void>;
  identify<C>(ctx: C): C;
  track<C>(ctx: C): C;
  page<C>(ctx: C): C;
}

declare global {
  interface Window {
    SegmentSentry?: SegmentSentryApi;
  }
}
