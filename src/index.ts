import { collectEarlyErrors } from './sentry/early-errors';
import { createGlobalApi } from './api/global-api';
import { attempt } from './sentry/guard';
import { loaderHandoffOf, ownHandoff } from './loader/protocol';
import { settleLoaderFlushes } from './api/replay-loader-calls';
import { log } from './sentry/log';
import { currentScriptUrl } from './sentry/own-frames';
import { startFromSettingsSources } from './api/settings-sources';

attempt('start-up', () => {
  // The loader leaves what it kept for us; anything else already there is a second copy, or not ours.
  const fromLoader = loaderHandoffOf(window.SegmentSentry);
  if (window.SegmentSentry && !fromLoader) {
    log.warn('SegmentSentry is already defined (segment-sentry included twice, or another script uses the name); this copy does nothing');
    return;
  }
  const handoff = fromLoader ?? ownHandoff();
  const earlyErrors = collectEarlyErrors(window, handoff);
  handoff.stop(); // our listeners are in place: no gap, and no error seen twice
  // The nonce our tag came with (a loader's, or the page's own), for the extra files' tags (sentry/extra-files.ts).
  handoff.nonce = (document.currentScript as HTMLScriptElement | null)?.nonce;
  const globalApi = createGlobalApi({
    version: __SEGMENT_SENTRY_VERSION__,
    ownScriptUrl: currentScriptUrl(document),
    earlyErrors,
    handoff,
  });
  const { api } = globalApi;
  window.SegmentSentry = api;
  // A page that saved the loader's API (or one of its methods) reaches this one through it from now on.
  handoff.api = api;
  startFromSettingsSources(window, __SEGMENT_SENTRY_VERSION__, handoff, globalApi);
  settleLoaderFlushes(handoff, api);
});
