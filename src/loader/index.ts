// The 1.5 KB loader: catches errors and queues every call from the first byte, and loads the full
// bundle (segment-sentry.min.js, from the loader's own folder, with its SRI hash built in) off the
// critical path: in idle time after the page's load event, at once on the first error, or on
// forceLoad(). No Sentry code here; the full bundle takes over everything kept (src/loader/protocol.ts).
import { writeMessage } from '../shared/console-message';
import {
  FULL_BUNDLE_FILE,
  LOADER_FILE,
  TRUSTED_TYPES_POLICY,
  scriptUrlPolicy,
  hearConsent,
  keep,
  keepAnalyticsCalls,
  listenForErrors,
  type LoaderHandoff,
} from './protocol';
import type { SegmentSentryApi } from '../public-types';

declare const __FULL_BUNDLE_INTEGRITY__: string;
declare const __SEGMENT_SENTRY_VERSION__: string;

type LoaderWindow = Window & Record<string, unknown>;

// The loader's own containment boundary (the full bundle's is shared/contain.ts): one message, never a page error.
const attempt = (what: string, run: () => unknown): void => {
  try {
    run();
  } catch (error) {
    writeMessage('error', what, ' failed: ', error);
  }
};

attempt('start-up', () => {
  const win = window as unknown as LoaderWindow;
  if (win.SegmentSentry) return writeMessage('warn', 'SegmentSentry is already defined; this copy does nothing');
  const doc = win.document;
  // The loader's own tag. A module script, a tag manager's injection or eval leave no document.currentScript (or a
  // blob: one), so the tag is then found by its file name: the last segment of its URL's path, so that a tag that
  // only carries the name elsewhere (`other.js?next=segment-sentry.loader.min.js`) cannot choose the folder the full
  // bundle, the extra files and the Trusted Types policy take their URLs from.
  let own = doc.currentScript as HTMLScriptElement | null | undefined;
  if (!/^https?:/.test(own?.src as string)) own = [...doc.scripts].find((script) => script.src.split(/[?#]/)[0]!.endsWith('/' + LOADER_FILE));
  const url = own?.src;
  const handoff = { calls: [], errors: [], analytics: [], consent: {} } as unknown as LoaderHandoff;
  // The loader's other listeners (DOMContentLoaded, load, idle) find the full bundle's API in
  // window.SegmentSentry from then on and do nothing.
  handoff.stop = listenForErrors(win, handoff, (error) => (keep(handoff.errors, error), load())); // neither can throw
  const takenOver = () => win.SegmentSentry !== api;

  // Set once the full bundle is known not to come: everything waiting settles, nothing more is kept.
  let failed = false;
  // (Once at most: only load calls it, once, and each of its ways out calls it once.)
  const fail = (reason: string) => {
    failed = true;
    handoff.stop();
    for (const call of handoff.calls.splice(0)) if (call[0] == 'flush') call[2](false);
    writeMessage('warn', `${reason}; errors are not reported`);
  };

  let loading = false;
  const load = () =>
    attempt('load', () => {
      if (loading || takenOver()) return; // once only (failing comes after loading); or the full bundle is already here
      loading = true;
      if (!url) {
        // (docs/loader.md, «The loader on real pages»: a module script, eval or a blob: URL)
        return fail(`no document.currentScript: load ${LOADER_FILE} with <script src>`);
      }
      const full = doc.createElement('script');
      try {
        // Trusted Types: a page that requires them for scripts accepts our URL through our policy, kept for the
        // full bundle's extra files (a CSP lists each policy name once).
        full.src = (handoff.tt = scriptUrlPolicy(url)).createScriptURL(FULL_BUNDLE_FILE) as string;
      } catch {
        // No Trusted Types, or the CSP's trusted-types list lacks our policy: the plain URL, which works where they
        // are not required, and throws where they are.
        try {
          full.src = new URL(FULL_BUNDLE_FILE, url).href;
        } catch {
          return fail(`add "${TRUSTED_TYPES_POLICY}" to the CSP's trusted-types`);
        }
      }
      full.integrity = __FULL_BUNDLE_INTEGRITY__;
      // A CSP that allows scripts by nonce (without 'strict-dynamic') allows ours only with the nonce ours came with.
      full.nonce = own!.nonce;
      full.crossOrigin = 'anonymous'; // (a script element made by script is async already)
      // Blocked, refused by its integrity check, or not found: say so once, never retry.
      full.onerror = () => fail(`could not load ${full.src}`);
      doc.documentElement.append(full); // (any element runs a script; <head> may be missing)
    });

  // Once the full bundle has taken over, a saved reference to this API (`const S = SegmentSentry`, or a method
  // passed as a callback) forwards to its API (guarded itself); before, the call is kept.
  const queue =
    (method: 'init' | 'captureException' | 'captureMessage' | 'setConsent') =>
    (...args: unknown[]): undefined =>
      handoff.api
        ? (handoff.api[method] as (...values: unknown[]) => undefined)(...args)
        : // (Once the full bundle cannot come, nothing replays what is kept; init and consent are just not read.)
          void (method == 'setConsent'
            ? hearConsent(handoff, args[0]) || (handoff.badConsent = 1)
            : method == 'init'
              ? (handoff.init = args)
              : failed || keep(handoff.calls, [method, args, handoff.consent]));
  const api = {
    version: __SEGMENT_SENTRY_VERSION__,
    // Settles with the full bundle's flush, false by the timeout, and false once the full bundle cannot come.
    flush: (timeoutMs?: number) =>
      handoff.api ? handoff.api.flush(timeoutMs) : new Promise<boolean>((settle) => {
        if (failed || !keep(handoff.calls, ['flush', [timeoutMs], settle as (result: unknown) => void])) settle(false);
        if ((timeoutMs as number) >= 0) setTimeout(settle, timeoutMs, false); // the first settle wins
      }),
    forceLoad: load,
    _loader: handoff,
  } as SegmentSentryApi & { _loader: LoaderHandoff };
  for (const method of ['init', 'captureException', 'captureMessage', 'setConsent'] as const) api[method] = queue(method);
  win.SegmentSentry = api;

  // analytics.js calls made before the full bundle runs: our Sentry plugin keeps them for the full
  // bundle, then forwards to it.
  const connect = () => attempt('analytics', () => takenOver() || keepAnalyticsCalls(win, handoff));
  connect();
  doc.addEventListener('DOMContentLoaded', connect);

  const whenIdle = () =>
    attempt('load', () => {
      connect();
      // (setTimeout, where there is no requestIdleCallback, reads the options as a delay of 0)
      (win.requestIdleCallback || setTimeout)(load, { timeout: 3000 } as never);
    });
  if (doc.readyState == 'complete') whenIdle();
  else win.addEventListener('load', whenIdle);
});
