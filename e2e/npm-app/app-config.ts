// What a fixture app (e2e/npm-app/*.ts) reads from its page, and what it hands the test driver.
import type { SegmentSentryOptions } from 'segment-sentry/plugin';

export interface AppConfig {
  writeKey: string;
  options?: SegmentSentryOptions;
  /** An error thrown (and a rejection) as the app's module runs. */
  throwAtStart?: string;
  /** The plugin is added with analytics.register() after AnalyticsBrowser.load, not in its plugins. */
  registerLater?: boolean;
  /** The plugin is loaded by an analytics-next older than 1.70 (a stand-in for its instance). */
  oldAnalyticsNext?: boolean;
  /** The consent-tools app: the consent model its wrapper loads analytics-next with. */
  consentModel?: 'opt-in' | 'opt-out';
}

/**
 * The test driver reaches the app through globals: `window.app` (analytics-next, for identify and track) and
 * `window.SegmentSentry`, the plugin's named exports under the script's name, so the shared helpers (sentinel,
 * settle) work unchanged. The plugin itself sets no global.
 */
export function expose(analytics: unknown, api: object): void {
  (window as unknown as { app: unknown }).app = { analytics };
  (window as unknown as { SegmentSentry: unknown }).SegmentSentry = api;
}
