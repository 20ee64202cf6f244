import { addBreadcrumb, setUser } from '@sentry/core';
import { categoryPreferencesOf, type CategoryPreferences } from '../consent/consent';
import { attempt } from '../sentry/guard';
import { analyticsGlobalKey, keepAnalyticsCalls, watchConsent, type AnalyticsCall, type LoaderHandoff } from '../loader/protocol';
import { untilAnalyticsConnects } from './analytics-arrival';
import { keptOutOfSentry, type LoadedWith } from './integration-switches';
import { pageBreadcrumb, sentryUser, trackBreadcrumb, type SegmentEvent } from './segment-mapping';

/** The parts of analytics.js (or the snippet's stub, which queues the same calls) that we use. */
interface AnalyticsLike extends LoadedWith {
  register?: (...plugins: unknown[]) => unknown;
  on?: (event: string, listener: (...args: any[]) => void) => unknown;
  ready?: (callback: () => void) => unknown;
  user?: () => { id(): unknown; anonymousId(): unknown; traits(): unknown };
}

function currentUserOf(analytics: AnalyticsLike | undefined): SegmentEvent | undefined {
  const user = analytics?.user?.();
  if (!user) return undefined;
  return { userId: user.id() as string | null, anonymousId: user.anonymousId() as string | null, traits: user.traits() as Record<string, unknown> };
}

/**
 * Connects Segment's analytics.js to Sentry, whatever the load order, through the plugin named "Sentry" that
 * keepAnalyticsCalls registers (src/loader/protocol.ts): the loader's, or the full bundle's own. What it kept
 * before Sentry started is delivered now, then every call as it comes. Everything goes through calls the
 * snippet's stub queues and analytics.js replays (register, on, ready), so it works before analytics.js has
 * loaded, and survives analytics.js replacing the stub object. When the global is not there yet, we look again
 * as scripts are added to the page (analytics-arrival.ts); when it never comes (blocked by an ad blocker),
 * nothing happens and Sentry works on. A global that is not Segment's (its register throws, or reading it does) is said once and never
 * tried again.
 */
export function connectAnalytics(
  win: Window,
  globalKey: string | undefined,
  handoff: LoaderHandoff,
  onConsent: (preferences: CategoryPreferences) => void,
  /** Our own `Error Captured` calls (error-events.ts, trackErrors): never breadcrumbs. */
  ours?: (event: SegmentEvent) => boolean,
): void {
  // The npm plugin's analytics-next instance (src/plugin/), never a page global; the script's analytics.js global.
  const analyticsNow = () =>
    (__SEGMENT_SENTRY_NPM_PLUGIN__ ? handoff.instance : (win as unknown as Record<string, AnalyticsLike | undefined>)[analyticsGlobalKey(win.document, globalKey)]) as AnalyticsLike | undefined;

  // Once a call on this page has set (or reset) the user, the remembered user must not overwrite it.
  let userSetOnThisPage = false;
  const setUserFrom = (event: SegmentEvent) => {
    userSetOnThisPage = true;
    const user = sentryUser(event);
    setUser(Object.keys(user).length > 0 ? user : null);
  };

  const applyConsent = (raw: unknown) => {
    const preferences = categoryPreferencesOf(raw);
    if (preferences) onConsent(preferences);
  };
  // `kept`: delivered now, made before Sentry started. Its consent was heard then, as analytics.js dispatched it
  // (protocol.ts, keepAnalyticsCalls), in its place among the page's other consent calls: applied again now, it
  // would undo a later "no".
  const deliver = (type: AnalyticsCall, event: SegmentEvent = {}, kept = false) =>
    void attempt(`forwarding analytics.${type}`, () => {
      // Segment's consent tools stamp the visitor's preferences on every call: they apply from this call on.
      if (!kept) applyConsent(event.context?.consent?.categoryPreferences);
      if ((type !== 'reset' && keptOutOfSentry(event, analyticsNow())) || ours?.(event)) return;
      if (type === 'identify') setUserFrom(event);
      else if (type === 'track') addBreadcrumb(trackBreadcrumb(event));
      else if (type === 'page') addBreadcrumb(pageBreadcrumb(event, win.location.href), event); // (the event as hint: tracing names its transaction after it, src/extras/tracing.ts)
      // analytics.js has no plugin hook for reset; it emits an event, and the user keeps the new anonymous id.
      else setUserFrom({ anonymousId: currentUserOf(analyticsNow())?.anonymousId });
    });
  // A returning visitor: analytics.js remembers the user from an earlier page without a new identify.
  const onReady = () =>
    attempt('reading the analytics.js user', () => {
      const user = currentUserOf(analyticsNow());
      if (user && !userSetOnThisPage) setUser(sentryUser(user));
    });

  // From now on the plugin's calls come straight here; first what it kept.
  handoff.forward = deliver;
  for (const [type, event] of handoff.analytics.splice(0)) deliver(type, event, true);

  const connected = () => {
    const analytics = analyticsNow();
    if (analytics?.on) watchConsent(analytics as Required<AnalyticsLike>, applyConsent);
    analytics?.ready?.(onReady);
    return true;
  };
  // The npm plugin: its calls come through handoff.forward already; analytics-next's instance, once its load ran.
  if (__SEGMENT_SENTRY_NPM_PLUGIN__) return handoff.whenInstance!(connected);
  untilAnalyticsConnects(win, () => {
    keepAnalyticsCalls(win, handoff, globalKey);
    // Not there yet (look again later), or not Segment's (said once, never tried again).
    return handoff.registered ? connected() : handoff.registered === false;
  });
}
