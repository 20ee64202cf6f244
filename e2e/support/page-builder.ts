import { readFileSync } from 'node:fs';

const TEMPLATE = readFileSync(new URL('../../fixtures/template.html', import.meta.url), 'utf8');

export const FULL_BUNDLE = '/dist/segment-sentry.min.js';

export interface PageOptions {
  /**
   * The settings element's content: an object is written as JSON with `config` defaulting to the
   * test's DSN; a string is written as it is (malformed JSON, say); null leaves the element out.
   */
  settings?: Record<string, unknown> | string | null;
  /** Where the settings element goes: before our script (the usual place) or at the end of <body>. */
  settingsPlacement?: 'head' | 'body-end';
  /** Markup in <head> before our script (e.g. a window property the settings name). */
  beforeBundle?: string;
  /** Markup in <head> after our script. */
  head?: string;
  body?: string;
  /** The script under test; null leaves it out. */
  bundle?: string | null;
  /** Loads the script under test with `async`. */
  bundleAsync?: boolean;
  /** HTTP headers the page is served with (a Content-Security-Policy, say). */
  headers?: Record<string, string>;
}

/** Escapes what would end the settings <script> element early. */
function settingsElement(content: string): string {
  const safe = content.replace(/<\/script/gi, '<\\/script');
  return `<script type="application/json" id="segment-sentry-settings">${safe}</script>`;
}

export function buildPage(options: PageOptions, dsn: string): string {
  const { settings = {}, settingsPlacement = 'head', bundle = FULL_BUNDLE } = options;
  const content =
    settings === null ? undefined : typeof settings === 'string' ? settings : JSON.stringify({ config: dsn, ...settings });
  const element = content === undefined ? '' : settingsElement(content);
  const head = [
    settingsPlacement === 'head' ? element : '',
    options.beforeBundle ?? '',
    bundle ? `<script src="${bundle}"${options.bundleAsync ? ' async' : ''}></script>` : '',
    options.head ?? '',
  ].join('\n');
  const body = [options.body ?? '', settingsPlacement === 'body-end' ? element : ''].join('\n');
  return TEMPLATE.replace('{{HEAD}}', () => head).replace('{{BODY}}', () => body);
}
