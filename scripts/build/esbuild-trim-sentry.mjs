// @ts-check
// Cuts Sentry SDK functions this product can never reach (span, transaction and dynamic-sampling code:
// the bundle never starts a span) so that esbuild drops them and everything only they import; the
// SDK's v11 Client imports that code unconditionally, so tree shaking alone keeps all of it. A few
// functions whose answer is fixed for this bundle become that answer.
import { pathToFileURL } from 'node:url';
import { parse } from 'acorn';

/**
 * File (under node_modules/@sentry/) → function → what its body becomes.
 * - 'unreachable': only ever called with a span or a transaction event, which this bundle never has, or
 *   never called at all (a class's unused methods, which tree shaking cannot drop); the body throws (in
 *   production with one message for all, which compresses to almost nothing). The client's capture path swallows that throw without a word (its logging is
 *   compiled out), so a future SDK that reaches one would drop events silently: the build the e2e tests
 *   run (SEGMENT_SENTRY_BUILD=test) also writes `[segment-sentry] unreachable SDK code reached: <name>`
 *   with console.error first, and every test that sees that line fails (e2e/support/fixtures.ts). Against the
 *   silent case in production, every file involved is fingerprinted (esbuild-sentry-source.mjs).
 * - 'inert': called for every event but a no-op returning undefined unless spans exist.
 * - { constantFor: args }: always called with these arguments here, so its body becomes the value
 *   the SDK's own function returns for them, computed at build time from the file being bundled.
 * - { returns: expression }: its answer is the same in every browser we build for, or for every call this
 *   bundle makes (see the comment); the expression may name the function's parameters.
 * - { constant: expression }: a module-level constant (not a function) whose value this bundle never
 *   reads; its initializer becomes the expression.
 * - { body: code }: the SDK's function, written shorter for this bundle: the same result for every call it
 *   makes (each is tested against the SDK's own function in sentry-source-transforms.test.ts); `code` is the
 *   whole body, braces included, and may name the function's parameters and its module's imports.
 * The build fails when a listed function is no longer in its file (an SDK upgrade moved it).
 * @typedef {'unreachable' | 'inert' | { constantFor: unknown[] } | { returns: string } | { constant: string } | { body: string }} Trim
 * @type {Record<string, Record<string, Trim>>}
 */
