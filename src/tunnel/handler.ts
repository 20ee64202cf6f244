// segment-sentry/tunnel: the server side of the `tunnel` setting. Content blockers drop every
// request to Sentry's ingest (EasyPrivacy: `||sentry.io^$third-party`, `/?sentry_key=`); with
// `tunnel` set, the browser sends its envelopes to the site's own origin instead, and this handler
// forwards them to Sentry. It is an internet-facing endpoint, so it forwards nothing it was not told
// to: only envelopes whose header names an allowed DSN, only to that DSN's ingest, bounded in size.
// Standard Fetch API only (Request, Response, fetch, streams): Node 20+, Deno, Bun, edge runtimes.
import { parseEnvelope } from '@sentry/core';
import { dsnParts, type DsnParts } from '../settings/dsn';

export interface TunnelOptions {
  /** The DSNs whose envelopes are forwarded; any other envelope is refused with 403. */
  allowedDsns: readonly string[];
  /** The largest envelope accepted, in bytes (default 1 MiB, Sentry's own limit for a compressed envelope). */
  maxBodyBytes?: number;
  /** How long to wait for Sentry's ingest before answering 502 (default 10 s). */
  upstreamTimeoutMs?: number;
  /** How the ingest is reached (default: the runtime's `fetch`); a test or an HTTP agent can stand in. */
  fetch?: typeof fetch;
}

export interface TunnelRequestInfo {
  /** The visitor's address as the server saw it (Node's `socket.remoteAddress`, Cloudflare's `CF-Connecting-IP`). */
  clientAddress?: string | null;
}

export type TunnelHandler = (request: Request, info?: TunnelRequestInfo) => Promise<Response>;

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const DEFAULT_UPSTREAM_TIMEOUT_MS = 10_000;

// Sentry's ingest answers browsers with these; a tunnel on another origin than the page needs them too,
// or the browser could not read the rate-limit headers below.
const CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'Retry-After, X-Sentry-Rate-Limits',
};
// What the browser SDK reads from the ingest's answer: its rate-limit handling needs both.
const PASSED_BACK_HEADERS = ['Retry-After', 'X-Sentry-Rate-Limits'];
// Statuses whose response may not have a body.
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

function refuse(status: number, reason: string, headers: Record<string, string> = {}): Response {
  return new Response(`${reason}\n`, { status, headers: { ...CORS_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', ...headers } });
}

/** Two DSNs name the same project at the same ingest. */
function sameProject(a: DsnParts, b: DsnParts): boolean {
  return a.protocol === b.protocol && a.hostname === b.hostname && a.port === b.port && a.publicKey === b.publicKey && a.projectId === b.projectId;
}

/** Where Sentry takes envelopes for this project: built from the allowed DSN, never from the request. */
function ingestUrl({ protocol, hostname, port, pathPrefix, projectId }: DsnParts): string {
  return `${protocol}//${hostname}${port ? `:${port}` : ''}${pathPrefix}/api/${projectId}/envelope/`;
}

/** Reads at most `limit` bytes of the body; undefined when there are more (the rest is never read). */
async function readBounded(request: Request, limit: number): Promise<Uint8Array<ArrayBuffer> | undefined> {
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/** The DSN named in the envelope's header, or why there is none. parseEnvelope reads the envelope as Sentry does. */
function envelopeDsn(body: Uint8Array): string | { problem: string } {
  let header: unknown;
  try {
    [header] = parseEnvelope(body);
  } catch {
    return { problem: 'not a Sentry envelope' };
  }
  const dsn = typeof header === 'object' && header !== null ? (header as { dsn?: unknown }).dsn : undefined;
  return typeof dsn === 'string' ? dsn : { problem: 'the envelope header names no dsn' };
}

function forwardedFor(request: Request, info: TunnelRequestInfo | undefined): string | undefined {
  const chain = request.headers.get('X-Forwarded-For')?.trim();
  const address = info?.clientAddress?.trim();
  if (!address) return chain || undefined;
  return chain ? `${chain}, ${address}` : address;
}

/**
 * A Fetch API handler that forwards the browser's Sentry envelopes to Sentry's ingest. It answers
 * 405 to anything but POST, 413 to a body over the limit, 400 to what is not an envelope with a
 * `dsn` in its header, 403 to a DSN not in `allowedDsns`, 502 when the ingest cannot be reached,
 * and otherwise the ingest's own status with its rate-limit headers.
 */
export function createTunnelHandler(options: TunnelOptions): TunnelHandler {
  const allowed = options.allowedDsns.map((dsn) => {
    const parts = dsnParts(dsn);
    if ('problem' in parts) throw new TypeError(`segment-sentry/tunnel: allowedDsns: ${parts.problem}`);
    return parts;
  });
  if (allowed.length === 0) throw new TypeError('segment-sentry/tunnel: allowedDsns is empty, so nothing could be forwarded');
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const timeoutMs = options.upstreamTimeoutMs ?? DEFAULT_UPSTREAM_TIMEOUT_MS;

  return async (request, info) => {
    if (request.method !== 'POST') return refuse(405, 'only POST', { Allow: 'POST' });
    const declared = Number(request.headers.get('Content-Length'));
    if (declared > maxBodyBytes) return refuse(413, `envelopes are at most ${maxBodyBytes} bytes`);
    let body: Uint8Array<ArrayBuffer> | undefined;
    try {
      body = await readBounded(request, maxBodyBytes);
    } catch {
      return refuse(400, 'the body could not be read');
    }
    if (!body) return refuse(413, `envelopes are at most ${maxBodyBytes} bytes`);

    const dsn = envelopeDsn(body);
    if (typeof dsn !== 'string') return refuse(400, dsn.problem);
    const parts = dsnParts(dsn);
    const target = 'problem' in parts ? undefined : allowed.find((candidate) => sameProject(candidate, parts));
    if (!target) return refuse(403, 'this tunnel does not forward envelopes for that DSN');

    const headers: Record<string, string> = { 'Content-Type': 'application/x-sentry-envelope' };
    const address = forwardedFor(request, info);
    if (address) headers['X-Forwarded-For'] = address;
    let upstream: Response;
    try {
      upstream = await (options.fetch ?? fetch)(ingestUrl(target), {
        method: 'POST',
        body,
        headers,
        // A redirect could lead anywhere; the tunnel talks to the allowed ingest and nothing else.
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch {
      return refuse(502, 'Sentry could not be reached');
    }
    const answer: Record<string, string> = { ...CORS_HEADERS, 'Content-Type': 'application/json' };
    for (const name of PASSED_BACK_HEADERS) {
      const value = upstream.headers.get(name);
      if (value !== null) answer[name] = value;
    }
    // Only the status and headers matter to the SDK; the ingest's small JSON answer is passed on as it is.
    // (An opaque redirect has status 0: the ingest sent the browser elsewhere, which is not an answer.)
    const status = upstream.status >= 200 && upstream.status <= 599 ? upstream.status : 502;
    const text = await upstream.text().catch(() => '');
    return new Response(NULL_BODY_STATUSES.has(status) ? null : text, { status, headers: answer });
  };
}
