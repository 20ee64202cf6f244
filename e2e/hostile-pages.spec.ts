import { caseOfACrossing, describeEvent, everyEngine, expect, poll, test, type Event, type PageOptions } from './support/fixtures';
import { FULL_BUNDLE } from './support/page-builder';

// The errors this file's pages throw on purpose; any other page error fails a test (e2e/support/fixtures.ts).
test.use({ expectedPageErrors: [/^(Uncaught )?(Error: )?host page error: /] });

/**
 * Host pages built the way real sites are: Trusted Types, tag managers, odd globals, patched and frozen
 * built-ins. On each, for the loader and the full bundle where it applies: no page error is caused by
 * us; the page's own error arrives, or, where it cannot, exactly one clear `[segment-sentry]` message;
 * never more than one message of ours.
 */

const LOADER = '/dist/segment-sentry.loader.min.js';
type Variant = 'loader' | 'full bundle';

interface HostPage {
  name: string;
  /** What the page adds; `bundle` is the script tag's URL for this variant (null: the page loads it itself). */
  page: (bundle: string, origins: { other: string }) => PageOptions;
  variants: Variant[];
  /** Where the page's error cannot arrive: the one message said instead. */
  message?: RegExp;
  /** Whether the test waits for window.SegmentSentry before the page throws (false: the page never gets ours). */
  waitForApi?: boolean;
  /** What the arriving event must show. */
  check?: (event: Event) => void;
  /** Reports the browser itself makes (not exceptions): Firefox lists CSP violations among page errors. */
  browserReports?: RegExp;
}

const loadedByThePage = (bundle: string, markup: string): PageOptions => ({ bundle: null, head: markup.replaceAll('BUNDLE', bundle) });

