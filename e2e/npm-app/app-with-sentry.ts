// The fixture app with its own @sentry/browser beside the plugin: the app's Sentry, on its own DSN
// (`appConfig.appSentryDsn`), must keep its own client and scope (window.__SENTRY__ is the app's; ours is isolated).
import * as Sentry from '@sentry/browser';
import { AnalyticsBrowser } from '@segment/analytics-next';
import { captureException, captureMessage, flush, segmentSentry, setConsent } from 'segment-sentry/plugin';
import { expose, type AppConfig } from './app-config';

const config = (window as unknown as { appConfig: AppConfig & { appSentryDsn: string } }).appConfig;
Sentry.init({ dsn: config.appSentryDsn, release: 'the-apps-own@1', defaultIntegrations: false, integrations: [Sentry.globalHandlersIntegration()] });
Sentry.setTag('whose', 'the app');

export const analytics = AnalyticsBrowser.load(
  { writeKey: config.writeKey, cdnURL: location.origin, plugins: [segmentSentry(config.options)] },
  { integrations: { Sentry: false } },
);
(window as unknown as { appSentry: unknown }).appSentry = Sentry;
expose(analytics, { captureException, captureMessage, flush, setConsent });
