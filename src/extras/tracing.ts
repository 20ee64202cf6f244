// dist/segment-sentry.tracing.min.js: tracing (page-load and navigation transactions with Web Vitals, sentry-trace
// and baggage to tracePropagationTargets), fetched by the full bundle when tracesSampleRate is on
// (src/sentry/extra-files.ts). Sentry's browserTracingIntegration, plus the site's own page names: a Segment page()
// call with a name names the page-load or navigation transaction it belongs to.
import { browserTracingIntegration, httpContextIntegration } from '@sentry/browser';
import { generateTraceId, getCurrentScope, spanToJSON, timestampInSeconds, updateSpanName, type Client, type Span } from '@sentry/core';
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
  // The targets are one array, which a "no" empties in place and a "yes" fills again: browserTracingIntegration
  // keeps the array it finds at set-up and reads it at each request (@sentry/browser's instrumentOutgoingRequests).
  // No targets in the settings (an empty list once checked): Sentry's default, the page's own origin only, as a
  // target: it is matched against a same-origin request's path (always "/…") and a full URL (never "/…"), so it
  // matches exactly the page's own origin. (Left absent, there would be no array to empty.)
  const options = client.getOptions();
  const targets = options.tracePropagationTargets?.length ? options.tracePropagationTargets : [/^\//];
  options.tracePropagationTargets = targets;
  const granted = { targets: [...targets], tracesSampleRate: options.tracesSampleRate };
  // A span that started before the latest change of consent is not sent, whenever it ends: one from before a "no"
  // measured into it (a request's span waits up to 300 ms for its timing, a transaction for its children), and one
  // from a "no" measured what was refused (the Web Vitals observers run on: an interaction during the "no" is sent as
  // an INP span, with the interaction's own start, once the page is hidden after a "yes"). It is marked unsampled as
  // it ends ('spanEnd' comes before the span buffer and the transaction take it).
  let lastChange = -Infinity;
  client.on('spanEnd', (span) => {
    if (spanToJSON(span).start_timestamp <= lastChange) (span as unknown as { _sampled?: boolean })._sampled = false;
  });
  const consent = (yes: boolean) => {
    lastChange = timestampInSeconds();
    targets.splice(0, targets.length, ...(yes ? granted.targets : []));
    // Without a rate, the SDK starts no span at all (hasSpansEnabled): no transaction, no request span.
    options.tracesSampleRate = yes ? granted.tracesSampleRate : undefined;
    if (yes) return;
    // The page-load or navigation transaction under way ends now, unsent; what the span buffer holds of spans that
    // ended before the "no" goes to the transport while the consent gate says no, which drops it: none of it comes
    // after a later "yes" either.
    pageTransaction(client)?.end();
    client.emit('flush');
    // And a new trace: nothing measured or sent after a later "yes" (nor an error's trace context) carries the trace
    // of before the "no".
    getCurrentScope().setPropagationContext({ traceId: generateTraceId(), sampleRand: Math.random() });
  };
  return { integration: browserTracingIntegration(), consent };
});