const hostPages: HostPage[] = [
  {
    name: 'Trusted Types required, our policy allowed',
    page: () => ({ headers: { 'Content-Security-Policy': "require-trusted-types-for 'script'; trusted-types segment-sentry" } }),
    variants: ['loader', 'full bundle'],
  },
  {
    name: 'Trusted Types required, our policy not allowed',
    page: () => ({ headers: { 'Content-Security-Policy': "require-trusted-types-for 'script'; trusted-types 'none'" } }),
    variants: ['loader'],
    message: /^\[segment-sentry\] add "segment-sentry" to the CSP's trusted-types; errors are not reported$/,
    // The policy and the plain URL are both refused (caught); Firefox reports each violation as a page error.
    browserReports: /^The page’s settings blocked (creating a Trusted Types policy|assigning to an injection sink)/,
  },
  {
    // The full bundle assigns to no Trusted Types sink, so it needs no policy at all.
    name: 'Trusted Types required, no policy allowed at all',
    page: () => ({ headers: { 'Content-Security-Policy': "require-trusted-types-for 'script'; trusted-types 'none'" } }),
    variants: ['full bundle'],
  },
  {
    name: "a window.analytics that is not Segment's, whose register throws",
    page: () => ({ beforeBundle: `<script>window.analytics = { register() { throw new Error('not Segment register'); } };</script>` }),
    variants: ['loader', 'full bundle'],
  },
  {
    name: 'a window.analytics getter that throws',
    page: () => ({ beforeBundle: `<script>Object.defineProperty(window, 'analytics', { get() { throw new Error('analytics getter'); } });</script>` }),
    variants: ['loader', 'full bundle'],
  },
  {
    name: 'the loader as a module script (no document.currentScript)',
    page: (bundle) => loadedByThePage(bundle, '<script type="module" src="BUNDLE"></script>'),
    variants: ['loader'],
  },
  {
    // The tag is then found by its file name: a tag before ours that carries the name in its query (or fragment)
    // must not be taken for ours, or the full bundle, the extra files and our Trusted Types policy would come from
    // its folder. (type="text/plain": the decoys are never fetched, in any engine.)
    name: 'the loader as a module script, after decoy tags that carry its file name in a query and a fragment',
    page: (bundle, { other }) =>
      loadedByThePage(
        bundle,
        `<script type="text/plain" src="${other}/decoy/tag.js?next=/dist/segment-sentry.loader.min.js"></script>` +
          `<script type="text/plain" src="${other}/decoy/tag.js#/segment-sentry.loader.min.js"></script>` +
          '<script type="module" src="BUNDLE"></script>',
      ),
    variants: ['loader'],
  },
  {
    name: 'the loader with defer',
    page: (bundle) => loadedByThePage(bundle, '<script defer src="BUNDLE"></script>'),
    variants: ['loader', 'full bundle'],
  },
  {
    name: "injected by a tag manager after the page's load event",
    page: (bundle) =>
      loadedByThePage(bundle, `<script>addEventListener('load', () => setTimeout(() => {
        const script = document.createElement('script'); script.src = 'BUNDLE'; document.head.appendChild(script);
      }, 50));</script>`),
    variants: ['loader', 'full bundle'],
  },
  {
    name: 'the loader evaluated from a blob: URL by a tag manager',
    page: (bundle) =>
      loadedByThePage(bundle, `<script>fetch('BUNDLE').then((r) => r.text()).then((code) => {
        const script = document.createElement('script');
        script.src = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
        document.head.appendChild(script);
      });</script>`),
    variants: ['loader'],
    message: /^\[segment-sentry\] no document\.currentScript: load segment-sentry\.loader\.min\.js with <script src>; errors are not reported$/,
  },
  {
    name: 'the loader run through eval by a tag manager',
    page: (bundle) => loadedByThePage(bundle, `<script>fetch('BUNDLE').then((r) => r.text()).then((code) => (0, eval)(code));</script>`),
    variants: ['loader'],
    message: /^\[segment-sentry\] no document\.currentScript: load segment-sentry\.loader\.min\.js with <script src>; errors are not reported$/,
  },
  {
    // The tag as the README's snippet writes it: from another origin without crossorigin, errors that Sentry's
    // wrappers rethrow would reach the page's own handlers as "Script error.".
    name: 'a <base href> on another origin',
    page: (bundle, { other }) => loadedByThePage(bundle, `<base href="${other}/somewhere/else/"><script src="BUNDLE" crossorigin="anonymous"></script>`),
    variants: ['loader', 'full bundle'],
  },
  {
    name: 'an anti-tamper script: Function.prototype.toString throws',
    page: () => ({ beforeBundle: `<script>Function.prototype.toString = function () { throw new Error('no peeking'); };</script>` }),
    variants: ['loader', 'full bundle'],
  },
  {
    name: "Prototype.js 1.6's Array.prototype.toJSON (arrays serialize as strings)",
    page: () => ({
      beforeBundle: `<script>Array.prototype.toJSON = function () { return '[' + Array.prototype.map.call(this, String).join(', ') + ']'; };</script>`,
    }),
    variants: ['loader', 'full bundle'],
    check: (event) => {
      expect(Array.isArray(event.exception?.values)).toBe(true);
      expect(Array.isArray(event.exception?.values?.[0]?.stacktrace?.frames)).toBe(true);
    },
  },
  {
    name: 'Zone.js-style: Promise replaced and addEventListener patched',
    page: () => ({
      beforeBundle: `<script>
        window.Promise = class ZoneAwarePromise extends Promise {};
        const add = EventTarget.prototype.addEventListener;
        EventTarget.prototype.addEventListener = function (type, listener, options) {
          const task = typeof listener === 'function' ? function (...args) { return listener.apply(this, args); } : listener;
          return add.call(this, type, task, options);
        };
      </script>`,
    }),
    variants: ['loader', 'full bundle'],
  },
  {
    name: 'a fetch polyfill over XMLHttpRequest',
    page: () => ({
      beforeBundle: `<script>window.fetch = function fetch(url, init) {
        return new Promise((resolve, reject) => {
          const xhr = new XMLHttpRequest();
          xhr.open((init && init.method) || 'GET', String(url));
          xhr.onload = () => resolve(new Response(xhr.responseText, { status: xhr.status }));
          xhr.onerror = () => reject(new TypeError('Network request failed'));
          xhr.send(init && init.body);
        });
      };</script>`,
    }),
    variants: ['loader', 'full bundle'],
  },
  {
    name: 'a stubbed fetch that always throws',
    page: () => ({ beforeBundle: `<script>window.fetch = () => { throw new Error('fetch is disabled here'); };</script>` }),
    variants: ['loader', 'full bundle'],
  },
  {
    name: 'prototype pollution: enumerable properties on Object.prototype and Array.prototype',
    page: () => ({ beforeBundle: `<script>Object.prototype.polluted = 'yes'; Array.prototype.extra = function () {}; Object.prototype.config = 'http://evil@127.0.0.1:9/1';</script>` }),
    variants: ['loader', 'full bundle'],
  },
  {
    name: 'frozen built-ins (EventTarget, XMLHttpRequest, History, console, fetch)',
    page: () => ({
      beforeBundle: `<script>
        [EventTarget.prototype, XMLHttpRequest.prototype, History.prototype, console].forEach(Object.freeze);
        Object.defineProperty(window, 'fetch', { value: window.fetch, writable: false, configurable: false });
      </script>`,
    }),
    variants: ['loader', 'full bundle'],
  },
  {
    name: 'a window.SegmentSentry that belongs to another script',
    page: () => ({ beforeBundle: `<script>window.SegmentSentry = { theirs: true };</script>` }),
    variants: ['loader', 'full bundle'],
    message: /^\[segment-sentry\] SegmentSentry is already defined.*; this copy does nothing$/,
    waitForApi: false,
  },
];

