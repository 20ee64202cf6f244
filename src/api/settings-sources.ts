import { keepAnalyticsCalls, MAX_KEPT, type LoaderHandoff } from '../loader/protocol';
import { untilAnalyticsConnects } from '../segment/analytics-arrival';
import { SEGMENT_APP_SOURCE, SEGMENT_SETTINGS_WAIT_MS, whenSegmentSettings } from '../segment/segment-app-settings';
import { log } from '../sentry/log';
import { PAGE_SETTINGS_ELEMENT_ID, SETTINGS_ELEMENT_SOURCE, whenSettingsElement } from './settings-element';
import type { GlobalApi } from './global-api';

export const INIT_SOURCE = 'SegmentSentry.init(settings)';

/**
 * Where the settings come from, in this order (README «On your page»): the settings element, alone and at once, where
 * the page has one; else the page's own SegmentSentry.init(settings), made before Sentry started, whether the
 * loader kept it or the page calls it now; else the Segment app's settings for this source, as analytics.js
 * brings them. The page's own wins over the Segment app's whatever the timing: an init the loader kept is
 * applied before the Segment app's are even asked for, and once Sentry runs the Segment app's do nothing.
 */
export function startFromSettingsSources(win: Window, version: string, handoff: LoaderHandoff, { start, isStarted }: Pick<GlobalApi, 'start' | 'isStarted'>): void {
  const keptInit = () => {
    const init = handoff.init;
    delete handoff.init;
    if (init) start(init[0], INIT_SOURCE);
  };
  whenSettingsElement(
    win.document,
    (text) => {
      start(text, SETTINGS_ELEMENT_SOURCE);
      keptInit(); // (said to be ignored, as a second init is)
    },
    () => {
      keptInit();
      // Until the settings come, analytics.js calls are kept, as the loader keeps them (the snippet's first page call).
      untilAnalyticsConnects(win, () => (keepAnalyticsCalls(win, handoff), handoff.registered != null || isStarted()));
      whenSegmentSettings(
        win,
        version,
        // The page's own page-level settings (trackErrors, …; settings.ts) go over the Segment app's, which has no field for them.
        (document) => void (isStarted() || start(document, SEGMENT_APP_SOURCE, win.document.getElementById(PAGE_SETTINGS_ELEMENT_ID)?.textContent ?? undefined)),
        (why) =>
          void (
            isStarted() ||
            log.warn(
              `no settings yet: no ${SETTINGS_ELEMENT_SOURCE}, and ${why} ${SEGMENT_SETTINGS_WAIT_MS / 1000} s after the page's load event; ` +
                `errors are kept (up to ${MAX_KEPT}) until analytics.js brings the settings or SegmentSentry.init(settings) is called`,
            )
          ),
      );
    },
  );
}
