import { truncate } from '@sentry/core';
import { parsePublicDsn } from './dsn';
import { parseMatchPattern, parseRegexPattern, type MatchPattern, type PatternResult } from './patterns';
import type { SegmentSentrySettings } from '../public-types';

/** The validated settings; the rest of the code never sees the raw JSON. */
export interface Settings {
  dsn: string;
  customVersionProperty?: string;
  release?: string;
  debug: boolean;
  environment?: string;
  logger?: string;
  serverName?: string;
  ignoreErrors: MatchPattern[];
  ignoreUrls: MatchPattern[];
  whitelistUrls: MatchPattern[];
  includePaths: RegExp[];
  /** Not a Segment setting: the analytics.js global when a site renamed it (default: detected, else `analytics`). */
  globalAnalyticsKey?: string;
  /** Not a Segment setting: where envelopes go instead of the DSN's host (an absolute http(s) URL, or a path on the page's origin). */
  tunnel?: string;
  /** Not a Segment setting: each error Sentry sent becomes an analytics.js `Error Captured` call (segment/error-events.ts). */
  trackErrors: boolean;
  /** Segment's consentSettings.categories: every one must be granted before anything is sent; empty: no consent needed. */
  consentCategories: string[];
  /**
   * Not Segment settings: tracing and Session Replay, Sentry's options of the same names (docs/replay-tracing.md).
   * A rate is in 0..1; absent or 0 leaves the feature off and its extra file unfetched.
   */
  tracesSampleRate?: number;
  replaysSessionSampleRate?: number;
  replaysOnErrorSampleRate?: number;
  /** Where sentry-trace and baggage go; empty: Sentry's default, the page's own origin only. */
  tracePropagationTargets: MatchPattern[];
}

export interface Problem {
  /** `error` means nothing was started; `warn` means one setting was skipped and the rest applies. */
  level: 'warn' | 'error';
  message: string;
}

export interface ParsedSettings {
  settings?: Settings;
  problems: Problem[];
}

type Raw = Record<string, unknown>;

// Every pattern is tested against every event; a list longer than this is a mistake, not a filter.
const MAX_PATTERNS = 200;

// The settings keys, written once here and checked against the published type both ways: each is a key
// of SegmentSentrySettings (satisfies), and every key of that type is here (KeysOfThePublicType).
const STRING_KEYS = ['customVersionProperty', 'release', 'environment', 'logger', 'serverName', 'globalAnalyticsKey'] as const satisfies ReadonlyArray<keyof SegmentSentrySettings>;
const MATCH_LIST_KEYS = ['ignoreErrors', 'ignoreUrls', 'whitelistUrls', 'tracePropagationTargets'] as const satisfies ReadonlyArray<keyof SegmentSentrySettings>;
export const PAGE_SETTINGS_SOURCE = 'page-level settings element #segment-sentry-page-settings';
const RATE_KEYS = ['tracesSampleRate', 'replaysSessionSampleRate', 'replaysOnErrorSampleRate'] as const satisfies ReadonlyArray<keyof SegmentSentrySettings>;
const KNOWN_KEYS = ['config', 'debug', 'trackErrors', 'includePaths', 'tunnel', 'consentSettings', ...STRING_KEYS, ...MATCH_LIST_KEYS, ...RATE_KEYS] as const satisfies ReadonlyArray<
  keyof SegmentSentrySettings
>;
type KeysOfThePublicType = Exclude<keyof SegmentSentrySettings, (typeof KNOWN_KEYS)[number]> extends never ? true : false;
const everyPublicKeyIsParsed: KeysOfThePublicType = true;
void everyPublicKeyIsParsed;
// Keys Segment's settings API returns for this destination that no longer mean anything to the
// Sentry SDK (maxMessageLength, level) or describe the integration itself. Pasting Segment's
// settings must not produce warnings for them.
const IGNORED_SEGMENT_KEYS = ['maxMessageLength', 'level', 'type', 'versionSettings', 'bundlingStatus'];

function isRecord(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  const type = typeof value;
  return type === 'object' || type === 'undefined' ? `an ${type}` : `a ${type}`;
}

/** Segment leaves unset settings as "" or null; both mean "not set". */
function isUnset(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] as number;
}

function closestKnownKey(key: string): string | undefined {
  const lower = key.toLowerCase();
  return KNOWN_KEYS.find((known) => known.toLowerCase() === lower || editDistance(known, key) <= 2);
}