test.describe('hostile host pages', () => {
  for (const [hostIndex, host] of hostPages.entries()) {
    for (const [variantIndex, variant] of host.variants.entries()) {
      // Each engine meets every hostile page; behind which of our two scripts is a branch of our own JavaScript.
      const crossing = host.variants.length > 1 ? caseOfACrossing(hostIndex + variantIndex, 'the loader or the full bundle on the same hostile page') : undefined;
      everyEngine(`${host.name} (${variant})`, async ({ openPage, page, project, otherSite, consoleLog, pageErrors, expectPageErrors }) => {
        if (host.browserReports) expectPageErrors(host.browserReports);
        // The one message a hostile analytics.js global costs (an error: something on the page is broken).
        consoleLog.expectErrors(/^\[segment-sentry\] (analytics|connecting analytics\.js) failed: Error: (not Segment register|analytics getter)$/);
        const bundle = variant === 'loader' ? LOADER : FULL_BUNDLE;
        const options = host.page(bundle, { other: otherSite.origin });
        // What reaches the page's own handlers, counted in the page before anything else runs: the browser's reports
        // are not there. The page's error comes from the page's own script: code a test evaluates has no URL in
        // WebKit's frames, and under a <base href> on another origin WebKit even mutes it as "Script error.".
        const countUncaught = `<script>
          window.uncaught = [];
          addEventListener('error', (event) => window.uncaught.push(String(event.message)));
          addEventListener('unhandledrejection', (event) => window.uncaught.push('rejection: ' + String(event.reason)));
          window.throwSoon = function (message) { setTimeout(function hostPageThrow() { throw new Error(message); }); };
        </script>`;
        await openPage({ bundle, ...options, beforeBundle: countUncaught + (options.beforeBundle ?? '') });
        const thrown = `host page error: ${host.name} (${variant})`;
        if (host.waitForApi !== false) await page.waitForFunction(() => Boolean(window.SegmentSentry));
        await page.evaluate((message) => (window as unknown as { throwSoon(text: string): void }).throwSoon(message), thrown);

        if (host.message) {
          await consoleLog.waitFor(host.message);
        } else {
          const event = await project.waitForError(thrown);
          host.check?.(event);
        }
        // The page's own error is the only page error; ours never reaches the page.
        await poll(() => pageErrors.filter((message) => message.includes(thrown)).length).toBe(1);
        expect(pageErrors.filter((message) => !message.includes(thrown) && !host.browserReports?.test(message))).toEqual([]);
        const uncaught = await page.evaluate(() => (window as unknown as { uncaught: string[] }).uncaught);
        expect(uncaught.filter((message) => !message.includes(thrown))).toEqual([]);
        expect(consoleLog.ours().length, consoleLog.ours().map((entry) => entry.text).join('\n')).toBeLessThanOrEqual(1);
        if (host.message) await poll(() => consoleLog.ours()).toHaveLength(1);
        // Nothing about our own failure became an event.
        expect(project.events().map(describeEvent).filter((text) => !text.includes(thrown))).toEqual([]);
      }, crossing);
    }
  }
});
