import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { SettingsEntries } from '../../scripts/dev/local-segment.mjs';
import type { BrowserPage } from './browser-page';
import * as esbuild from 'esbuild';

/**
 * The real Segment: the official snippet from @segment/snippet and the real analytics.js from
 * @segment/analytics-next (its standalone build and chunks), served from the page's own origin by
 * scripts/dev/local-segment.mjs (the `segment` fixture mounts it), with Segment's settings and tracking API
 * answered there too. The same in every engine: WebKit's WebDriver has no request routing.
 */
const require = createRequire(import.meta.url);
const snippet = require('@segment/snippet') as { min(options: Record<string, unknown>): string };

export const WRITE_KEY = 'segmentSentryTestWriteKey';
/** A source whose analytics.js fails to load, as it does behind an ad blocker. */
export const BLOCKED_WRITE_KEY = 'segmentSentryBlockedWriteKey';

/** analytics.js as the tests call it in the page (the snippet's stub or the real instance). */
declare global {
  interface Window {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    analytics: any;
  }
}

export interface SnippetOptions {
  /** The global name, as Segment's snippet lets a site rename it. */
  globalAnalyticsKey?: string;
  /** Whether the snippet makes its first page() call. */
  page?: boolean;
  /**
   * Whether the snippet calls analytics.load itself (a consent wrapper calls it instead), or the load options it
   * passes (the Segment-app install: `{ integrations: { Sentry: false } }`), rendered by the snippet itself.
   */
  load?: boolean | Record<string, unknown>;
  /** Whether analytics.js fails to load (BLOCKED_WRITE_KEY). */
  blocked?: boolean;
}

/**
 * The official snippet, rendered by Segment's own package, as a site pastes it, with Segment's CDN moved
 * to the page's origin: the snippet's analytics.js URL made page-relative, and analytics.js told its CDN
 * (it reads only https CDN URLs from its own script tag).
 */
export function segmentSnippet({ globalAnalyticsKey = 'analytics', page = false, load = true, blocked = false }: SnippetOptions = {}): string {
  const official = snippet.min({ apiKey: blocked ? BLOCKED_WRITE_KEY : WRITE_KEY, host: 'cdn.segment.com', globalAnalyticsKey, page, load });
  const cdn = `window[${JSON.stringify(globalAnalyticsKey)}]._cdn = location.origin;`;
  // analytics.js settles its CDN as it loads, before it reads its own global's name: from window.analytics.
  const cdnForRenamed = globalAnalyticsKey === 'analytics' ? '' : 'window.analytics = { _cdn: location.origin };';
  return `${cdnForRenamed}${official.replace('"https://cdn.segment.com/', '"/')};${cdn}`;
}

let consentTools: string | undefined;

/**
 * Segment's real consent wrapper (@segment/analytics-consent-tools), bundled as a site ships it:
 * `window.SegmentConsentTools.createWrapper`.
 */
export async function consentToolsBundle(): Promise<string> {
  consentTools ??= (
    await esbuild.build({
      stdin: { contents: "export { createWrapper } from '@segment/analytics-consent-tools';", resolveDir: fileURLToPath(new URL('../..', import.meta.url)), loader: 'js' },
      bundle: true,
      format: 'iife',
      globalName: 'SegmentConsentTools',
      target: 'es2020',
      write: false,
      logLevel: 'silent',
    })
  ).outputFiles[0]!.text;
  return consentTools;
}

/** What analytics.js posts to Segment's tracking API (the fields the tests read). */
export interface SegmentApiBody {
  type?: string;
  event?: string;
  name?: string;
  anonymousId?: string;
  properties?: Record<string, unknown>;
  context?: Record<string, unknown>;
}

export interface SegmentTraffic {
  /** The paths analytics.js called on Segment's tracking API in this test. */
  apiCalls: string[];
  /** The same calls with their JSON bodies (`/v1/t` for track), in the order they arrived. */
  apiBodies: Array<{ path: string; body: SegmentApiBody | undefined }>;
  /**
   * What the workspace adds to the source's settings document in this test (a Sentry destination entry in
   * `integrations`, `consentSettings`), as the Segment app would; read when analytics.js fetches it.
   */
  settings: SettingsEntries;
  /** While set, the settings document is answered only once this settles (Segment's CDN slow to answer). */
  settingsHeld?: Promise<unknown>;
  /** How many times analytics.js had its settings document answered in this test. */
  settingsServed: number;
  /** How long Segment's tracking API takes to answer a call in this test (default: at once). */
  apiDelayMs?: (body: { name?: string; event?: string } | undefined) => number;
}

/**
 * Calls `window[global][method](...args)` with analytics.js's callback, and resolves once analytics.js has delivered
 * the call to every destination (ours included: it is a plugin). analytics.js calls a callback no sooner than its
 * timeout after the call, 300 ms by default, delivered or not (analytics-core's dispatch), which every test would
 * sit out for every call: where the instance is there, its timeout is set to 0 first (a call the snippet's stub
 * queues keeps the 300 ms: the stub has no timeout()). In a call a test builds in the page itself, do the same.
 */
export function deliveredCall(page: BrowserPage, method: 'identify' | 'track' | 'page', args: unknown[], global = 'analytics'): Promise<void> {
  return page.evaluate(
    ([name, callMethod, callArgs]) =>
      new Promise<void>((resolve) => {
        const analytics = (window as unknown as Record<string, { timeout?(ms: number): void } & Record<string, (...a: unknown[]) => void>>)[name as string]!;
        analytics.timeout?.(0);
        analytics[callMethod as string]!(...(callArgs as unknown[]), () => resolve());
      }),
    [global, method, args] as const,
  );
}

/** Calls analytics.identify(...args) and resolves once analytics.js has delivered it to every destination. */
export const identify = (page: BrowserPage, ...args: unknown[]): Promise<void> => deliveredCall(page, 'identify', args);

/** Calls analytics.track(event) and resolves once analytics.js has delivered it to every destination. */
export const track = (page: BrowserPage, event: string): Promise<void> => deliveredCall(page, 'track', [event, {}, {}]);
