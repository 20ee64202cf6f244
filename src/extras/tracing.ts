// dist/segment-sentry.tracing.min.js: tracing (page-load and navigation transactions with Web Vitals, sentry-trace
// and baggage to tracePropagationTargets), fetched by the full bundle when tracesSampleRate is on
// (src/sentry/extra-files.ts). Sentry's browserTracingIntegration, plus the site's own page names: a Segment page()
// call with a name names the page-load or navigation transaction it belongs to.
import { browserTracingIntegration, httpContextIntegration } from '@sentry/browser';
import { updateSpanName, type Client, type Span } from '@sentry/core';
import type { SegmentEvent } from '../loader/protocol';
import { installExtra } from './install';

/**
 * The page-load or navigation transaction under way, if any: the idle span browserTracingIntegration keeps on the
 * client (its `getActiveIdleSpan`, not exported) while it waits for the page to settle; once ended, it is no
 * longer recording.
 */
function pageTransaction(client: Client): Span | undefined {
  const span = (client as unknown as { _sentry_idleSpan?: Span })._sentry_idleSpan;
  return span && span.isRecording() ? span : undefined;
}

installExtra('tracing', (client) => {
  // The analytics bridge adds each page() call as a `segment.page` breadcrumb with the Segment event as its hint
  // (src/segment/analytics-bridge.ts): one that carries a name renames the transaction.
  client.on('beforeAddBreadcrumb', (breadcrumb, hint) => {
    const name = (hint as SegmentEvent | undefined)?.name;
    const transaction = breadcrumb.category === 'segment.page' && typeof name === 'string' && name ? pageTransaction(client) : undefined;
    if (transaction) updateSpanName(transaction, name as string);
  });
  // The full bundle's HttpContext integration handles events only (its span hook is cut,
  // scripts/build/esbuild-trim-sentry.mjs): this copy's puts the page's URL, user agent and the localhost mark on
  // each streamed span, which Sentry's inbound filters read.
  const httpContext = httpContextIntegration();
  client.on('processSpan', (span) => httpContext.processSpan?.(span, client));
  // No targets in the settings (an empty list once checked): Sentry's default, the page's own origin only; an empty
  // list given to Sentry would mean no request at all.
  const options = client.getOptions();
  if (!options.tracePropagationTargets?.length) delete options.tracePropagationTargets;
  return browserTracingIntegration();
});
