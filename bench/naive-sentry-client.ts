// The naive baseline's Sentry set-up, for `npm run bench` only: what our peers ship and what a
// straightforward implementation does. `Sentry.init` with Sentry's default integrations and the same
// settings mapping; the bench build swaps it in for src/sentry/sentry-client.ts, so everything else (settings,
// analytics.js bridge, global API) is the same code.
import * as Sentry from '@sentry/browser';
import type { Client, ErrorEvent } from '@sentry/core';
import type { ConsentGate } from '../src/consent/consent-transport';
import { resolveRelease } from '../src/settings/release';
import type { Settings } from '../src/settings/settings';

/** The replay bench's naive page (bench/replay.mjs): Sentry's own replayIntegration, as a site adds it to Sentry.init. */
declare const __NAIVE_REPLAY__: boolean;

export function startSentryClient(settings: Settings, _ownScriptUrl: string | undefined, consentGate?: ConsentGate): Client {
  Sentry.init({
    // Consent is part of the product, so the baseline waits for it too (Sentry's own fetch transport).
    ...(consentGate && { transport: consentGate.wrap(Sentry.makeFetchTransport) }),
    dsn: settings.dsn,
    release: resolveRelease(settings, window),
    environment: settings.environment,
    debug: settings.debug,
    ignoreErrors: settings.ignoreErrors,
    denyUrls: settings.ignoreUrls,
    allowUrls: settings.whitelistUrls,
    ...(__NAIVE_REPLAY__ && {
      integrations: [Sentry.replayIntegration()],
      replaysSessionSampleRate: settings.replaysSessionSampleRate,
      replaysOnErrorSampleRate: settings.replaysOnErrorSampleRate,
    }),
    beforeSend(event: ErrorEvent) {
      const release = resolveRelease(settings, window);
      if (release) event.release = release;
      if (settings.logger) event.logger = settings.logger;
      if (settings.serverName) event.server_name = settings.serverName;
      return event;
    },
  });
  return Sentry.getClient() as Client;
}
