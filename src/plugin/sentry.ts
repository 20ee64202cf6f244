// The plugin's Sentry part: the chunk that index.ts brings with a dynamic import(), after the page's load event at
// idle or at once on the first error. It starts Sentry through the full bundle's own start path (api/global-api.ts,
// api/start-sentry.ts), from what index.ts kept in the loader's protocol, as src/index.ts does from the loader's.
import { createGlobalApi } from '../api/global-api';
import { settleLoaderFlushes } from '../api/replay-loader-calls';
import { MAX_KEPT } from '../loader/protocol';
import { SEGMENT_APP_SOURCE, SEGMENT_SETTINGS_WAIT_MS } from '../segment/segment-app-settings';
import { collectEarlyErrors } from '../sentry/early-errors';
import { attempt } from '../sentry/guard';
import { log } from '../sentry/log';
import type { PluginHandoff } from './handoff';

declare const __SEGMENT_SENTRY_VERSION__: string;

export const OPTIONS_SOURCE = 'segmentSentry({ settings })';
/** The first analytics-next release that hands a plugin's load the settings document it fetched. */
export const FIRST_SUPPORTED_ANALYTICS_NEXT = '1.70';

/**
 * Where the settings come from: `options.settings`, alone and as soon as the plugin is made; else the Segment app's
 * settings document, as analytics-next hands it to the plugin's load (`analytics.settings.cdnSettings`, which
 * segment/segment-app-settings.ts reads on script pages), with `options.pageSettings` set over it.
 */
export function startPlugin(handoff: PluginHandoff): void {
  attempt('start-up', () => {
    const earlyErrors = collectEarlyErrors(window, handoff);
    handoff.stop(); // our listeners are in place: no gap, and no error seen twice
    // Stack frames from this chunk are ours, wherever the app's bundler put it.
    const globalApi = createGlobalApi({ version: __SEGMENT_SENTRY_VERSION__, ownScriptUrl: import.meta.url, earlyErrors, handoff });
    // index.ts's named exports forward here from now on.
    handoff.api = globalApi.api;
    // Tracing and Session Replay, where the settings turn them on (sentry/extra-files.ts): modules beside this one
    // (esbuild.config.mjs builds them from src/extras/), which the app's bundler makes chunks of their own, fetched
    // only then. (No SRI here: the app's build makes and serves its chunks.)
    handoff.importExtra = (name) =>
      name == 'tracing'
        ? // @ts-expect-error: dist/plugin/tracing.mjs, built beside this module's dist/plugin/sentry.mjs
          import('./tracing.mjs')
        : // @ts-expect-error: dist/plugin/replay.mjs, likewise
          import('./replay.mjs');
    const waiting: Array<(instance: object) => void> = [];
    handoff.whenInstance = (then) => void (handoff.instance ? attempt('connecting analytics-next', () => then(handoff.instance!)) : waiting.push(then));
    let chosen = false;
    const settle = () =>
      attempt('reading the settings', () => {
        const { options, instance } = handoff;
        if (instance) for (const then of waiting.splice(0)) attempt('connecting analytics-next', () => then(instance));
        if (chosen || !options) return;
        if (options.settings !== undefined) return void ((chosen = true), globalApi.start(options.settings, OPTIONS_SOURCE));
        if (!instance) return;
        chosen = true;
        const document = instance.settings?.cdnSettings;
        if (document === undefined) {
          return log.error(
            `@segment/analytics-next ${instance.VERSION ?? '(version unknown)'} gave the plugin no settings document (analytics.settings.cdnSettings, there from ${FIRST_SUPPORTED_ANALYTICS_NEXT} on): ` +
              `update it, or pass segmentSentry({ settings }); Sentry was not started`,
          );
        }
        globalApi.start(document, SEGMENT_APP_SOURCE, options.pageSettings ? JSON.stringify(options.pageSettings) : undefined);
      });
    handoff.changed = settle;
    settle();
    settleLoaderFlushes(handoff, globalApi.api);
    const afterLoad = () =>
      setTimeout(
        () =>
          attempt('reading the settings', () => {
            if (chosen) return;
            log.warn(
              `no settings yet: ${handoff.options ? 'analytics-next has not loaded the segmentSentry() plugin' : 'segmentSentry() was not called'} ` +
                `${SEGMENT_SETTINGS_WAIT_MS / 1000} s after the page's load event (not in AnalyticsBrowser.load's plugins, or analytics-next held back by a consent manager?); ` +
                `errors are kept (up to ${MAX_KEPT}) until the settings come`,
            );
          }),
        SEGMENT_SETTINGS_WAIT_MS,
      );
    if (document.readyState === 'complete') afterLoad();
    else window.addEventListener('load', afterLoad, { once: true });
  });
}
