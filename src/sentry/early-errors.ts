import { captureException } from '@sentry/core';
import { attempt } from './guard';
import { keep, listenForErrors, type KeptError } from '../loader/protocol';

/**
 * Errors thrown before Sentry starts (the settings element further down the page, init() called
 * late, or everything the loader saw before the full bundle ran) would otherwise be lost. They are
 * kept from the moment our script runs, up to the loader protocol's one cap in all (what the loader
 * kept counts), and sent with their original stack once Sentry's own handlers take over.
 */
export function collectEarlyErrors(target: Window, seenByLoader: KeptError[] = []): { sendAndStop(): void } {
  const kept: KeptError[] = [];
  for (const error of seenByLoader) keep(kept, error);
  const stop = listenForErrors(target, (error) => void attempt('keeping an early error', () => keep(kept, error)));
  return {
    sendAndStop() {
      stop();
      for (const [handler, error] of kept.splice(0)) {
        captureException(error, { mechanism: { type: `auto.browser.global_handlers.${handler}`, handled: false } });
      }
    },
  };
}
