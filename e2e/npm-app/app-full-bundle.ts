// The measuring stick for the plugin's Sentry chunk (scripts/build/plugin-cost.mjs): the full bundle, split off by
// the same app build as the plugin's Sentry part is, so minified by the same bundler's minifier.
// @ts-expect-error (a script bundle, without types of its own here; and dist/ may not be built when this is checked)
void import('../../dist/segment-sentry.min.js');
