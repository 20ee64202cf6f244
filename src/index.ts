import { collectEarlyErrors } from './early-errors';
import { createGlobalApi } from './global-api';
import { attempt } from './guard';
import { loaderHandoffOf } from './loader-handoff';
import { log } from './log';
import { currentScriptUrl } from './own-frames';
import { SETTINGS_ELEMENT_SOURCE, whenSettingsElement } from './settings-element';

attempt('start-up', () => {
  // The loader leaves what it kept for us; anything else already there is a second copy of this bundle.
  const handoff = loaderHandoffOf(window.SegmentSentry);
  if (window.SegmentSentry && !handoff) {
    log.warn('the bundle was included twice; the second copy does nothing');
    return;
  }
  const earlyErrors = collectEarlyErrors(window, handoff?.errors);
  handoff?.stop(); // our listeners are in place: no gap, and no error seen twice
  const { api, start } = createGlobalApi({
    version: __SEGMENT_SENTRY_VERSION__,
    ownScriptUrl: currentScriptUrl(document),
    earlyErrors,
    handoff,
  });
  window.SegmentSentry = api;
  whenSettingsElement(document, (text) => start(text, SETTINGS_ELEMENT_SOURCE));
  // Calls made to the loader, in order, after the settings element had its turn.
  for (const [method, args, settle] of handoff?.calls.splice(0) ?? []) {
    attempt(`replaying SegmentSentry.${method}`, () => {
      const result = (api as unknown as Record<string, (...values: unknown[]) => unknown>)[method]?.(...args);
      settle?.(result);
    });
  }
});
