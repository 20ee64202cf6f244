import type { Transport } from '@sentry/core';

/**
 * Prototype.js 1.6 (still on old sites) gives Array.prototype a toJSON that returns a string, and
 * prototype pollution can give Object.prototype one: JSON.stringify then writes `exception.values` and
 * `frames` as strings, which Sentry's ingest cannot use. An own `toJSON: undefined` on each object of
 * the envelope shadows the inherited one, for every later serialization too (the offline queue's).
 * Costs nothing on other pages: it only walks when such a toJSON exists.
 */
function shadowInheritedToJSON(value: unknown, depth: number): void {
  if (typeof value !== 'object' || value === null || depth > 50 || ArrayBuffer.isView(value)) return;
  try {
    if (!Object.prototype.hasOwnProperty.call(value, 'toJSON')) Object.defineProperty(value, 'toJSON', { value: undefined, configurable: true });
  } catch {
    // frozen: left as it is
  }
  for (const key of Object.keys(value)) shadowInheritedToJSON((value as Record<string, unknown>)[key], depth + 1);
}

const pageHasInheritedToJSON = () =>
  typeof (Array.prototype as { toJSON?: unknown }).toJSON === 'function' || typeof (Object.prototype as { toJSON?: unknown }).toJSON === 'function';

export function makeJsonSafeTransport<O>(make: (options: O) => Transport): (options: O) => Transport {
  return (options) => {
    const transport = make(options);
    return {
      send(envelope) {
        if (pageHasInheritedToJSON()) shadowInheritedToJSON(envelope, 0);
        return transport.send(envelope);
      },
      flush: (timeout) => transport.flush(timeout),
    };
  };
}
