import { getCurrentScope, getIsolationScope, setUser, type Client } from '@sentry/core';
import { connectAnalytics } from '../segment/analytics-bridge';
import type { CategoryPreferences } from '../consent/consent';
import { createConsentGate, type ConsentGate } from '../consent/consent-transport';
import type { LoaderHandoff } from '../loader/protocol';
import { startSentryClient } from '../sentry/sentry-client';
import type { Settings } from '../settings/settings';

export interface StartParts {
  /** Where this bundle was loaded from; its frames are removed from stack traces. */
  ownScriptUrl: string | undefined;
  /** What the loader kept (or the full bundle itself, without the loader) before start-up. */
  handoff: LoaderHandoff;
  /** The visitor's consent as known before start-up (setConsent called early). */
  preferences: CategoryPreferences | undefined;
  /** Consent stamped on analytics.js calls (Segment's consent tools) goes here, like setConsent. */
  onConsent: (preferences: CategoryPreferences) => void;
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
export function startSentry(settings: Settings, { ownScriptUrl, handoff, preferences, onConsent }: StartParts): Started {
  const consentGate =
    settings.consentCategories.length > 0 ? createConsentGate(settings.consentCategories, preferences, forgetVisitor) : undefined;
  const client = startSentryClient(settings, ownScriptUrl, consentGate);
  // The gate hears consent at once: connecting replays what the loader kept (stamped calls among it) before
  // this function has returned, so before the global API knows the gate.
  const applyConsent = (preferences: CategoryPreferences) => {
    onConsent(preferences);
    consentGate?.update(preferences);
  };
  connectAnalytics(window, settings.globalAnalyticsKey, handoff, applyConsent);
  return { client, consentGate };
}
