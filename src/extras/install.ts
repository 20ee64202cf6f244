// What both extra files (tracing, Session Replay) do as they run: find the full bundle's Sentry client and add their
// integration to it. They are built with the full bundle's isolation (scripts/build/esbuild-isolate-sentry.mjs), so
// their copy of @sentry/core reads the same carrier (window.__SEGMENT_SENTRY__): the same client, the same scopes.
// And with its renamed private members (esbuild's mangle cache, esbuild.config.mjs), so code of either copy reads
// the other's objects.
import { Client, getClient, getCurrentScope, Scope, type Integration } from '@sentry/core';
import { describe } from '../shared/contain';
import { CONSENT_HOOK, type ConsentHook } from '../sentry/extra-files';
import { log } from '../sentry/log';
import { currentScriptUrl, OWN_FRAMES, withoutQuery, type OwnFrames } from '../sentry/own-frames';

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
 * An extra file's integration, and what it does when the visitor's consent changes once it runs: on a "no" (false),
 * stop and drop what it holds; on a "yes" again (true), start again, on the integration it already has.
 */
export interface Extra {
  integration: Integration;
  consent(granted: boolean): void;
}

/** What an extra file's `make` is given beside the client. */
export interface ExtraContext {
  /** Whether the visitor's consent allows sending now (always, on a page without a consent gate). */
  granted(): boolean;
  /** Runs `run`, and turns what it throws into this file's one message: for work the file does later, on its own. */
  guard(run: () => void): void;
}

/**
 * Adds `make`'s integration to our client, once the visitor's consent allows sending (the full bundle fetches the
 * extra files only then; a "no" may have come while the file was on its way: then it is added at the next "yes").
 * Its `consent` runs on each later change. Nothing here throws at the page: a failure is one message.
 */
export function installExtra(what: string, make: (client: Client, context: ExtraContext) => Extra): void {
  const guard = (run: () => void) => {
    try {
      run();
    } catch (error) {
      log.error(`${what} failed: ${describe(error)}; errors are still reported`);
    }
  };
  guard(() => {
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
    // This file's frames are ours, as the full bundle's are (sentry/own-frames.ts).
    const url = __SEGMENT_SENTRY_NPM_PLUGIN__ ? import.meta.url : currentScriptUrl(document);
    if (url) client.getIntegrationByName<OwnFrames>(OWN_FRAMES)?.urls.push(withoutQuery(url));
    let extra: Extra | undefined;
    // Tried once: a file that failed to install (one message) is not tried again at each later "yes", which would
    // say it again and add its hooks again.
    let tried = false;
    const consentGranted = (client.getOptions() as { consentGranted?: () => boolean }).consentGranted;
    const granted = () => !consentGranted || consentGranted();
    const add = () => {
      if (tried) return;
      tried = true;
      const made = make(client, { granted, guard });
      client.addIntegration(made.integration);
      extra = made;
    };
    if (granted()) add();
    // One listener for the page's life: the integration is made once, and each change goes to it.
    (client as unknown as ConsentHook).on(CONSENT_HOOK, (yes) => guard(() => (extra ? extra.consent(yes) : yes && add())));
  });
}
