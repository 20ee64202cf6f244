import {
  BrowserClient,
  breadcrumbsIntegration,
  browserApiErrorsIntegration,
  browserSessionIntegration,
  defaultStackParser,
  globalHandlersIntegration,
  httpContextIntegration,
  linkedErrorsIntegration,
  makeFetchTransport,
  normalizeStringifyValue,
} from '@sentry/browser';
import {
  consoleIntegration,
  dedupeIntegration,
  eventFiltersIntegration,
  functionToStringIntegration,
  initAndBind,
  setNormalizeStringifier,
  type Client,
  type Event,
  type Integration,
} from '@sentry/core';
import { makeDebugTransport } from './debug-transport';
import { inAppFramesIntegration } from './in-app-frames';
import { ownFramesIntegration } from './own-frames';
import { resolveRelease } from './release';
import type { Settings } from './settings';

/**
 * What Segment's destination gave its users through Sentry's default browser set-up, picked one
 * by one so that tracing, replay, feedback and logs never reach the bundle.
 */
function integrationsFor(settings: Settings, ownScriptUrl: string | undefined): Integration[] {
  const integrations: Integration[] = [
    eventFiltersIntegration(), // ignoreErrors, ignoreUrls (denyUrls), whitelistUrls (allowUrls)
    functionToStringIntegration(), // wrapped handlers keep their original toString()
    browserApiErrorsIntegration(), // errors thrown in timers, event handlers, requestAnimationFrame
    breadcrumbsIntegration(), // clicks and keypresses, fetch/XHR, navigation
    consoleIntegration(), // console breadcrumbs
    globalHandlersIntegration(), // uncaught errors and unhandled rejections
    linkedErrorsIntegration(), // error.cause chains
    dedupeIntegration(),
    httpContextIntegration(), // page URL, user agent, referrer
    browserSessionIntegration(), // release health
  ];
  if (ownScriptUrl) integrations.unshift(ownFramesIntegration(ownScriptUrl));
  if (settings.includePaths.length > 0) integrations.push(inAppFramesIntegration(settings.includePaths));
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

export function startSentryClient(settings: Settings, ownScriptUrl: string | undefined): Client {
  setNormalizeStringifier(normalizeStringifyValue);
  const client = initAndBind(BrowserClient, {
    dsn: settings.dsn,
    release: resolveRelease(settings, window),
    environment: settings.environment,
    ignoreErrors: settings.ignoreErrors,
    denyUrls: settings.ignoreUrls,
    allowUrls: settings.whitelistUrls,
    integrations: integrationsFor(settings, ownScriptUrl),
    stackParser: defaultStackParser,
    transport: settings.debug ? makeDebugTransport : makeFetchTransport,
  });
  client.addEventProcessor(applyEventFields(settings));
  return client;
}
