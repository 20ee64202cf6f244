import type { Event, Integration } from '@sentry/core';

/** What makes two error events the same for Sentry's dedupe: message, first exception, fingerprint, frames. */
function signatureOf(event: Event): string {
  const values = event.exception?.values ?? [];
  const frames = values.flatMap((value) => value.stacktrace?.frames ?? []).map((frame) => [frame.filename, frame.lineno, frame.colno, frame.function]);
  return JSON.stringify([event.message, values[0]?.type, values[0]?.value, event.fingerprint, frames]);
}

/**
 * An error event identical to the one sent before it (same message, same first exception type and value,
 * same fingerprint, same stack frames) is dropped: one error thrown in a loop is one event. Sentry's dedupe
 * integration does this with a comparison per field; one signature is a fraction of the bytes.
 */
export function dedupeIntegration(): Integration {
  let previous: string | undefined;
  return {
    name: 'Dedupe',
    processEvent(event) {
      if (event.type) return event; // (a transaction or feedback: only errors and messages are compared)
      let signature: string;
      try {
        signature = signatureOf(event);
      } catch {
        return event; // (a value JSON cannot hold: never drop what cannot be compared)
      }
      if (signature === previous) return null;
      previous = signature;
      return event;
    },
  };
}
