// What the loader (dist/segment-sentry.loader.min.js) and the full bundle share: the loader keeps
// everything that happens before the full bundle runs and leaves it on `window.SegmentSentry._loader`;
// the full bundle takes it over. No Sentry code here: the loader imports this module too.
import type { SegmentSentryApi } from '../public-types';

/** The parts of a Segment event (analytics.js `ctx.event`) this destination reads: what the plugin hands over. */
export interface SegmentEvent {
  userId?: string | null;
  anonymousId?: string | null;
  traits?: Record<string, unknown> | null;
  event?: string | null;
  name?: string | null;
  properties?: Record<string, unknown> | null;
  /** Segment's consent tools stamp the visitor's preferences here (`context.consent.categoryPreferences`). */
  context?: { consent?: { categoryPreferences?: unknown } | null } | null;
  /** The call's integration switches, the load options' merged in by analytics.js. */
  integrations?: Record<string, unknown> | null;
}

/** The full bundle, looked for next to the loader. */
export const FULL_BUNDLE_FILE = 'segment-sentry.min.js';
/** The loader's own file name: how it finds its script element when document.currentScript is not set. */
export const LOADER_FILE = 'segment-sentry.loader.min.js';
/**
 * The Trusted Types policy that sets the URLs of our files (a site lists it in its CSP's trusted-types). One per
 * page, made by whichever of ours adds a script first and kept on the handoff: a CSP's trusted-types list allows
 * each name once.
 */
export const TRUSTED_TYPES_POLICY = 'segment-sentry';

type ScriptUrlPolicy = { createScriptURL(name: string): unknown };
type TrustedTypes = { createPolicy(name: string, rules: { createScriptURL(name: string): string }): ScriptUrlPolicy };
export type TrustedTypesWindow = Window & { trustedTypes?: TrustedTypes };

/**
 * Our Trusted Types policy: it makes URLs of our own files' names in the folder of `base` (our own script's URL) only,
 * whoever asks (it is kept on the handoff, which the page can read). Throws where the page has no Trusted Types
 * (the callers then use the plain URL) and where its CSP's trusted-types list lacks our policy.
 */
export function scriptUrlPolicy(base: string): ScriptUrlPolicy {
  // (Our files' names only: not `.` or `..`, which would name a folder.)
  return (window as TrustedTypesWindow).trustedTypes!.createPolicy(TRUSTED_TYPES_POLICY, { createScriptURL: (name) => (/^segment-sentry[\w.]*\.js$/.test(name) ? new URL(name, base).href : '') });
}

/**
 * The full bundle's way to add one of its extra files (the loader adds the full bundle the same way, in its own
 * bytes): `file` in the folder of `base` (the URL of the script that asks), as a <script> every
 * page of ours accepts: its SRI hash checked, with `nonce` (the one our own tag came with: a CSP that allows
 * scripts by nonce without 'strict-dynamic' allows ours only so), its URL made by our Trusted Types policy where
 * the page has them. `fail` hears once why the file
 * does not come (blocked, refused by its integrity check, not found); nothing here throws at the page.
 */
export function addScript(handoff: LoaderHandoff, base: string, file: string, integrity: string, nonce: string | undefined, fail: (why: string) => void): void {
  const doc = document;
  const script = doc.createElement('script');
  let src: unknown = new URL(file, base).href;
  try {
    // Trusted Types: a page that requires them for scripts accepts our URL through our policy (the loader's, if
    // it made it: a CSP lists each policy name once).
    src = (handoff.tt = handoff.tt || scriptUrlPolicy(base)).createScriptURL(file);
  } catch {
    // No Trusted Types, or the CSP's trusted-types list lacks our policy: the plain URL (it still works where
    // they are not required).
  }
  try {
    script.src = src as string;
  } catch {
    return fail(`add "${TRUSTED_TYPES_POLICY}" to the CSP's trusted-types`);
  }
  script.integrity = integrity;
  script.nonce = nonce as string; // (a string wherever there is a base URL: both come from our own tag)
  script.crossOrigin = 'anonymous'; // (a script element made by script is async already)
  script.onerror = () => fail(`could not load ${script.src}`);
  doc.documentElement.append(script); // (any element runs a script; <head> may be missing)
}
/**
 * The one cap on what is kept before Sentry runs, on either path (loader or full bundle): up to 30
 * errors, 30 captures (and flushes) and 30 analytics.js calls. A page that never starts Sentry cannot grow them.
 * Consent and init are not captures: the latest consent is always kept (a "no" must never be lost to the
 * cap), and so is the latest init (LoaderHandoff.consent and .init).
 */
export const MAX_KEPT = 30;

const ANALYTICS_KEY_ATTRIBUTE = 'data-global-segment-analytics-key';

