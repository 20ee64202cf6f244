import type { Event, Integration, StackFrame } from '@sentry/core';

/**
 * The URL this bundle was loaded from, read while it first runs (document.currentScript is only
 * set then). Undefined when it cannot be known; nothing is then stripped.
 */
export function currentScriptUrl(doc: Document): string | undefined {
  const script = doc.currentScript;
  return script instanceof HTMLScriptElement && script.src ? script.src : undefined;
}

// Compared without query and fragment: WebKit leaves the query out of its stack URLs, so
// `segment-sentry.min.js?v=2` shows as `segment-sentry.min.js` in its frames.
const withoutQuery = (url = ''): string => url.split(/[?#]/, 1)[0]!;

function withoutOwnFrames(frames: StackFrame[], ownUrl: string): StackFrame[] {
  const own = withoutQuery(ownUrl);
  return frames.filter((frame) => withoutQuery(frame.filename) !== own);
}

/**
 * Removes this bundle's own frames from every stack trace. Sentry strips its own frames by function
 * name, which minification defeats; left in, our frames would sit on top of every message's
 * synthetic stack, so whitelistUrls and ignoreUrls would judge `SegmentSentry.captureMessage` calls
 * by our CDN URL instead of the caller's. Runs in preprocessEvent, before those filters.
 */
export function ownFramesIntegration(ownUrl: string): Integration {
  return {
    name: 'SegmentSentryOwnFrames',
    preprocessEvent(event: Event): void {
      for (const exception of event.exception?.values ?? []) {
        const stacktrace = exception.stacktrace;
        if (!stacktrace?.frames) continue;
        stacktrace.frames = withoutOwnFrames(stacktrace.frames, ownUrl);
        if (stacktrace.frames.length === 0) delete exception.stacktrace;
      }
    },
  };
}
