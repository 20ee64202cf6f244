/** Set by esbuild from package.json. */
declare const __SEGMENT_SENTRY_VERSION__: string;
/** true only in the npm plugin's Sentry part (src/plugin/sentry.ts): its analytics-next instance; the full bundle drops that code. */
declare const __SEGMENT_SENTRY_NPM_PLUGIN__: boolean;