/**
 * The visitor's consent in force at a moment before Sentry runs: what was kept then points at it. `given` is the
 * raw preferences (setConsent's argument, or the categoryPreferences analytics.js carried); absent while the
 * visitor has not answered. Each answer is a new mark, but the first fills the mark in force before it: what was
 * kept while nobody had answered waits for that first answer, as it would in a running Sentry (hearConsent).
 */
export type ConsentMark = { given?: object };

/**
 * Captures and flushes made to the loader, in order (these count against MAX_KEPT). A capture carries the
 * consent in force when it was made, so the full bundle decides on it from that (consent-transport.ts, replay);
 * flush carries where its result (a boolean) goes.
 */
export type KeptCall =
  | [method: 'captureException' | 'captureMessage', args: unknown[], consent: ConsentMark]
  | [method: 'flush', args: unknown[], settle: (result: unknown) => void];
/** An uncaught error or rejection, and the consent in force when it happened. */
export type KeptError = [handler: 'onerror' | 'onunhandledrejection', error: unknown, consent: ConsentMark];
export type AnalyticsCall = 'identify' | 'track' | 'page' | 'reset';
export type AnalyticsDelivery = [type: AnalyticsCall, event?: SegmentEvent];

/** The extra files (src/extras/): tracing and Session Replay. */
export type ExtraFile = 'tracing' | 'replay';

export interface LoaderHandoff {
  calls: KeptCall[];
  errors: KeptError[];
  /** Calls analytics.js delivered to the loader's Sentry plugin (and resets), in order. */
  analytics: AnalyticsDelivery[];
  /**
   * true: the loader's plugin is registered with analytics.js; false: reaching analytics.js failed (a global that is
   * not Segment's), which was said once and is never tried again; unset: analytics.js is not there yet.
   */
  registered?: boolean;
  /** The latest init call's arguments: kept outside the cap. */
  init?: unknown[];
  /**
   * The consent in force now (hearConsent), from setConsent and from what analytics.js carried as it dispatched
   * each call (watchConsent), the latest of either: outside the cap, so a "no" is never lost to it.
   */
  consent: ConsentMark;
  /** Set when the loader was given a setConsent argument that is not preferences: the full bundle says so. */
  badConsent?: 1;
  /** Set by the full bundle as it takes over: its API, where the loader's methods forward from then on. */
  api?: SegmentSentryApi;
  /** Set by the full bundle: the nonce its tag came with, which the extra files' tags get too. */
  nonce?: string;
  /** Our Trusted Types policy, once one of ours made it (addScript). */
  tt?: ScriptUrlPolicy;
  /** Set by the full bundle: where analytics calls go from then on. */
  forward?: (type: AnalyticsCall, event?: SegmentEvent) => void;
  /**
   * The npm plugin only (src/plugin/): analytics-next's own instance, as the plugin's load was given it, and
   * `whenInstance`, which hands it to `then` now or once it comes. On script pages both are absent: analytics.js
   * is the page's global.
   */
  instance?: object;
  whenInstance?: (then: (instance: object) => void) => void;
  /** The npm plugin only: brings an extra file's code (tracing, Session Replay) as a chunk of the app's build. */
  importExtra?: (name: ExtraFile) => Promise<unknown>;
  /**
   * Removes the loader's error listeners once the full bundle's are in place. Its other listeners
   * (DOMContentLoaded, load, idle) find the full bundle's API in window.SegmentSentry and do nothing.
   */
  stop(): void;
}

/**
 * The visitor's consent, heard before Sentry runs: the mark in force from now on (see ConsentMark). Anything but
 * an object is not an answer (falsy: the caller says so, where a page gave it; truthy once heard).
 */
export function hearConsent(handoff: LoaderHandoff, given: unknown): unknown {
  return given && typeof given == 'object' && !Array.isArray(given) && (handoff.consent.given ? (handoff.consent = { given }) : (handoff.consent.given = given));
}

/** The consent a call carries (Segment's consent tools stamp it), heard; what a hostile getter throws stays here. */
export function hearConsentOf(handoff: LoaderHandoff, event?: SegmentEvent): void {
  try {
    hearConsent(handoff, event?.context?.consent?.categoryPreferences);
  } catch {
    // (a hostile getter)
  }
}

/** Adds to a list of what is kept, up to MAX_KEPT; false when it was full (else its new length, never 0). */
export function keep<T>(list: T[], item: T): number | false {
  return list.length < MAX_KEPT && list.push(item);
}

/**
 * Watches analytics.js dispatch every call, before any middleware: Segment's consent tools send a consent change
 * as a track call carrying the preferences, and in the opt-out model their blocking middleware drops it, and
 * every call after it, before any plugin (ours included) sees it. `dispatch_start` is analytics.js's own event
 * for each call as it is dispatched (analytics-core's dispatch); e2e/consent.spec.ts fails if an upgrade moves it.
 * `onConsent` gets each call's raw `context.consent.categoryPreferences` (undefined on most); nothing it throws
 * escapes into analytics.js.
 */
