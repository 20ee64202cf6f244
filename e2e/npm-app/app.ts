// A fixture app as a site builds it with @segment/analytics-next from npm and segment-sentry/plugin: the README's
// recipe, with the writeKey, the CDN (Segment served locally, scripts/dev/local-segment.mjs) and what a scenario
// varies read from `window.appConfig`, which the test page sets before this module runs.
import { AnalyticsBrowser } from '@segment/analytics-next';
import { captureException, captureMessage, flush, segmentSentry, setConsent } from 'segment-sentry/plugin';
import { expose, type AppConfig } from './app-config';

const config = (window as unknown as { appConfig: AppConfig }).appConfig;
// An error and a rejection as the app starts: before any settings, before analytics-next has loaded anything.
if (config.throwAtStart) {
  setTimeout(() => {
    throw new Error(config.throwAtStart);
  });
  void Promise.reject(new Error(`${config.throwAtStart} (a rejection)`));
}

const plugin = segmentSentry(config.options);
// An analytics-next from before 1.70 hands a plugin's load an instance without settings.cdnSettings: stood in for
// by what its load gets (the instance's own parts), since npm has no such old build here.
const old = { on: () => undefined, VERSION: '1.69.0', settings: { writeKey: config.writeKey } };
export const analytics = config.oldAnalyticsNext
  ? void plugin.load({}, old)
  : AnalyticsBrowser.load({ writeKey: config.writeKey, cdnURL: location.origin, plugins: config.registerLater ? [] : [plugin] }, { integrations: { Sentry: false } });
if (config.registerLater) void analytics?.register(plugin);

expose(analytics, { captureException, captureMessage, flush, setConsent });
