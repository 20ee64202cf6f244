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

/** Calls analytics.identify(...args) and resolves once analytics.js has delivered it to every destination. */
export function identify(page: BrowserPage, ...args: unknown[]): Promise<void> {
  return page.evaluate(
    (callArgs) =>
      new Promise<void>((resolve) => {
        // The callback is analytics.js's last argument; it runs after delivery.
        window.analytics.identify(...callArgs, () => resolve());
      }),
    args,
  );
}

/** Calls analytics.track(event) and resolves once analytics.js has delivered it to every destination. */
export function track(page: BrowserPage, event: string): Promise<void> {
  return page.evaluate((name) => new Promise<void>((resolve) => window.analytics.track(name, {}, {}, () => resolve())), event);
}
