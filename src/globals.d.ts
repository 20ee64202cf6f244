import type { SegmentSentryApi } from './global-api';

declare global {
  /** Set by esbuild from package.json. */
  const __SEGMENT_SENTRY_VERSION__: string;
  interface Window {
    SegmentSentry?: SegmentSentryApi;
  }
}