export const TRIMMED_FUNCTIONS = {
  // Transactions only: the client converts and filters them before sending.
  'core/build/esm/utils/transactionEvent.js': {
    convertTransactionEventToSpanJson: 'unreachable',
    convertSpanJsonToTransactionEvent: 'unreachable',
  },
  'core/build/esm/utils/should-ignore-span.js': {
    shouldIgnoreSpan: 'unreachable',
    reparentChildSpans: 'unreachable',
  },
  'core/build/esm/tracing/spans/beforeSendSpan.js': {
    applyBeforeSendSpanCallback: 'unreachable',
  },
  // Returns undefined for any event that is not a transaction.
  'core/build/esm/tracing/spans/extractGenAiSpans.js': {
    extractGenAiSpansFromEvent: 'inert',
  },
  // Warns only about beforeSendTransaction / ignoreTransactions, options this bundle never sets.
  'core/build/esm/utils/warnAboutIgnoredTransactionOptions.js': {
    maybeWarnAboutIgnoredTransactionOptions: 'inert',
  },
  // prepareEvent applies a span to the event only when one is active: only where the tracing extra file runs
  // (src/extras/tracing.ts). Then an error keeps the trace of the scope's propagation context, which the page-load
  // or navigation transaction shares, without its span id; the transaction events carry their own trace context and
  // dynamic sampling context already (the SDK's span-to-transaction conversion sets both).
  // Attachments come only from Scope#addAttachment, which nothing here calls (below).
  'core/build/esm/utils/envelope.js': {
    createAttachmentEnvelopeItem: 'unreachable',
  },
  // Debug IDs (the `_sentryDebugIds` Sentry's bundler plugins put on a page, one per file of the site's own) become
  // the error event's debug_meta images, by which Sentry finds the source maps of the site's minified frames. The
  // same images in fewer bytes (tested against the SDK's own functions, sentry-source-transforms.test.ts): the map
  // from file name to Debug ID is made again for each error event rather than kept between events (one short stack
  // parsed per file of the site's that has a Debug ID), and the images are made as the Debug IDs are looked up,
  // before the event processors rather than after (ours only remove our own frames, which have none).
  'core/build/esm/utils/debug-ids.js': {
    getFilenameToDebugIdMap: {
      body: '{const map={};for(const ids of [GLOBAL_OBJ._sentryDebugIds,GLOBAL_OBJ._debugIds])for(const key in ids){const frame=ids[key]&&stackParser(key).reverse().find((frame)=>frame.filename);if(frame)map[frame.filename]=ids[key]}return map}',
    },
  },
  'core/build/esm/utils/prepareEvent.js': {
    applyDebugIds: {
      body: '{const map=getFilenameToDebugIdMap(stackParser),images=[];event.exception?.values?.forEach((exception)=>exception.stacktrace?.frames?.forEach(({filename:code_file})=>{const debug_id=map[code_file];if(debug_id&&!images.some((image)=>image.code_file==code_file))images.push({type:"sourcemap",code_file,debug_id})}));if(images[0])((event.debug_meta=event.debug_meta||{}).images=event.debug_meta.images||[]).push(...images)}',
    },
    applyDebugMeta: 'inert',
  },
  'core/build/esm/utils/scopeData.js': {
    applySpanToEvent: 'inert',
  },
  // Looks the error up in a map that only span code fills.
  'core/build/esm/utils/errorSpanAttribution.js': {
    applyEscapedErrorSpanToEvent: 'inert',
    recordEscapedErrorSpan: 'unreachable',
  },
  // The client's data-collection options: our client options never set `dataCollection`, so this always resolved
  // the SDK's defaults, through code for options (GraphQL, gen-AI, MCP, queues) that have no meaning in a browser
  // bundle. Only the three this bundle reads are kept, at the SDK's defaults (userInfo, httpHeaders.request; an
  // absent urlQueryParams reads as true); the extra files, which read more, put the SDK's whole defaults back
  // (src/extras/install.ts).
  'core/build/esm/utils/data-collection/resolveDataCollectionOptions.js': {
    resolveDataCollectionOptions: { returns: '{ userInfo: true, httpHeaders: { request: true } }' },
  },
  // "Can this browser fetch?": fetch, Headers, Request and Response are in every browser we build for
  // (Chrome 80, Firefox 74, Safari 14.1); constructing the three objects to find out cost start-up time.
  'core/build/esm/utils/supports.js': {
    _isFetchSupported: { returns: 'true' },
  },
  // beforeSend and the span options (ignoreSpans, beforeSendSpan, beforeSendTransaction) are never set by this
  // bundle: an error event, and a transaction of the tracing extra file's, come back as they went in (the SDK's own
  // path without them). The Client and Scope methods cut here are put back by the extra files that call them
  // (src/extras/install.ts, restoreTrimmed), from their own whole copy of the SDK.
  'core/build/esm/client.js': {
    processBeforeSend: { returns: 'event' },
    // Session aggregates (`sessions` items) are the server SDKs' (SessionFlusher): a browser sends one session at a
    // time, ours one per page load (src/sentry/page-session.ts). The SDK's path for a single session, as it is.
    sendSession: {
      body: '{const{release,environment=DEFAULT_ENVIRONMENT}=this._options;if(!session.release&&!release)return;session.release=session.release||release;session.environment=session.environment||environment;this.emit("beforeSendSession",session);this.sendEnvelope(createSessionEnvelope(session,this._dsn,this._options._metadata,this._options.tunnel))}',
    },
    // Only for a sampleRate option, which this bundle never sets (as parseSampleRate below).
    _makeSampledOutError: 'unreachable',
    // Why the client dropped an event, for its debug logging only (compiled out here): the marker alone is read.
    _makeInternalError: { returns: '{ [INTERNAL_ERROR_SYMBOL]: true }' },
    _makeDoNotSendEventError: { returns: '{ [DO_NOT_SEND_EVENT_SYMBOL]: true }' },
    // Client methods nothing in this bundle calls (as the Scope's below).
    addIntegration: 'unreachable',
    getIntegrationByName: 'unreachable',
    getSdkMetadata: 'unreachable',
    getTransport: 'unreachable',
    close: 'unreachable',
    dispose: 'unreachable',
    registerCleanup: 'unreachable',
  },
  // A single session's item (the SDK's own); aggregates never come here (Client#sendSession above).
  'core/build/esm/envelope.js': {
    createSessionEnvelope: {
      body: '{const sdkInfo=getSdkMetadataForEnvelopeHeader(metadata);return createEnvelope({sent_at:new Date(safeDateNow()).toISOString(),...sdkInfo&&{sdk:sdkInfo},...!!tunnel&&dsn&&{dsn:dsnToString(dsn)}},[[{type:"session"},session.toJSON()]])}',
    },
  },
  // Transactions only (the tracing extra file's): ignoreTransactions, an option this bundle never sets.
  'core/build/esm/integrations/eventFilters.js': {
    _isIgnoredTransaction: { returns: 'false' },
  },
  // A span hook: only the streamed spans of the tracing extra file emit 'processSpan' (the SDK's default trace
  // lifecycle); the extra file hooks in its own whole copy of it (src/extras/tracing.ts). (preprocessEvent, kept,
  // does events.)
  'browser/build/npm/esm/prod/integrations/httpcontext.js': {
    processSpan: 'inert',
  },
  // The ~30 DOM interfaces browserApiErrors wraps by default (a 440-character string): we always pass
  // eventTarget: ['EventTarget'] (src/sentry/sentry-client.ts), so the default is never read.
  'browser/build/npm/esm/prod/integrations/browserapierrors.js': {
    DEFAULT_EVENT_TARGET: { constant: '[]' },
  },
  // The scope stack's ways in that nothing here takes: tracing suppression (no spans), isolation scopes
  // (the browser has one); and SyncPromise's finally, which no caller uses.
  'core/build/esm/asyncContext/stackStrategy.js': {
    suppressTracingInStack: 'unreachable',
    withIsolationScope: 'unreachable',
  },
  'core/build/esm/utils/syncpromise.js': {
    finally: 'unreachable',
  },
  // Only for a sampleRate option, which this bundle never sets (every error is sent, as the product page says).
  'core/build/esm/utils/parseSampleRate.js': {
    parseSampleRate: 'unreachable',
  },
  // Scope methods nothing in this bundle calls (the page's code never reaches our scopes: they are isolated,
  // esbuild-isolate-sentry.mjs). A class's methods stay whether or not they are used; their bodies need not.
  // `update` is only ever called with the client's initialScope and an event's captureContext, neither of
  // which this bundle ever sets, and returns the scope unchanged for both.
  'core/build/esm/scope.js': {
    update: { returns: 'this' },
    setTags: 'unreachable',
    setTag: 'unreachable',
    setAttributes: 'unreachable',
    setAttribute: 'unreachable',
    removeAttribute: 'unreachable',
    setExtras: 'unreachable',
    setExtra: 'unreachable',
    setFingerprint: 'unreachable',
    setLevel: 'unreachable',
    setTransactionName: 'unreachable',
    setConversationId: 'unreachable',
    setContext: 'unreachable',
    addAttachment: 'unreachable',
    clearAttachments: 'unreachable',
    getLastBreadcrumb: 'unreachable',
    setPropagationContext: 'unreachable',
    setSDKProcessingMetadata: 'unreachable',
    lastEventId: 'unreachable',
  },
  // Runs only for a routeProvider option, which this bundle never sets.
  'browser-utils/build/esm/routing.js': {
    setRouteProvider: 'unreachable',
  },
  // The DSC of an error event comes from the scope (getDynamicSamplingContextFromScope, kept).
  'core/build/esm/tracing/dynamicSamplingContext.js': {
    getDynamicSamplingContextFromSpan: 'unreachable',
    freezeDscOnSpan: 'unreachable',
    spanToBaggageHeader: 'unreachable',
  },
};

