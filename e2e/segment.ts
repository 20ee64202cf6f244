import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from '@playwright/test';
import * as esbuild from 'esbuild';

/**
 * The real Segment: the official snippet from @segment/snippet and the real analytics.js from
 * @segment/analytics-next (its standalone build and chunks), served by routing Segment's CDN URLs.
 * Segment's settings and tracking API are answered locally; nothing leaves the machine.
 */
const require = createRequire(import.meta.url);
const snippet = require('@segment/snippet') as { min(options: Record<string, unknown>): string };
const UMD_FOLDER = join(dirname(require.resolve('@segment/analytics-next/package.json')), 'dist', 'umd');

export const WRITE_KEY = 'segmentSentryTestWriteKey';

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
  /** Whether the snippet calls analytics.load itself (a consent wrapper calls it instead). */
  load?: boolean;
}

/** The official snippet, rendered by Segment's own package, as a site pastes it. */
export function segmentSnippet({ globalAnalyticsKey = 'analytics', page = false, load = true }: SnippetOptions = {}): string {
  return snippet.min({ apiKey: WRITE_KEY, host: 'cdn.segment.com', globalAnalyticsKey, page, load });
}

let consentTools: string | undefined;

/**
 * Segment's real consent wrapper (@segment/analytics-consent-tools), bundled as a site ships it:
 * `window.SegmentConsentTools.createWrapper`.
 */
export async function consentToolsBundle(): Promise<string> {
  consentTools ??= (
    await esbuild.build({
      stdin: { contents: "export { createWrapper } from '@segment/analytics-consent-tools';", resolveDir: fileURLToPath(new URL('..', import.meta.url)), loader: 'js' },
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

export interface SegmentTraffic {
  /** Calls analytics.js made to Segment's tracking API, by path (/v1/i, /v1/t, /v1/p). */
  apiCalls: string[];
}

/**
 * Routes Segment's CDN and API in this browser context. With `blocked`, analytics.js itself fails to
 * load, as it does behind an ad blocker. Any other request off 127.0.0.1 is aborted.
 */
export async function routeSegment(context: BrowserContext, { blocked = false } = {}): Promise<SegmentTraffic> {
  const traffic: SegmentTraffic = { apiCalls: [] };
  await context.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (route) => route.abort('blockedbyclient'));
  await context.route('https://cdn.segment.com/analytics.js/v1/*/analytics.min.js', async (route) => {
    if (blocked) return route.abort('blockedbyclient');
    return route.fulfill({ contentType: 'text/javascript', body: await readFile(join(UMD_FOLDER, 'standalone.js')) });
  });
  await context.route('https://cdn.segment.com/analytics-next/bundles/*', async (route) =>
    route.fulfill({ contentType: 'text/javascript', body: await readFile(join(UMD_FOLDER, basename(new URL(route.request().url()).pathname))) }),
  );
  await context.route('https://cdn.segment.com/v1/projects/*/settings', (route) =>
    route.fulfill({
      contentType: 'application/json',
      json: {
        integrations: { 'Segment.io': { apiKey: WRITE_KEY, apiHost: 'api.segment.io/v1' } },
        plan: { track: { __default: { enabled: true, integrations: {} } }, identify: { __default: { enabled: true } } },
        analyticsNextEnabled: true,
      },
    }),
  );
  await context.route('https://api.segment.io/**', (route) => {
    traffic.apiCalls.push(new URL(route.request().url()).pathname);
    return route.fulfill({ contentType: 'application/json', json: { success: true } });
  });
  return traffic;
}

/** Calls analytics.identify(...args) and resolves once analytics.js has delivered it to every destination. */
export function identify(page: Page, ...args: unknown[]): Promise<void> {
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
export function track(page: Page, event: string): Promise<void> {
  return page.evaluate((name) => new Promise<void>((resolve) => window.analytics.track(name, {}, {}, () => resolve())), event);
}
