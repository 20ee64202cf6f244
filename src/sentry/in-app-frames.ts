import type { Event, Integration, StackFrame } from '@sentry/core';

function markFrames(frames: StackFrame[] | undefined, includePaths: RegExp[]): void {
  for (const frame of frames ?? []) {
    const filename = frame.filename ?? frame.abs_path;
    frame.in_app = filename ? includePaths.some((pattern) => pattern.test(filename)) : false;
  }
}

/**
 * includePaths: frames whose URL matches a pattern are the site's own code (in_app: true); every
 * other frame, and a frame with no URL at all, is collapsed in Sentry (in_app: false). With no
 * patterns the integration is not installed and frames stay as the SDK marked them.
 */
export function inAppFramesIntegration(includePaths: RegExp[]): Integration {
  return {
    name: 'SegmentSentryInAppFrames',
    processEvent(event: Event): Event {
      for (const exception of event.exception?.values ?? []) markFrames(exception.stacktrace?.frames, includePaths);
      for (const thread of event.threads?.values ?? []) markFrames(thread.stacktrace?.frames, includePaths);
      return event;
    },
  };
}
