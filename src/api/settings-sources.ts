import { keepAnalyticsCalls, MAX_KEPT, type LoaderHandoff } from '../loader/protocol';
import { SEGMENT_APP_SOURCE, SEGMENT_SETTINGS_WAIT_MS, whenSegmentSettings } from '../segment/segment-app-settings';
import { attempt } from '../sentry/guard';
import { log } from '../sentry/log';
import { SETTINGS_ELEMENT_SOURCE, whenSettingsElement } from '../settings/settings-element';
import type { GlobalApi } from './global-api';

/**
 * Where the settings come from (README «On your page»): the settings element, alone and at once, where the page has
 * one; else the Segment app's settings for this source, as analytics.js brings them; and SegmentSentry.init(settings)
 * in either case. Whichever comes first starts Sentry; the Segment app's then do nothing.
 */
export function startFromSettingsSources(win: Window, version: string, handoff: LoaderHandoff, { start, isStarted }: Pick<GlobalApi, 'start' | 'isStarted'>): void {
  whenSettingsElement(
    win.document,
    (text) => start(text, SETTINGS_ELEMENT_SOURCE),
    () => {
      // Until the settings come, analytics.js calls are kept, as the loader keeps them (the snippet's first page call).
      attempt('connecting analytics.js', () => keepAnalyticsCalls(win, handoff));
      whenSegmentSettings(
        win,
        version,
        (document) => void (isStarted() || start(document, SEGMENT_APP_SOURCE)),
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
