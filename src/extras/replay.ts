// dist/segment-sentry.replay.min.js: Session Replay, fetched by the full bundle when replaysSessionSampleRate or
// replaysOnErrorSampleRate is on (src/sentry/extra-files.ts). Sentry's replayIntegration with its privacy defaults
// (all text masked, all media blocked) and the rates from our client's options; a "no" to consent stops it and
// drops what it holds.
import { replayIntegration } from '@sentry/browser';
import { installExtra } from './install';

installExtra(
  'Session Replay',
  () => replayIntegration(),
  (integration) => {
    const replay = integration as ReturnType<typeof replayIntegration>;
    // Stopping ends the session and throws its buffer away (nothing more is recorded or kept); whatever a session in
    // full recording would flush on the way out is dropped by the consent gate, which now says no.
    void replay.stop().then(undefined, () => undefined);
  },
);
