// @ts-check
// Sentry's wrappers around the page's timers and listeners (browserApiErrors) capture an error and then
// rethrow it, so the page's own error handlers still see it. But a rethrow is an error thrown by our
// script: when ours comes from another origin (a CDN), WebKit then hands the page's handlers only
// "Script error." with no message, file or stack, crossorigin and CORS headers notwithstanding
// (WebKit bugs 132945, 151548; getsentry/sentry-javascript#4363). reportError() reports the error
// itself, as uncaught, to the same handlers in every engine, with its own details. Where it is missing
// (Safari before 15.4) the wrapper rethrows as before. Every wrapped function is one the browser calls
// (a timer, a listener, an XHR handler), for which reporting and rethrowing are the same to the page.

const HELPERS = /[\\/]@sentry[\\/]browser[\\/]build[\\/]npm[\\/]esm[\\/]prod[\\/]helpers\.js$/;
const RETHROW = /(captureException\(ex\);\s*\}\);\s*)throw ex;/;

/** @returns {import('./esbuild-sentry-source.mjs').SentrySourceTransform} */
export function reportInsteadOfRethrow() {
  let replaced = false;
  return {
    name: 'report-rethrow',
    reset: () => void (replaced = false),
    apply(path, source) {
      // GLOBAL_OBJ is the window (helpers.js imports it).
      if (!HELPERS.test(path) || !source.includes('GLOBAL_OBJ')) return source;
      return source.replace(RETHROW, (_match, captured) => {
        replaced = true;
        return `${captured}if (GLOBAL_OBJ.reportError) return void GLOBAL_OBJ.reportError(ex);\n      throw ex;`;
      });
    },
    missing: () => (replaced ? [] : ['the rethrow in wrap() (browser helpers.js)']),
  };
}