export function watchConsent(analytics: { on(event: string, listener: (ctx: { event?: SegmentEvent }) => void): unknown }, onConsent: (preferences: unknown) => void): void {
  analytics.on('dispatch_start', (ctx) => {
    try {
      onConsent(ctx.event!.context!.consent!.categoryPreferences);
    } catch {
      // (a call without that path, or a hostile getter)
    }
  });
}

/** Without the loader, the full bundle keeps what the loader would have (analytics.js calls, the latest consent) itself. */
export const ownHandoff = (): LoaderHandoff => ({ calls: [], errors: [], analytics: [], consent: {}, stop: () => undefined });

export function loaderHandoffOf(value: unknown): LoaderHandoff | undefined {
  const handoff = (value as { _loader?: LoaderHandoff } | undefined)?._loader;
  return handoff && Array.isArray(handoff.calls) ? handoff : undefined;
}

/**
 * Keeps uncaught errors and unhandled rejections as they happen, each with the consent in force then; returns how
 * to stop. Stopping leaves the listeners in place, doing nothing: cheaper in the loader's bytes than taking them off.
 */
export function listenForErrors(target: Window, handoff: LoaderHandoff, onError: (error: KeptError) => void): () => void {
  let listening = true;
  target.addEventListener('error', (event) => listening && onError(['onerror', event.error ?? event.message, handoff.consent]));
  target.addEventListener('unhandledrejection', (event) => listening && onError(['onunhandledrejection', event.reason, handoff.consent]));
  return () => void (listening = false);
}

/** The analytics.js global: the settings' key, else the one Segment's snippet marks when renamed, else `analytics`. */
export function analyticsGlobalKey(doc: Document, key?: string): string {
  return key || doc.querySelector(`script[${ANALYTICS_KEY_ATTRIBUTE}]`)?.getAttribute(ANALYTICS_KEY_ATTRIBUTE) || 'analytics';
}

/**
 * The plugin both sides register, named "Sentry": analytics.js hands it every call with the user resolved.
 * An `enrichment` plugin, not a destination: the Segment-app install turns Segment's own Sentry destination off
 * with the load option `integrations: {Sentry: false}`, which analytics.js applies to every destination named
 * Sentry, ours too, and to every call. So the per-call switches are applied by the full bundle
 * (segment/integration-switches.ts). `deliver` must not throw: analytics.js never sees our errors.
 */
export function sentryPlugin(version: string, deliver: (type: AnalyticsCall, event: SegmentEvent) => void) {
  // One method for the three: analytics.js gives each event its type ("identify", "track", "page").
  const method = (ctx: { event: SegmentEvent & { type: AnalyticsCall } }) => (deliver(ctx.event.type, ctx.event), ctx);
  return {
    name: 'Sentry',
    // (Enrichment plugins see each call in order as it is dispatched; `after` plugins only once the destinations,
    // Segment's own API call included, are done, so in whatever order the network answers.)
    type: 'enrichment' as const,
    version,
    isLoaded: () => true,
    load: async () => undefined,
    identify: method,
    track: method,
    page: method,
  };
}

type AnalyticsLike = { register?: (plugin: unknown) => void; on?: (event: string, listener: (ctx: { event?: SegmentEvent }) => void) => void };

/**
 * Registers our Sentry plugin with analytics.js (or the snippet's stub) to keep its calls, and the latest consent
 * they carry, in `handoff` until the full bundle's Sentry starts and sets `handoff.forward`: what the loader does
 * from its first line, and the full bundle from the moment it knows it waits for settings (and at start-up).
 * Once only; until the plugin is registered, a throw (a global that is not Segment's) is said once by the caller
 * and never retried.
 */
export function keepAnalyticsCalls(win: Window, handoff: LoaderHandoff, globalKey?: string): unknown /* (nothing reads it: loader bytes) */ {
  if (handoff.registered != null) return;
  // (false from here: a getter or register that throws leaves it so, and it is not tried again)
  handoff.registered = false;
  const analytics = (win as unknown as Record<string, AnalyticsLike | undefined>)[analyticsGlobalKey(win.document, globalKey)];
  if (typeof analytics?.register != 'function') return delete handoff.registered;
  // A kept call's consent (Segment's consent tools stamp it on each call in a plugin of their own, after
  // dispatch_start) is heard now, in its place among the page's other consent calls.
  const deliver = (type: AnalyticsCall, event?: SegmentEvent) =>
    handoff.forward ? handoff.forward(type, event) : (hearConsentOf(handoff, event), keep(handoff.analytics, [type, event]));
  analytics.register(sentryPlugin(__SEGMENT_SENTRY_VERSION__, deliver));
  handoff.registered = true;
  if (analytics.on) {
    analytics.on('reset', () => deliver('reset'));
    // Every consent change, even one a blocking middleware drops before our plugin (see watchConsent, which
    // the full bundle uses from then on): the latest, whatever the cap.
    analytics.on('dispatch_start', (ctx) => hearConsentOf(handoff, ctx.event));
  }
}