/** Accepts Segment's whole settings document (`{integrations: {Sentry: {…}}}`) or just the Sentry part. */
function unwrap(value: unknown, source: string): { raw: Raw } | { problem: string } {
  if (!isRecord(value)) {
    return { problem: `${source} must be a JSON object, got ${describeType(value)}; Sentry was not started` };
  }
  if (!('integrations' in value)) return { raw: value };
  const sentry = isRecord(value.integrations) ? value.integrations.Sentry : undefined;
  if (!isRecord(sentry)) {
    return { problem: `${source} is a Segment settings document without integrations.Sentry; Sentry was not started` };
  }
  return { raw: sentry };
}

function parsePatternList<P>(
  raw: Raw,
  key: string,
  parse: (entry: string) => PatternResult<P>,
  problems: Problem[],
): P[] {
  const value = raw[key];
  if (isUnset(value)) return [];
  if (!Array.isArray(value)) {
    problems.push({ level: 'warn', message: `${key} must be an array of strings, got ${describeType(value)}; ignored` });
    return [];
  }
  if (value.length > MAX_PATTERNS) {
    problems.push({ level: 'warn', message: `${key} has ${value.length} entries; only the first ${MAX_PATTERNS} are used` });
  }
  const patterns: P[] = [];
  value.slice(0, MAX_PATTERNS).forEach((entry: unknown, index) => {
    if (typeof entry !== 'string' || entry === '') {
      const got = entry === '' ? 'is empty' : `must be a string, got ${describeType(entry)}`;
      problems.push({ level: 'warn', message: `${key}[${index}] ${got}; skipped` });
      return;
    }
    const result = parse(entry);
    if ('problem' in result) {
      problems.push({ level: 'warn', message: `${key}[${index}] "${truncate(entry, 80)}" is not a usable regular expression (${result.problem}); skipped` });
    } else {
      patterns.push(result.pattern);
    }
  });
  return patterns;
}

/**
 * `tunnel`: an absolute http(s) URL, or a path starting with `/` on the page's origin. Anything else
 * (a relative path, another protocol) would send envelopes somewhere unintended: warned about, and
 * sending goes straight to the DSN's ingest as without the setting.
 */
function parseTunnel(value: unknown, problems: Problem[]): string | undefined {
  if (isUnset(value)) return undefined;
  try {
    if (typeof value === 'string' && /^(\/|https?:)/i.test(value) && /^https?:$/.test(new URL(value, 'http://page.invalid').protocol)) return value;
  } catch {
    // not a URL at all
  }
  const got = typeof value === 'string' ? `"${truncate(value, 80)}"` : describeType(value);
  problems.push({ level: 'warn', message: `tunnel must be an absolute http(s) URL or a path starting with /, got ${got}; sending straight to the DSN` });
  return undefined;
}

/**
 * `consentSettings` as Segment's settings document carries it per destination: `{categories: [...]}`.
 * The one setting that is not skipped when it is wrong: skipping it would send without the consent it
 * asks for, so a malformed value stops start-up instead.
 */
function parseConsentCategories(value: unknown): string[] | { problem: string } {
  if (isUnset(value)) return [];
  const categories = isRecord(value) ? value.categories : undefined;
  if (isRecord(value) && isUnset(categories)) return [];
  if (Array.isArray(categories) && categories.every((category) => typeof category === 'string' && category !== '')) return categories;
  return {
    problem: `consentSettings must be {"categories": ["<category name>", …]}, as in Segment's settings; Sentry was not started, so that nothing is sent without the consent it asks for`,
  };
}

/**
 * The page-level settings element's text: its keys are set over the Segment app's, one by one, and checked with
 * them. Meant for what the Segment app has no field for (trackErrors, tunnel, globalAnalyticsKey, and tracing and
 * Session Replay: tracesSampleRate, tracePropagationTargets, replaysSessionSampleRate, replaysOnErrorSampleRate).
 */
function pageLevelSettings(text: string | undefined, problems: Problem[]): Raw {
  if (text === undefined) return {};
  try {
    const value: unknown = JSON.parse(text);
    if (isRecord(value)) return value;
  } catch {
    // said below, as anything that is not an object
  }
  problems.push({ level: 'warn', message: `${PAGE_SETTINGS_SOURCE} must be a JSON object; ignored` });
  return {};
}