/**
 * Every named function of a module with its body: declarations, and methods of object literals
 * and classes (an integration's hooks are methods of the object it returns).
 * @param {any} node
 * @returns {Generator<{ name: string, body: { start: number, end: number } }>}
 */
function* functionsIn(node) {
  if (!node || typeof node.type !== 'string') return;
  if (node.type === 'FunctionDeclaration' && node.id) yield { name: node.id.name, body: node.body };
  // A constant's initializer stands where a function's body would.
  if (node.type === 'VariableDeclarator' && node.id?.type === 'Identifier' && node.init) yield { name: node.id.name, body: node.init };
  if ((node.type === 'Property' || node.type === 'MethodDefinition') && node.key?.type === 'Identifier' && node.value?.type === 'FunctionExpression') {
    yield { name: node.key.name, body: node.value.body };
  }
  for (const [key, value] of Object.entries(node)) {
    if (key === 'type' || !value || typeof value !== 'object') continue;
    for (const child of Array.isArray(value) ? value : [value]) yield* functionsIn(child);
  }
}

/** @param {Trim} kind @param {string} name @param {string} path @param {boolean} announce */
async function stubFor(kind, name, path, announce) {
  if (kind === 'inert') return '{}';
  if (kind === 'unreachable') {
    // The test build names it; in production one message for all compresses to almost nothing.
    if (announce) return `{console.error("[segment-sentry] unreachable SDK code reached: ${name}");throw Error("[segment-sentry] ${name} is not in this bundle")}`;
    return '{throw Error("[segment-sentry] unreachable SDK code")}';
  }
  if ('returns' in kind) return `{return ${kind.returns}}`;
  if ('constant' in kind) return kind.constant;
  if ('body' in kind) return kind.body;
  const sdkFunction = (await import(pathToFileURL(path).href))[name];
  if (typeof sdkFunction !== 'function') throw new Error(`trim-sentry: ${path} does not export ${name}`);
  return `{return ${JSON.stringify(sdkFunction(...kind.constantFor))}}`;
}

