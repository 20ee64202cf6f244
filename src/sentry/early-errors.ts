import { captureException } from '@sentry/core';
import { attempt } from './guard';
import { keep, listenForErrors, type ConsentMark, type KeptError, type LoaderHandoff } from '../loader/protocol';

/** Captures something kept before start-up (with the event id given) under the consent it happened with. */
export type ReplayKept = (consent: ConsentMark, capture: (eventId?: string) => void) => void;

/**
 * Errors thrown before Sentry starts (the settings element further down the page, init() called
 * late, or everything the loader saw before the full bundle ran) would otherwise be lost. They are
 * kept from the moment our script runs, up to the loader protocol's one cap in all (what the loader
 * kept counts), each with the consent in force when it happened, and sent with their original stack once
 * Sentry's own handlers take over.
 */
export function collectEarlyErrors(target: Window, handoff: LoaderHandoff): { sendAndStop(replay: ReplayKept): void } {
  const kept: KeptError[] = [];
  for (const error of handoff.errors) keep(kept, error);
  const stop = listenForErrors(target, handoff, (error) => void attempt('keeping an early error', () => keep(kept, error)));
  return {
    sendAndStop(replay) {
      stop();
      for (const [handler, error, consent] of kept.splice(0)) {
        replay(consent, (eventId) => captureException(error, { event_id: eventId, mechanism: { type: `auto.browser.global_handlers.${handler}`, handled: false } }));
      }
    },
  };
}
