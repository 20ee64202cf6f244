import { getCurrentScope, getIsolationScope, setUser, type Client } from '@sentry/core';
import { connectAnalytics } from '../segment/analytics-bridge';
import { trackErrors } from '../segment/error-events';
import type { CategoryPreferences } from '../consent/consent';
import { createConsentGate, type ConsentGate } from '../consent/consent-transport';
import type { LoaderHandoff } from '../loader/protocol';
import { CONSENT_HOOK, extraFilesLoader, type ConsentHook } from '../sentry/extra-files';
import { startSentryClient } from '../sentry/sentry-client';
import type { Settings } from '../settings/settings';

export interface StartParts {
  /** Where this bundle was loaded from; its frames are removed from stack traces, and the extra files are beside it. */
  ownScriptUrl: string | undefined;
  /** What the loader kept (or the full bundle itself, without the loader) before start-up. */
  handoff: LoaderHandoff;
  /** The visitor's consent in force at start-up (undefined: not answered yet). */
  preferences: CategoryPreferences | undefined;
}

export interface Started {
  client: Client;
  /** Present when the settings ask for consent. */
  consentGate: ConsentGate | undefined;
}

/** The user and the breadcrumbs (Sentry keeps them on the isolation scope; a page's own code may use the current one). */
function forgetVisitor(): void {
  setUser(null);
  getIsolationScope().clearBreadcrumbs();
  getCurrentScope().clearBreadcrumbs();
}

/** Everything that runs once valid settings are known: the consent gate, the Sentry client, analytics.js. */
export function startSentry(settings: Settings, { ownScriptUrl, handoff, preferences }: StartParts): Started {
  // Tracing and Session Replay, where the settings turn them on: fetched once sending is allowed.
  const loadExtraFiles = extraFilesLoader(settings, handoff, ownScriptUrl);
  const consentGate =
    settings.consentCategories.length > 0
      ? createConsentGate(settings.consentCategories, preferences, forgetVisitor, (granted) =>
          ((client as unknown as ConsentHook).emit(CONSENT_HOOK, granted), granted && loadExtraFiles?.()),
        )
      : undefined;
  const errors = settings.trackErrors ? trackErrors(window, settings.globalAnalyticsKey, handoff) : undefined;
  const client = startSentryClient(settings, ownScriptUrl, consentGate, errors?.sent);
  if (!consentGate || consentGate.granted()) loadExtraFiles?.();
  // Consent analytics.js carries from now on (Segment's consent tools) goes to the gate as it comes.
  connectAnalytics(window, settings.globalAnalyticsKey, handoff, (given) => consentGate?.update(given), errors?.ours);
  return { client, consentGate };
}