const SENTRY_PACKAGE_FILE = /[\\/]node_modules[\\/]@sentry[\\/](.+)$/;

/** Rewrites a Sentry SDK file's listed function bodies; other files come back unchanged.
 * @returns {import('./esbuild-sentry-source.mjs').SentrySourceTransform} */
export function trimSentryFunctions({ announce = process.env.SEGMENT_SENTRY_BUILD === 'test' } = {}) {
  /** @type {Set<string>} */
  const trimmed = new Set();
  return {
    name: 'trim-sentry',
    reset: () => trimmed.clear(),
    /** @param {string} path @param {string} source */
    async apply(path, source) {
      const file = SENTRY_PACKAGE_FILE.exec(path)?.[1]?.replaceAll('\\', '/');
      const functions = file ? TRIMMED_FUNCTIONS[file] : undefined;
      if (!file || !functions) return source;
      /** @type {Array<{ start: number, end: number, body: string }>} */
      const edits = [];
      for (const { name, body } of functionsIn(parse(source, { ecmaVersion: 'latest', sourceType: 'module' }))) {
        // Own keys only: a class's `constructor` would otherwise find Object's.
        const kind = Object.hasOwn(functions, name) ? functions[name] : undefined;
        if (!kind) continue;
        const key = `${file}#${name}`;
        if (trimmed.has(key)) throw new Error(`trim-sentry: ${key} is not the only function of that name in its file`);
        const stub = await stubFor(kind, name, path, announce);
        edits.push({ start: body.start, end: body.end, body: stub });
        trimmed.add(key);
      }
      let contents = source;
      for (const { start, end, body } of edits.sort((a, b) => b.start - a.start)) {
        contents = contents.slice(0, start) + body + contents.slice(end);
      }
      return contents;
    },
    /** Listed functions the SDK no longer has where we expect them. */
    missing: () =>
      Object.entries(TRIMMED_FUNCTIONS).flatMap(([file, functions]) =>
        Object.keys(functions).filter((name) => !trimmed.has(`${file}#${name}`)).map((name) => `${file}#${name}`),
      ),
  };
}
