import { normalize, normalizeToSize, truncate } from '@sentry/core';

// A Segment call may carry anything: huge property bags, long strings, circular objects, DOM nodes,
// functions, BigInt. What we copy into Sentry (user traits, breadcrumb data) is made JSON-safe
// (Sentry's normalize) and bounded, so one call cannot bloat every later event.
const MAX_DEPTH = 3;
const MAX_KEYS = 50;
const MAX_STRING_LENGTH = 256;
const MAX_BYTES = 4 * 1024;

function truncateStrings(value: unknown): unknown {
  if (typeof value === 'string') return truncate(value, MAX_STRING_LENGTH);
  if (Array.isArray(value)) return value.map(truncateStrings);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, truncateStrings(item)]));
  }
  return value;
}

export function bounded(value: unknown): Record<string, unknown> | undefined {
  if (value === null || value === undefined) return undefined;
  const safe = truncateStrings(normalize(value, MAX_DEPTH, MAX_KEYS));
  if (!safe || typeof safe !== 'object' || Array.isArray(safe)) return { value: safe };
  return normalizeToSize(safe as Record<string, unknown>, MAX_DEPTH, MAX_BYTES);
}
