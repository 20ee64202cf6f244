import { captureException } from '@sentry/core';
import { attempt } from './guard';
import type { LoaderHandoff } from './loader-handoff';

// Enough to explain a broken start-up; bounded so a page that never starts Sentry cannot grow it.
const MAX_EARLY_ERRORS = 30;

type EarlyError = { error: unknown; mechanism: string };

/**
 * Errors thrown before Sentry starts (the settings element further down the page, init() called
 * late, or everything the loader saw before the full bundle ran) would otherwise be lost. They are
 * kept from the moment our script runs and sent, with their original stack, once Sentry's own
 * handlers take over.
 */
export function collectEarlyErrors(target: Window, seenByLoader: LoaderHandoff['errors'] = []): { sendAndStop(): void } {
  const kept: EarlyError[] = seenByLoader.map(([handler, error]) => ({ error, mechanism: `auto.browser.global_handlers.${handler}` }));
  const keep = (error: unknown, mechanism: string): void => {
    if (kept.length < MAX_EARLY_ERRORS) kept.push({ error, mechanism });
  };
  const onError = (event: ErrorEvent): void =>
    void attempt('keeping an early error', () => keep(event.error ?? event.message, 'auto.browser.global_handlers.onerror'));
  const onRejection = (event: PromiseRejectionEvent): void =>
    void attempt('keeping an early rejection', () => keep(event.reason, 'auto.browser.global_handlers.onunhandledrejection'));
  target.addEventListener('error', onError);
  target.addEventListener('unhandledrejection', onRejection);

  return {
    sendAndStop() {
      target.removeEventListener('error', onError);
      target.removeEventListener('unhandledrejection', onRejection);
      for (const { error, mechanism } of kept.splice(0)) {
        captureException(error, { mechanism: { type: mechanism, handled: false } });
      }
    },
  };
}
