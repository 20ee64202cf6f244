import { captureException, captureMessage, flush, getCurrentScope } from '@sentry/core';
import { categoryPreferencesOf } from '../consent/consent';
import { attempt } from '../sentry/guard';
import { hearConsent, keep, type LoaderHandoff } from '../loader/protocol';
import { log } from '../sentry/log';
import type { SegmentSentryApi } from '../public-types';
import { parseSettings } from '../settings/settings';
import type { ReplayKept } from '../sentry/early-errors';
import { startSentry, type Started } from './start-sentry';

export type { SegmentSentryApi };

export interface GlobalApi {
  api: SegmentSentryApi;
  /** init() with a name for the settings' source, used in messages, and the page-level settings element's text to set over them. */
  start(settings: unknown, source: string, pageSettings?: string): boolean;
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
  earlyErrors: { sendAndStop(replay: ReplayKept): void };
}

export const SET_CONSENT_USAGE = 'setConsent takes {"<category>": true | false, …}; ignored';

const textOf = (message: unknown) => (typeof message === 'string' ? message : String(message));

export function createGlobalApi({ version, ownScriptUrl, earlyErrors, handoff }: GlobalApiParts): GlobalApi {
  let started: Started | undefined;
  // Captures made before start-up (the loader's first, then ours) are kept in the loader protocol's list, up to its
  // one cap, each with the consent in force when it was made; once Sentry starts, the consent gate decides on
  // each from that alone (consent-transport.ts, replay). The loader's flushes wait there too (replay-loader-calls.ts).
  if (handoff.badConsent) log.warn(SET_CONSENT_USAGE);
  const whenStarted = (method: 'captureException' | 'captureMessage', value: unknown) => void keep(handoff.calls, [method, [value], handoff.consent]);

  function start(settings: unknown, source: string, pageSettings?: string): boolean {
    return (
      attempt('SegmentSentry.init', () => {
        if (started) {
          log.warn(`${source}: Sentry is already running with the first settings; these are ignored`);
          return false;
        }
        const { settings: parsed, problems } = parseSettings(settings, source, pageSettings);
        for (const problem of problems) log[problem.level](problem.message);
        if (!parsed) return false;
        // From now on consent goes to the gate as it comes; until now it was heard into handoff.consent.
        const now = startSentry(parsed, { ownScriptUrl, handoff, preferences: categoryPreferencesOf(handoff.consent.given) });
        started = now;
        const replay: ReplayKept = (consent, capture) =>
          void attempt('replaying what was kept', () => (now.consentGate ? now.consentGate.replay(categoryPreferencesOf(consent.given), capture) : capture()));
        earlyErrors.sendAndStop(replay);
        const kept = handoff.calls;
        handoff.calls = kept.filter((call) => call[0] === 'flush');
        for (const call of kept) {
          if (call[0] === 'captureException') replay(call[2], (eventId) => captureException(call[1][0], { event_id: eventId }));
          else if (call[0] === 'captureMessage') replay(call[2], (eventId) => getCurrentScope().captureMessage(textOf(call[1][0]), undefined, { event_id: eventId }));
        }
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
        whenStarted('captureException', error);
        return undefined;
      });
    },
    captureMessage(message) {
      return attempt('SegmentSentry.captureMessage', () => {
        const text = textOf(message);
        if (started) return captureMessage(text);
        whenStarted('captureMessage', text);
        return undefined;
      });
    },
    setConsent(categoryPreferences) {
      attempt('SegmentSentry.setConsent', () => {
        const given = categoryPreferencesOf(categoryPreferences);
        if (!given) log.warn(SET_CONSENT_USAGE);
        else if (started) started.consentGate?.update(given);
        else hearConsent(handoff, given);
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
