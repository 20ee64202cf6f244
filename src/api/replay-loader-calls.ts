import type { LoaderHandoff } from '../loader/protocol';
import type { SegmentSentryApi } from '../public-types';
import { attempt } from '../sentry/guard';

/**
 * The SegmentSentry calls the loader kept, replayed after the settings element had its turn: the latest init,
 * then each capture under the consent given when it was made (so a grant, captures, then a "no" replay as they
 * happened), then the latest consent. flush: the loader's promise settles with the result, unless its own
 * timeout came first.
 */
export function replayLoaderCalls(handoff: LoaderHandoff, api: SegmentSentryApi): void {
  if (handoff.init) attempt('replaying SegmentSentry.init', () => api.init(...(handoff.init as [never])));
  let consent: unknown[] | undefined;
  const consentTo = (given: unknown[] | undefined) => {
    if (given && given !== consent) attempt('replaying SegmentSentry.setConsent', () => api.setConsent(...(given as [never])));
    consent = given;
  };
  for (const call of handoff.calls.splice(0)) {
    attempt(`replaying SegmentSentry.${call[0]}`, () => {
      if (call[0] == 'flush') return void api.flush(...(call[1] as [number?])).then(call[2]);
      consentTo(call[2]);
      api[call[0]](...(call[1] as [unknown]));
    });
  }
  consentTo(handoff.consentCall);
}