/**
 * Turns whatever the page handed us (the settings element's text or the argument of
 * `SegmentSentry.init`) into validated settings plus a list of problems. Never throws.
 * `source` names the input in messages ("settings element #segment-sentry-settings").
 */
export function parseSettings(input: unknown, source: string, pageSettings?: string): ParsedSettings {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return { problems: [{ level: 'error', message: `${source} is not valid JSON (${reason}); Sentry was not started` }] };
    }
  }
  const unwrapped = unwrap(value, source);
  if ('problem' in unwrapped) return { problems: [{ level: 'error', message: unwrapped.problem }] };
  const problems: Problem[] = [];
  const settingsObject = { ...unwrapped.raw, ...pageLevelSettings(pageSettings, problems) };

  for (const key of Object.keys(settingsObject)) {
    if ((KNOWN_KEYS as readonly string[]).includes(key) || IGNORED_SEGMENT_KEYS.includes(key)) continue;
    const suggestion = closestKnownKey(key);
    problems.push({
      level: 'warn',
      message: `unknown setting "${key}" ignored${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
    });
  }

  const strings: Partial<Record<(typeof STRING_KEYS)[number], string>> = {};
  for (const key of STRING_KEYS) {
    const entry = settingsObject[key];
    if (isUnset(entry)) continue;
    if (typeof entry === 'string') strings[key] = entry;
    else problems.push({ level: 'warn', message: `${key} must be a string, got ${describeType(entry)}; ignored` });
  }

  const flag = (key: 'debug' | 'trackErrors'): boolean => {
    const entry = settingsObject[key];
    if (typeof entry === 'boolean') return entry;
    if (!isUnset(entry)) problems.push({ level: 'warn', message: `${key} must be true or false, got ${describeType(entry)}; using false` });
    return false;
  };
  const debug = flag('debug');
  const trackErrors = flag('trackErrors');

  const [ignoreErrors, ignoreUrls, whitelistUrls, tracePropagationTargets] = MATCH_LIST_KEYS.map((key) =>
    parsePatternList(settingsObject, key, parseMatchPattern, problems),
  ) as [MatchPattern[], MatchPattern[], MatchPattern[], MatchPattern[]];

  // Sentry's sample rates: a number from 0 to 1 (Sentry itself ignores anything else, silently).
  const rates: Partial<Record<(typeof RATE_KEYS)[number], number>> = {};
  for (const key of RATE_KEYS) {
    const entry = settingsObject[key];
    if (isUnset(entry)) continue;
    if (typeof entry === 'number' && entry >= 0 && entry <= 1) rates[key] = entry;
    else problems.push({ level: 'warn', message: `${key} must be a number from 0 to 1, got ${typeof entry === 'number' ? entry : describeType(entry)}; using 0` });
  }
  const includePaths = parsePatternList(settingsObject, 'includePaths', parseRegexPattern, problems);
  const tunnel = parseTunnel(settingsObject.tunnel, problems);
  const consentCategories = parseConsentCategories(settingsObject.consentSettings);
  if (!Array.isArray(consentCategories)) {
    problems.unshift({ level: 'error', message: consentCategories.problem });
    return { problems };
  }

  const config = settingsObject.config;
  if (typeof config !== 'string' || config.trim() === '') {
    const got = isUnset(config) ? 'it is missing' : typeof config === 'string' ? 'it is blank' : `got ${describeType(config)}`;
    problems.unshift({ level: 'error', message: `config (the Public DSN) is required, ${got}; Sentry was not started` });
    return { problems };
  }
  const dsn = parsePublicDsn(config);
  if ('problem' in dsn) {
    problems.unshift({ level: 'error', message: `config (the Public DSN) ${dsn.problem}; Sentry was not started` });
    return { problems };
  }
  if (dsn.hadSecret) {
    problems.push({
      level: 'warn',
      message: 'config (the Public DSN) contains a secret key, which must never be on a web page; using the DSN without it',
    });
  }

  return {
    settings: {
      dsn: dsn.dsn,
      debug,
      trackErrors,
      ignoreErrors,
      ignoreUrls,
      whitelistUrls,
      includePaths,
      consentCategories,
      tracePropagationTargets,
      ...strings,
      ...rates,
      ...(tunnel && { tunnel }),
    },
    problems,
  };
}
