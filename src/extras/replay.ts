// dist/segment-sentry.replay.min.js: Session Replay, fetched by the full bundle when replaysSessionSampleRate or
// replaysOnErrorSampleRate is on (src/sentry/extra-files.ts). Sentry's replayIntegration with its privacy defaults
// (all text masked, all media blocked) and the rates from our client's options; a "no" to consent stops it and
// drops what it holds, a "yes" again starts it again.
import { replayIntegration, type BrowserOptions } from '@sentry/browser';
import { installExtra } from './install';

installExtra('Session Replay', (client, { granted, guard }) => {
  const replay = replayIntegration();
  return {
    integration: replay,
    consent(yes) {
      // A "no": the recording stops, its session ends and its buffer goes, pending segment included (flush: false;
      // stopped so, the stop is synchronous to its end, so a "yes" right after it finds the recorder stopped).
      if (!yes) return void replay.stop({ flush: false }).then(undefined, () => undefined);
      // A "yes" again on the same page: the visitor agreed again, so replay starts as on a page load, on the
      // integration it has: sampled again as Sentry samples a new session (the session went at the "no"),
      // recorded from now on. In a task of its own: a segment being sent at the "no" fails as the stop destroys its
      // worker, and that failure stops the recording again when it settles, which would end one started at once.
      setTimeout(() =>
        guard(() => {
          if (!granted()) return; // a "no" again meanwhile
          const { replaysSessionSampleRate = 0, replaysOnErrorSampleRate = 0 } = client.getOptions() as BrowserOptions;
          if (Math.random() < replaysSessionSampleRate) replay.start();
          else if (replaysOnErrorSampleRate > 0) replay.startBuffering();
        }),
      );
    },
  };
});
