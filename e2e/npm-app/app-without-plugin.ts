// The fixture app without segment-sentry: what the plugin's first-chunk cost is measured against.
import { AnalyticsBrowser } from '@segment/analytics-next';

const config = (window as unknown as { appConfig: { writeKey: string } }).appConfig;
export const analytics = AnalyticsBrowser.load({ writeKey: config.writeKey, cdnURL: location.origin }, { integrations: { Sentry: false } });
(window as unknown as { app: unknown }).app = { analytics };
