// The fixture app with Segment's consent tools around the npm instance: `withCMP(new AnalyticsBrowser()).load(...)`,
// with a stub consent manager (window.cmp, set by the page) in the model `appConfig.consentModel` names.
import { AnalyticsBrowser } from '@segment/analytics-next';
import { createWrapper } from '@segment/analytics-consent-tools';
import { captureException, captureMessage, flush, segmentSentry, setConsent } from 'segment-sentry/plugin';
import { expose, type AppConfig } from './app-config';

interface Cmp {
  preferences: Record<string, boolean> | null;
  listeners: Array<(preferences: Record<string, boolean>) => void>;
}
const config = (window as unknown as { appConfig: AppConfig }).appConfig;
const cmp = (window as unknown as { cmp: Cmp }).cmp;

const withCMP = createWrapper({
  shouldLoadSegment: (ctx) =>
    new Promise((resolve) => {
      let loaded = false;
      const load = () => {
        if (!loaded) resolve(ctx.load({ consentModel: config.consentModel ?? 'opt-in' }));
        loaded = true;
      };
      if (cmp.preferences) load();
      else cmp.listeners.push(load);
    }),
  getCategories: () => cmp.preferences ?? {},
  registerOnConsentChanged: (onChange) => void cmp.listeners.push(onChange),
});

// (The wrapper replaces the instance's own load: the one AnalyticsBrowser is still the app's, with its own types.)
export const analytics = new AnalyticsBrowser();
withCMP(analytics);
analytics.load({ writeKey: config.writeKey, cdnURL: location.origin, plugins: [segmentSentry(config.options)] }, { integrations: { Sentry: false } });

expose(analytics, { captureException, captureMessage, flush, setConsent });
