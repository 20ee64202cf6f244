/** Set by esbuild from package.json. */
declare const __SEGMENT_SENTRY_VERSION__: string;
