// The naive baseline's stand-in for src/sentry/extra-files.ts, for `npm run bench` only: Sentry.init brings its own
// replayIntegration (bench/naive-sentry-client.ts), so nothing of ours is fetched.
export const CONSENT_REVOKED_HOOK = 'consentRevoked';
export const extraFilesLoader = (): undefined => undefined;
