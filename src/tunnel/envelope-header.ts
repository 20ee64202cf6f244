// Routing needs the envelope's header only: its first line. The items after it are forwarded untouched,
// so an item parseEnvelope would stumble on (an attachment of length 0 is read as "no length") costs nothing.
import { parseEnvelope } from '@sentry/core';

const NEWLINE = 0x0a;

/** The DSN named in the envelope's header, or why there is none. */
export function envelopeDsn(body: Uint8Array): string | { problem: string } {
  const end = body.indexOf(NEWLINE);
  let header: unknown;
  try {
    [header] = parseEnvelope(end === -1 ? body : body.subarray(0, end));
  } catch {
    return { problem: 'not a Sentry envelope' };
  }
  const dsn = typeof header === 'object' && header !== null ? (header as { dsn?: unknown }).dsn : undefined;
  return typeof dsn === 'string' ? dsn : { problem: 'the envelope header names no dsn' };
}
