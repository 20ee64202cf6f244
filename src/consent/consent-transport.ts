import { uuid4, type Envelope, type Transport, type TransportMakeRequestResponse } from '@sentry/core';
import { consentState, type CategoryPreferences, type ConsentState } from './consent';
// The same cap as what the loader and early-errors keep: enough to explain what happened before the
// visitor answered, bounded so a page that never asks cannot grow it.
import { MAX_KEPT } from '../loader/protocol';
import { emptyOfflineQueue } from '../sentry/offline-queue';
import type { TransportGate } from '../sentry/sentry-client';

export interface ConsentGate extends TransportGate {
  /** The visitor's latest preferences; the state follows from them (consent.ts). */
  update(preferences: CategoryPreferences): void;
  /**
   * Wraps a transport factory: its transport is made only once consent is granted. When consent is denied,
   * the offline queue (offline-queue.ts) is emptied.
   */
  wrap<O>(make: (options: O) => Transport): (options: O) => Transport;
  /**
   * For the transport under the offline queue: its retries call it directly, so a retry already under way
   * when consent is revoked must not go out either. Not granted: dropped (answered as sent, so nothing is queued).
   */
  enforce(transport: Transport): Transport;
  /** Whether sending (and storing offline) is allowed now: for a send already under way when consent goes. */
  granted(): boolean;
  /**
   * The one decision on what was kept before Sentry started (an uncaught error, a capture), from the consent in
   * force when it happened, whatever came after it and whenever its envelope arrives here. Denied then: never
   * captured. Granted then: captured and sent, also where the visitor said no before start-up (as a running
   * Sentry would have sent it then). Not answered then: the visitor's first answer decided for it
   * (protocol.ts, hearConsent), so that is unknown still, and it waits with the rest for the answer.
   */
  replay(preferences: CategoryPreferences | undefined, capture: (eventId: string) => void): void;
}

/**
 * Sentry waits for consent (docs/consent.md). Every envelope goes through here. Unknown: nothing is
 * sent and the real transport (fetch, the IndexedDB queue) is not even made; up to 30 events, the
 * page's first and latest session are kept, client reports are not. Granted: what was kept is sent
 * in order, then everything as usual. Denied or revoked: nothing is sent or kept, the offline queue
 * is emptied and the user cleared.
 */
export function createConsentGate(
  required: readonly string[],
  initial: CategoryPreferences | undefined,
  /**
   * Consent was denied (or revoked), or granted again after a denial: what the page holds about the visitor
   * goes (the Sentry user, and breadcrumbs: those of the granted time at the "no", those of the denied time at
   * a later "yes").
   */
  forgetVisitor: () => void,
  /** Told of each change to granted (true) or denied (false). */
  changed?: (granted: boolean) => void,
): ConsentGate {
  let state: ConsentState = consentState(required, initial);
  let keptEvents: Envelope[] = [];
  let firstSession: Envelope | undefined;
  let latestSession: Envelope | undefined;
  // The event ids replay let through, granted when they happened: sent whatever the state when they arrive.
  const grantedThen = new Set<unknown>();
  const allowed = (envelope: Envelope) => state === 'granted' || grantedThen.has(envelope[0].event_id);
  let made: Transport | undefined;
  let make: (() => Transport) | undefined;
  const transport = () => (made ??= (make as () => Transport)());

  const dropKept = () => {
    keptEvents = [];
    firstSession = latestSession = undefined;
  };
  const deny = () => {
    dropKept();
    forgetVisitor();
    // Last: where storage is disabled, indexedDB is null (Firefox) or throws, and nothing was stored anyway.
    try {
      emptyOfflineQueue();
    } catch {
      // Nothing can have been written where IndexedDB cannot be opened.
    }
  };
  const keep = (envelope: Envelope) => {
    const type = envelope[1][0]?.[0].type;
    if (type === 'event' && keptEvents.length < MAX_KEPT) keptEvents.push(envelope);
    else if (type === 'session') firstSession ? (latestSession = envelope) : (firstSession = envelope);
  };

  return {
    update(preferences) {
      const before = state;
      state = consentState(required, preferences);
      if (state === before) return;
      if (state !== 'unknown') changed?.(state === 'granted');
      if (state === 'denied') return deny();
      if (before === 'denied') forgetVisitor();
      const held = [firstSession, ...keptEvents, latestSession];
      dropKept();
      // Nobody waits for these sends: a failure (one that may no longer be stored, after a revocation) ends here,
      // never as an unhandled rejection on the page.
      for (const envelope of held) if (envelope && make) transport().send(envelope).then(undefined, () => undefined);
    },
    granted: () => state === 'granted',
    replay(preferences, capture) {
      const then = consentState(required, preferences);
      if (then === 'denied') return;
      // Known before the capture: its envelope may reach the gate before capture returns.
      const eventId = uuid4();
      if (then === 'granted') grantedThen.add(eventId);
      capture(eventId);
    },
    enforce: (inner) => ({
      send: (envelope) => (allowed(envelope) ? (grantedThen.delete(envelope[0].event_id), inner.send(envelope)) : Promise.resolve({})),
      flush: (timeout) => inner.flush(timeout),
    }),
    wrap: (factory) => (options) => {
      make = () => factory(options);
      if (state === 'denied') deny();
      return {
        send(envelope): PromiseLike<TransportMakeRequestResponse> {
          if (allowed(envelope)) return transport().send(envelope);
          if (state === 'unknown') keep(envelope);
          return Promise.resolve({});
        },
        // true once nothing waits: what is kept for consent counts as waiting.
        flush: (timeout) => (made ? made.flush(timeout) : Promise.resolve(state !== 'unknown' || !(firstSession || keptEvents.length))),
      };
    },
  };
}
