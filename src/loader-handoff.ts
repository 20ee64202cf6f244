import type { SegmentEvent } from './segment-mapping';

/**
 * What the loader (dist/segment-sentry.loader.min.js) leaves on `window.SegmentSentry._loader` for the
 * full bundle to take over: nothing that happened before the full bundle ran is lost.
 */
export interface LoaderHandoff {
  /** SegmentSentry calls made so far, in order: method, arguments, and where a promise's result goes. */
  calls: Array<[method: string, args: unknown[], settle?: (value: unknown) => void]>;
  /** Errors and rejections seen so far, with the handler that saw them. */
  errors: Array<[handler: 'onerror' | 'onunhandledrejection', error: unknown]>;
  /** Calls analytics.js delivered to the loader's "Sentry" plugin (and resets), in order. */
  analytics: Array<[type: string, event?: SegmentEvent]>;
  /** True once the loader's plugin is registered with analytics.js. */
  analyticsConnected: boolean;
  /** Set by the full bundle: where analytics calls go from then on. */
  forward?: (type: string, event?: SegmentEvent) => void;
  /** Removes the loader's error listeners once the full bundle's handlers are in place. */
  stop(): void;
}

export function loaderHandoffOf(value: unknown): LoaderHandoff | undefined {
  const handoff = (value as { _loader?: LoaderHandoff } | undefined)?._loader;
  return handoff && Array.isArray(handoff.calls) ? handoff : undefined;
}
