import {
  browserApiErrorsIntegration,
  defaultStackParser,
  globalHandlersIntegration,
  httpContextIntegration,
  linkedErrorsIntegration,
  makeFetchTransport,
  normalizeStringifyValue,
} from '@sentry/browser';
import {
  eventFiltersIntegration,
  functionToStringIntegration,
  setCurrentClient,
  setNormalizeStringifier,
  type Client,
  type Envelope,
  type Event,
  type Integration,
  type Transport,
} from '@sentry/core';
import { getNativeImplementation } from '@sentry/browser-utils';
import { breadcrumbsIntegration } from './breadcrumbs';
import { makeDebugTransport } from './debug-transport';
import { dedupeIntegration } from './dedupe';
import { EVENT_BUDGET, eventBudgetIntegration } from './event-budget';
import { inAppFramesIntegration } from './in-app-frames';
import { makeJsonSafeTransport } from './json-safe-envelope';
import { makeLazyTransport } from './lazy-transport';
import { makeOfflineTransport } from './offline-queue';
import { ownFramesIntegration } from './own-frames';
import { PageSessionClient } from './page-session';
import { resolveRelease } from '../settings/release';
import type { Settings } from '../settings/settings';

/**
 * What Segment's destination gave its users through Sentry's default browser set-up, picked one
 * by one so that tracing, replay, feedback and logs never reach the bundle.
 */
function integrationsFor(settings: Settings, ownScriptUrl: string | undefined): Integration[] {
  const integrations: Integration[] = [
    eventFiltersIntegration(), // ignoreErrors, ignoreUrls (denyUrls), whitelistUrls (allowUrls)
    functionToStringIntegration(), // wrapped handlers keep their original toString()
    // Errors thrown in timers, event listeners, requestAnimationFrame. Sentry's default also looks at
    // ~30 other DOM interfaces for an addEventListener of their own, which only browsers older than
    // ours have (e2e/capture.spec.ts checks); looking them all up cost several ms of start-up.
    browserApiErrorsIntegration({ eventTarget: ['EventTarget'] }),
    breadcrumbsIntegration(), // clicks, typing, fetch/XHR, navigation, console (ours: breadcrumbs.ts)
    globalHandlersIntegration(), // uncaught errors and unhandled rejections
    linkedErrorsIntegration(), // error.cause chains
    dedupeIntegration(),
    httpContextIntegration(), // page URL, user agent, referrer
  ];
  if (ownScriptUrl) integrations.unshift(ownFramesIntegration(ownScriptUrl));
  if (settings.includePaths.length > 0) integrations.push(inAppFramesIntegration(settings.includePaths));
  // Last: only events that would really be sent use up the budget.
  integrations.push(eventBudgetIntegration());
  return integrations;
}

/** Fields the browser SDK has no option for (logger, server_name) and the live release. */
function applyEventFields(settings: Settings): (event: Event) => Event {
  return (event) => {
    const release = resolveRelease(settings, window);
    if (release) event.release = release;
    if (settings.logger) event.logger = settings.logger;
    // The browser SDK ignores a serverName option, so it is set on the event itself.
    if (settings.serverName) event.server_name = settings.serverName;
    return event;
  };
}

type TransportOptions = Parameters<typeof makeFetchTransport>[0];

/**
 * What the transport asks of a gate around it (the consent gate, consent-transport.ts, is the one): the real
 * transport made only once the gate allows it, each send of the offline queue's checked, and whether what fails
 * may be stored for later.
 */
export interface TransportGate {
  wrap<O>(make: (options: O) => Transport): (options: O) => Transport;
  enforce(transport: Transport): Transport;
  granted(): boolean;
}

/** Told of each envelope Sentry's ingest accepted (a 2xx answer): what the offline queue knows was taken. */
export type OnSent = (envelope: Envelope) => void;

/**
 * Events that cannot be sent wait in IndexedDB (offline-queue.ts). The transport is made lazily
 * (lazy-transport.ts), so the page's fetch is taken now, before anything wraps it: taken later, it would be
 * our own breadcrumbs wrapper or a script's that came after us (an APM agent), or Sentry would open a hidden
 * iframe for a clean copy (e2e/capture.spec.ts checks). A send already under way when consent is revoked,
 * and failing after it, is not stored for later.
 */
function makeSendingTransport(consentGate: TransportGate | undefined, onSent: OnSent | undefined): ReturnType<typeof makeLazyTransport<TransportOptions>> {
  const nativeFetch = pageFetch();
  return makeLazyTransport(
    makeOfflineTransport(
      (options: TransportOptions) => {
        const transport = makeFetchTransport(options, nativeFetch);
        return consentGate ? consentGate.enforce(transport) : transport;
      },
      consentGate && (() => consentGate.granted()),
      onSent,
    ),
  );
}

/**
 * The page's fetch as the browser made it. Sentry tells a native function by its toString(); on a page
 * whose Function.prototype.toString throws (anti-tamper scripts), that throws too, and the page's own
 * fetch (wrapped or not) is still better than no transport.
 */
function pageFetch(): typeof fetch {
  try {
    return getNativeImplementation('fetch');
  } catch {
    return window.fetch.bind(window);
  }
}

/** `onSent`: told of each envelope Sentry's ingest accepted (never in debug mode, which sends nothing). */
export function startSentryClient(settings: Settings, ownScriptUrl: string | undefined, consentGate?: TransportGate, onSent?: OnSent): Client {
  const transport = settings.debug ? makeDebugTransport : makeSendingTransport(consentGate, onSent);
  setNormalizeStringifier(normalizeStringifyValue);
  // The client brings release health (a session per page load) itself: see page-session.ts.
  const client = new PageSessionClient({
    // Our settings first: the SDK's options of the same names are the same (tracesSampleRate, tracePropagationTargets,
    // replaysSessionSampleRate, replaysOnErrorSampleRate, ignoreErrors: read by the extra files from the client's
    // options), the others mean nothing to it; what differs is set below.
    ...settings,
    // What the extra files ask before they record anything (extra-files.ts): whether consent allows sending now.
    ...{ consentGranted: consentGate?.granted },
    dsn: settings.dsn,
    // Resolved against the page's own URL, not document.baseURI: a <base href> pointing at a CDN must
    // not move a tunnel path off the site's origin.
    tunnel: settings.tunnel && new URL(settings.tunnel, window.location.href).href,
    release: resolveRelease(settings, window),
    environment: settings.environment,
    ignoreErrors: settings.ignoreErrors,
    denyUrls: settings.ignoreUrls,
    allowUrls: settings.whitelistUrls,
    integrations: integrationsFor(settings, ownScriptUrl),
    stackParser: defaultStackParser,
    transport: makeJsonSafeTransport(consentGate ? consentGate.wrap(transport) : transport),
    // Sentry's fetch transport keeps at most 40 requests in flight and drops the rest; a burst within our
    // event budget (50) must all arrive, with room for the session and client reports.
    transportOptions: { bufferSize: EVENT_BUDGET.BURST * 2 },
  });
  // What Sentry's initAndBind does, without its warnings about a debug option (never set: debug mode is ours)
  // and a second init (start-up happens once, global-api.ts).
  setCurrentClient(client);
  client.init();
  client.addEventProcessor(applyEventFields(settings));
  return client;
}
