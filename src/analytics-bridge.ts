import { addBreadcrumb, setUser } from '@sentry/core';
import { categoryPreferencesOf, type CategoryPreferences } from './consent';
import { attempt } from './guard';
import type { LoaderHandoff } from './loader-handoff';
import { pageBreadcrumb, sentryUser, trackBreadcrumb, type SegmentEvent } from './segment-mapping';

/** The parts of analytics.js (or the snippet's stub, which queues the same calls) that we use. */
interface AnalyticsLike {
  register?: (...plugins: unknown[]) => unknown;
  on?: (event: string, listener: (...args: unknown[]) => void) => unknown;
  ready?: (callback: () => void) => unknown;
  user?: () => { id(): unknown; anonymousId(): unknown; traits(): unknown };
}

interface SegmentContext {
  event: SegmentEvent & { context?: { consent?: { categoryPreferences?: unknown } } };
}

const DEFAULT_GLOBAL_KEY = 'analytics';

/** Segment's snippet marks the analytics.js script tag with the global it uses when renamed. */
function detectGlobalKey(doc: Document): string {
  return doc.querySelector('script[data-global-segment-analytics-key]')?.getAttribute('data-global-segment-analytics-key') || DEFAULT_GLOBAL_KEY;
}

function currentUserOf(analytics: AnalyticsLike | undefined): SegmentEvent | undefined {
  const user = analytics?.user?.();
  if (!user) return undefined;
  return { userId: user.id() as string | null, anonymousId: user.anonymousId() as string | null, traits: user.traits() as Record<string, unknown> };
}

/**
 * A destination plugin named "Sentry": analytics.js applies the per-call switches
 * (`integrations: {Sentry: false}`, `{All: false}`) to it, as to Segment's own destinations, and
 * hands it every call with the user already resolved.
 */
function sentryDestination(version: string, pageUrl: () => string, identify: (event: SegmentEvent) => void, onConsent: (preferences: CategoryPreferences) => void) {
  const forward = (what: string, handle: (event: SegmentEvent) => void) => (ctx: SegmentContext) => {
    attempt(`forwarding analytics.${what}`, () => {
      // Segment's consent tools stamp the visitor's preferences on every call: they apply from this call on.
      const stamped = categoryPreferencesOf(ctx.event.context?.consent?.categoryPreferences);
      if (stamped) onConsent(stamped);
      handle(ctx.event);
    });
    return ctx;
  };
  return {
    name: 'Sentry',
    type: 'destination',
    version,
    isLoaded: () => true,
    load: () => Promise.resolve(),
    identify: forward('identify', identify),
    track: forward('track', (event) => addBreadcrumb(trackBreadcrumb(event))),
    page: forward('page', (event) => addBreadcrumb(pageBreadcrumb(event, pageUrl()))),
  };
}

/**
 * Connects Segment's analytics.js to Sentry, whatever the load order. Everything goes through
 * calls the snippet's stub queues and analytics.js replays (register, on, ready), so it works
 * before analytics.js has loaded, and survives analytics.js replacing the stub object. When the
 * global is not there yet, we look again at DOMContentLoaded and at load; when it never comes
 * (blocked by an ad blocker), nothing happens and Sentry works on.
 */
export function connectAnalytics(
  win: Window,
  globalKey: string | undefined,
  version: string,
  handoff: LoaderHandoff | undefined,
  onConsent: (preferences: CategoryPreferences) => void,
): void {
  const keyOf = () => globalKey ?? detectGlobalKey(win.document);
  const analyticsNow = () => (win as unknown as Record<string, AnalyticsLike | undefined>)[keyOf()];
  let connected = false;

  // Once a call on this page has set (or reset) the user, the remembered user must not overwrite it.
  let userSetOnThisPage = false;
  const setUserFrom = (event: SegmentEvent) => {
    userSetOnThisPage = true;
    const user = sentryUser(event);
    setUser(Object.keys(user).length > 0 ? user : null);
  };

  const destination = sentryDestination(version, () => win.location.href, setUserFrom, onConsent);
  const onReset = () =>
    attempt('forwarding analytics.reset', () => {
      const user = currentUserOf(analyticsNow());
      setUserFrom({ anonymousId: user?.anonymousId });
    });
  // A returning visitor: analytics.js remembers the user from an earlier page without a new identify.
  const onReady = () =>
    attempt('reading the analytics.js user', () => {
      const user = currentUserOf(analyticsNow());
      if (user && !userSetOnThisPage) setUser(sentryUser(user));
    });

  const connect = (): void => {
    const analytics = analyticsNow();
    if (connected || !analytics || typeof analytics.register !== 'function') return;
    connected = true;
    if (handoff?.analyticsConnected) {
      // The loader's plugin is already registered (and kept what came before): it forwards to us now.
      handoff.forward = (type, event) =>
        type === 'reset' ? onReset() : void destination[type as 'identify' | 'track' | 'page']?.({ event: event ?? {} });
      for (const [type, event] of handoff.analytics.splice(0)) handoff.forward(type, event);
    } else {
      analytics.register(destination);
      // analytics.js has no plugin hook for reset; it emits an event instead.
      analytics.on?.('reset', onReset);
    }
    analytics.ready?.(onReady);
  };

  attempt('connecting analytics.js', connect);
  if (connected) return;
  const retry = () => attempt('connecting analytics.js', connect);
  if (win.document.readyState === 'loading') win.document.addEventListener('DOMContentLoaded', retry, { once: true });
  win.addEventListener('load', retry, { once: true });
}
