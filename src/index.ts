import { collectEarlyErrors } from './early-errors';
import { createGlobalApi } from './global-api';
import { attempt } from './guard';
import { log } from './log';
import { currentScriptUrl } from './own-frames';
import { SETTINGS_ELEMENT_SOURCE, whenSettingsElement } from './settings-element';

attempt('start-up', () => {
  if (window.SegmentSentry) {
    log.warn('the bundle was included twice; the second copy does nothing');
    return;
  }
  const { api, start } = createGlobalApi({
    version: __SEGMENT_SENTRY_VERSION__,
    ownScriptUrl: currentScriptUrl(document),
    earlyErrors: collectEarlyErrors(window),
  });
  window.SegmentSentry = api;
  whenSettingsElement(document, (text) => start(text, SETTINGS_ELEMENT_SOURCE));
});
