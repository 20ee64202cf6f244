import type { SegmentEvent } from './segment-mapping';

/** What analytics.js (or the snippet's stub) says of the options it was loaded with. */
export interface LoadedWith {
  /** The snippet's stub keeps `analytics.load`'s options here; analytics-next's instance as `options`. */
  _loadOptions?: { integrations?: Record<string, unknown> };
  options?: { integrations?: Record<string, unknown> };
}

/**
 * Segment's per-call switches, as analytics.js applies them to its destinations: `{Sentry: false}`, or
 * `{All: false}` without `Sentry: true`, keeps a call from Sentry. analytics.js merges the load options'
 * `integrations` into every call, so once the page loads analytics.js with `{Sentry: false}` (to keep Segment's
 * own Sentry destination out; docs/segment.md, «The per-call switch and the load option») every call says
 * `Sentry: false`: then only `{All: false}` keeps a call out, and a call's own `Sentry: false` cannot be told
 * apart, so it is not a switch.
 * (Pure; the load options are read from analytics.js as the call is delivered.)
 */
export function keptOutOfSentry(event: SegmentEvent, analytics: LoadedWith | undefined): boolean {
  const switches = event.integrations ?? {};
  if (switches.Sentry === true) return false;
  const loadOptions = analytics?._loadOptions ?? analytics?.options;
  const sentryOffAtLoad = loadOptions?.integrations?.Sentry === false;
  return (switches.Sentry === false && !sentryOffAtLoad) || switches.All === false;
}
