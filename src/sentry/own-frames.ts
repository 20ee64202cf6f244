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
export const withoutQuery = (url = ''): string => url.split(/[?#]/, 1)[0]!;

export const OWN_FRAMES = 'SegmentSentryOwnFrames';

/** The integration below: `urls`, the scripts whose frames are ours (without query), takes the extra files' as they run. */
export interface OwnFrames extends Integration {
  urls: string[];
}

/**
 * Removes our own frames from every stack trace: this bundle's, and those of the extra files (tracing, Session
 * Replay), whose URLs each adds as it runs (src/extras/install.ts). Sentry strips its own frames by function
 * name, which minification defeats; left in, our frames would sit on top of every message's synthetic stack (and
 * of a page's error thrown through one of Replay's DOM wrappers), so whitelistUrls and ignoreUrls would judge them
 * by our URL instead of the caller's. Runs in preprocessEvent, before those filters.
 */
export function ownFramesIntegration(ownUrl: string): OwnFrames {
  const urls = [withoutQuery(ownUrl)];
  return {
    name: OWN_FRAMES,
    urls,
    preprocessEvent(event: Event): void {
      for (const exception of event.exception?.values ?? []) {
        const stacktrace = exception.stacktrace;
        if (!stacktrace?.frames) continue;
        stacktrace.frames = stacktrace.frames.filter((frame) => !urls.includes(withoutQuery(frame.filename)));
        if (stacktrace.frames.length === 0) delete exception.stacktrace;
      }
    },
  };
}
