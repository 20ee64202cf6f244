// The README's recipe as written, beside app-without-plugin.ts (the same app without it): what
// scripts/build/plugin-cost.mjs measures.
import { AnalyticsBrowser } from '@segment/analytics-next';
import { segmentSentry } from 'segment-sentry/plugin';

const config = (window as unknown as { appConfig: { writeKey: string } }).appConfig;
export const analytics = AnalyticsBrowser.load({ writeKey: config.writeKey, cdnURL: location.origin, plugins: [segmentSentry()] }, { integrations: { Sentry: false } });
(window as unknown as { app: unknown }).app = { analytics };
