import type { LoaderHandoff } from '../loader/protocol';
import type { SegmentSentryApi } from '../public-types';
import { attempt } from '../sentry/guard';

/**
 * The flushes the loader kept, once the settings sources had their turn (the captures and init it kept went to
 * global-api.ts and settings-sources.ts): each loader promise settles with the full bundle's result, unless its
 * own timeout came first.
 */
export function settleLoaderFlushes(handoff: LoaderHandoff, api: SegmentSentryApi): void {
  // The captures stay: they wait in the list for whichever settings source starts Sentry (global-api.ts).
  const flushes = handoff.calls.filter((call) => call[0] === 'flush');
  handoff.calls = handoff.calls.filter((call) => call[0] !== 'flush');
  for (const call of flushes) {
    if (call[0] !== 'flush') continue;
    const settle = call[2];
    attempt('replaying SegmentSentry.flush', () => void api.flush(...(call[1] as [number?])).then(settle, () => settle(false)));
  }
}
