// What both extra files (tracing, Session Replay) do as they run: find the full bundle's Sentry client and add their
// integration to it. They are built with the full bundle's isolation (scripts/build/esbuild-isolate-sentry.mjs), so
// their copy of @sentry/core reads the same carrier (window.__SEGMENT_SENTRY__): the same client, the same scopes.
// And with its renamed private members (esbuild's mangle cache, esbuild.config.mjs), so code of either copy reads
// the other's objects.
import { Client, getClient, getCurrentScope, Scope, type Integration } from '@sentry/core';
import { describe } from '../shared/contain';
import { CONSENT_REVOKED_HOOK } from '../sentry/extra-files';
import { log } from '../sentry/log';

/** The Scope and Client methods the full bundle's build cut (scripts/build/esbuild-trim-sentry.mjs): esbuild defines them. */
declare const __TRIMMED_SCOPE_METHODS__: string[];
declare const __TRIMMED_CLIENT_METHODS__: string[];

type Methods = Record<string, unknown>;

/**
 * Puts back, on the full bundle's own class, the methods its build cut because nothing in it calls them, but which
 * tracing and Session Replay call on the shared client and scopes (Scope#setTransactionName, #setPropagationContext,
 * #setContext, Client#addIntegration, #getIntegrationByName, #getTransport, #getSdkMetadata, …): this file's copy of
 * the SDK has them whole, and its private members carry the same names.
 */
function restoreTrimmed(instance: object, original: Methods, names: string[]): void {
  let own = Object.getPrototypeOf(instance) as Methods | null;
  // (the class that declares them: a subclass's prototype, PageSessionClient's, sits in front)
  while (own && !Object.prototype.hasOwnProperty.call(own, 'getScopeData') && !Object.prototype.hasOwnProperty.call(own, 'getOptions')) own = Object.getPrototypeOf(own) as Methods | null;
  for (const name of names) if (own && typeof original[name] === 'function') own[name] = original[name];
}

/**
 * Adds `make`'s integration to our client, once the visitor's consent allows sending (the full bundle fetches the
 * extra files only then; this checks again, as a "no" may have come while the file was on its way). `revoked` runs on
 * a later "no". Nothing here throws at the page: a failure is one message.
 */
export function installExtra(what: string, make: (client: Client) => Integration, revoked?: (integration: Integration) => void): void {
  try {
    const client = getClient();
    if (!client) return log.warn(`${what}: no Sentry client of segment-sentry's on this page; ${what} is off`);
    restoreTrimmed(client, Client.prototype as unknown as Methods, __TRIMMED_CLIENT_METHODS__);
    restoreTrimmed(getCurrentScope(), Scope.prototype as unknown as Methods, __TRIMMED_SCOPE_METHODS__);
    // The full bundle keeps only the data-collection options it reads (esbuild-trim-sentry.mjs); these files read
    // more (request and response headers and bodies for spans and replays): the SDK's own defaults, resolved by
    // this copy's Client for the same options (no DSN: it makes no transport).
    (client as unknown as { _dataCollection: unknown })._dataCollection = new (Client as unknown as new (options: object) => Client)({
      ...client.getOptions(),
      dsn: undefined,
      integrations: [],
    }).getDataCollectionOptions();
    const granted = (client.getOptions() as { consentGranted?: () => boolean }).consentGranted;
    if (granted && !granted()) return;
    const integration = make(client);
    client.addIntegration(integration);
    if (revoked) client.on(CONSENT_REVOKED_HOOK as 'close', () => revoked(integration));
  } catch (error) {
    log.error(`${what} failed: ${describe(error)}; errors are still reported`);
  }
}
