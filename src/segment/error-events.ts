import { truncate, type Envelope, type Event } from '@sentry/core';
import { analyticsGlobalKey, type LoaderHandoff } from '../loader/protocol';
import { attempt } from '../sentry/guard';
import type { SegmentEvent } from './segment-mapping';

/** The event name Sentry's own data forwarder to Segment uses, so a workspace that has it sees the same events. */
export const ERROR_CAPTURED = 'Error Captured';
/** At most this many `Error Captured` calls per page, whatever the page throws. */
export const MAX_ERROR_CALLS = 10;

const cut = (value: unknown, length = 256) => (typeof value === 'string' ? truncate(value, length) : undefined);

/**
 * The `Error Captured` properties of an event Sentry sent; undefined for what is not an error (a message, a
 * transaction), as Sentry's own forwarder forwards errors only. Every string is bounded: message and url at 1,000 characters, the others at 256. The exception
 * is the one the page threw (the last of a cause chain: Sentry's issue title). The link back is the event id: an
 * issue URL needs the organization's slug, which no DSN holds (docs/segment.md, «Errors to Segment»). (Pure.)
 */
export function errorCapturedProperties(event: Event): Record<string, unknown> | undefined {
  const exception = event.exception?.values?.slice(-1)[0];
  // A message (captureMessage) carries an exception without a type, for its stack: not an error.
  if (!exception?.type || event.type) return undefined;
  return {
    eventId: event.event_id,
    level: event.level,
    exceptionType: cut(exception.type),
    message: cut(exception.value, 1000),
    release: cut(event.release),
    environment: cut(event.environment),
    url: cut(event.request?.url, 1000),
    handled: exception.mechanism?.handled ?? true,
  };
}

export interface ErrorTracking {
  /** An envelope Sentry's ingest accepted (sentry-client.ts, onSent): its error becomes one `Error Captured` call. */
  sent(envelope: Envelope): void;
  /** Whether an analytics.js track call is one of ours: never a breadcrumb (analytics-bridge.ts). */
  ours(event: SegmentEvent): boolean;
}

/**
 * The `trackErrors` setting: each error event Sentry's ingest accepted (after filters, dedupe, the budget and the
 * consent gate: it is told from below all of them) becomes one analytics.track call, once per event id and at most
 * MAX_ERROR_CALLS per page. The call goes through analytics.js, so Segment's own consent applies to it; a track
 * that throws, or whose promise rejects, is contained here (one console line) and makes no Sentry event.
 */
export function trackErrors(win: Window, globalKey: string | undefined, handoff: LoaderHandoff): ErrorTracking {
  // The event ids called for; set before the call, so the bridge knows the call as ours when it comes back.
  const called = new Set<unknown>();
  return {
    sent: ([, [item]]) =>
      void attempt(`analytics.track('${ERROR_CAPTURED}')`, () => {
        const properties = item?.[0].type === 'event' ? errorCapturedProperties(item[1] as Event) : undefined;
        // The npm plugin's analytics-next instance (src/plugin/), never a page global; the script's analytics.js global.
        const analytics = (__SEGMENT_SENTRY_NPM_PLUGIN__ ? handoff.instance : (win as unknown as Record<string, object | undefined>)[analyticsGlobalKey(win.document, globalKey)]) as
          | { track?: (...args: unknown[]) => unknown }
          | undefined;
        if (!properties || called.size >= MAX_ERROR_CALLS || called.has(properties.eventId) || typeof analytics?.track !== 'function') return;
        called.add(properties.eventId);
        // Returned: a promise it rejects is contained too.
        return analytics.track(ERROR_CAPTURED, properties);
      }),
    ours: (event) => event.event === ERROR_CAPTURED && called.has(event.properties?.eventId),
  };
}
