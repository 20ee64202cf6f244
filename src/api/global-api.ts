import { captureException, captureMessage, flush } from '@sentry/core';
import { categoryPreferencesOf, type CategoryPreferences } from '../consent/consent';
import { attempt } from '../sentry/guard';
import { keep, type LoaderHandoff } from '../loader/protocol';
import { log } from '../sentry/log';
import type { SegmentSentryApi } from '../public-types';
import { parseSettings } from '../settings/settings';
import { startSentry, type Started } from './start-sentry';

export type { SegmentSentryApi };

export interface GlobalApi {
  api: SegmentSentryApi;
  /** init() with a name for the settings' source, used in messages. */
  start(settings: unknown, source: string): boolean;
  /** Whether Sentry has started (from whichever source came first). */
  isStarted(): boolean;
}

/** What the global API is built from. */
export interface GlobalApiParts {
  version: string;
  /** What the loader kept (or the full bundle itself, without the loader) before start-up. */
  handoff: LoaderHandoff;
  /** Where this bundle was loaded from; its frames are removed from stack traces. */
  ownScriptUrl: string | undefined;
  earlyErrors: { sendAndStop(): void };
}

export function createGlobalApi({ version, ownScriptUrl, earlyErrors, handoff }: GlobalApiParts): GlobalApi {
  let started: Started | undefined;
  // Calls made before start-up are kept (the loader protocol's one cap) with the consent in force when they
  // were made, and replayed under it once Sentry starts: a capture made after a "no" stays unsent though a
  // "yes" came later, whichever of them came before the settings.
  const pending: Array<[call: () => void, consent: CategoryPreferences | undefined]> = [];
  // The latest consent preferences (setConsent, or analytics.js calls), kept from before start-up too.
  let preferences: CategoryPreferences | undefined;

  function applyConsent(given: CategoryPreferences): void {
    preferences = given;
    started?.consentGate?.update(given);
  }

  const whenStarted = (call: () => void) => void keep(pending, [call, preferences]);

  function start(settings: unknown, source: string): boolean {
    return (
      attempt('SegmentSentry.init', () => {
        if (started) {
          log.warn(`${source}: Sentry is already running with the first settings; these are ignored`);
          return false;
        }
        const { settings: parsed, problems } = parseSettings(settings, source);
        for (const problem of problems) log[problem.level](problem.message);
        if (!parsed) return false;
        const kept = pending.splice(0);
        // Sentry starts under the consent the first kept call was made with (unknown, if none was given yet).
        started = startSentry(parsed, { ownScriptUrl, handoff, preferences: kept.length ? kept[0]![1] : preferences, onConsent: applyConsent });
        earlyErrors.sendAndStop();
        for (const [call, consent] of kept) {
          if (consent) started.consentGate?.update(consent);
          attempt('replaying a queued call', call);
        }
        if (preferences) started.consentGate?.update(preferences);
        return true;
      }) ?? false
    );
  }

  const api: SegmentSentryApi = {
    version,
    init: (settings) => start(settings, 'SegmentSentry.init(settings)'),
    captureException(error) {
      return attempt('SegmentSentry.captureException', () => {
        if (started) return captureException(error);
        whenStarted(() => captureException(error));
        return undefined;
      });
    },
    captureMessage(message) {
      return attempt('SegmentSentry.captureMessage', () => {
        const text = typeof message === 'string' ? message : String(message);
        if (started) return captureMessage(text);
        whenStarted(() => captureMessage(text));
        return undefined;
      });
    },
    setConsent(categoryPreferences) {
      attempt('SegmentSentry.setConsent', () => {
        const given = categoryPreferencesOf(categoryPreferences);
        if (given) applyConsent(given);
        else log.warn('setConsent takes {"<category>": true | false, …}; ignored');
      });
    },
    forceLoad() {
      // Only the loader loads something; the full bundle is already here.
    },
    flush(timeoutMs) {
      return (
        attempt('SegmentSentry.flush', () => (started ? flush(timeoutMs) : Promise.resolve(false))) ??
        Promise.resolve(false)
      );
    },
  };
  return { api, start, isStarted: () => started !== undefined };
}
