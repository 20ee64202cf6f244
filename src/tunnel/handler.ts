// segment-sentry/tunnel: the server side of the `tunnel` setting. Content blockers drop every
// request to Sentry's ingest (EasyPrivacy: `||sentry.io^$third-party`, `/?sentry_key=`); with
// `tunnel` set, the browser sends its envelopes to the site's own origin instead, and this handler
// forwards them to Sentry. It is an internet-facing endpoint, so it forwards nothing it was not told
// to: only envelopes whose header names an allowed DSN, only to that DSN's ingest, bounded in size.
// Standard Fetch API only (Request, Response, fetch, streams): Node 20+, Deno, Bun, edge runtimes.
import { dsnParts, type DsnParts } from '../settings/dsn';
import { vouchedClientAddress } from './client-address.js';
import { envelopeDsn } from './envelope-header.js';
import { checkOrigin, parseAllowedOrigins } from './origins.js';
import { readBody } from './read-body.js';

export interface TunnelOptions {
  /** The DSNs whose envelopes are forwarded; any other envelope is refused with 403. */
  allowedDsns: readonly string[];
  /**
   * Pages on other origins that may send through this tunnel (`https://shop.example`); they get CORS answers,
   * and a request from any other origin is refused with 403 before its body is read. Without it, the tunnel
   * serves its own origin only: a browser request from another site is refused, and no answer carries CORS.
   */
  allowedOrigins?: readonly string[];
  /**
   * How many proxies in front of this server append to `X-Forwarded-For` (default 0: the header is ignored
   * and the visitor's address is the one the server saw, `clientAddress`). With 1, the header's last entry is
   * the visitor's (one load balancer, or a platform such as Vercel that sets the header itself).
   */
  trustedProxies?: number;
  /** The largest envelope accepted, in bytes (default 1 MiB, Sentry's own limit for a compressed envelope). */
  maxBodyBytes?: number;
  /** How long a client has to send its whole body, in ms, before it is answered 408 (default 10 s). */
  bodyTimeoutMs?: number;
  /** Requests handled at once; beyond that, 503 with `Retry-After` (default 100). With `maxBodyBytes`, this bounds memory. */
  maxInFlight?: number;
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
const DEFAULT_BODY_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_IN_FLIGHT = 100;
const DEFAULT_UPSTREAM_TIMEOUT_MS = 10_000;

// What the browser SDK reads from the ingest's answer: its rate-limit handling needs both.
const PASSED_BACK_HEADERS = ['Retry-After', 'X-Sentry-Rate-Limits'];
// What Sentry's ingest checks a browser's envelope by: the project's Allowed Domains (Origin, else Referer)
// and its inbound filters (User-Agent). Forwarded as the browser sent them.
const FORWARDED_HEADERS = ['Origin', 'Referer', 'User-Agent'];
// Statuses whose response may not have a body.
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

function refuse(status: number, reason: string, headers: Record<string, string> = {}): Response {
  return new Response(`${reason}\n`, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', ...headers } });
}

/** Two DSNs name the same project at the same ingest. */
function sameProject(a: DsnParts, b: DsnParts): boolean {
  return a.protocol === b.protocol && a.hostname === b.hostname && a.port === b.port && a.publicKey === b.publicKey && a.projectId === b.projectId;
}

/** Where Sentry takes envelopes for this project: built from the allowed DSN, never from the request. */
function ingestUrl({ protocol, hostname, port, pathPrefix, projectId }: DsnParts): string {
  return `${protocol}//${hostname}${port ? `:${port}` : ''}${pathPrefix}/api/${projectId}/envelope/`;
}

/** A numeric option, or its default; a value it cannot use stops the tunnel from being made at all. */
function numberOption(name: string, value: number | undefined, fallback: number, { min = 1, whole = false } = {}): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < min || (whole && !Number.isInteger(value))) {
    throw new TypeError(`segment-sentry/tunnel: ${name} must be a ${whole ? 'whole ' : ''}number of at least ${min}, got ${value}`);
  }
  return value;
}

/**
 * A Fetch API handler that forwards the browser's Sentry envelopes to Sentry's ingest. Before reading
 * anything it answers 403 to a page it does not serve, 405 to anything but POST (an allowed page's
 * preflight gets 204), 503 when `maxInFlight` requests are being handled, 413 to a declared length over
 * the limit; then 413 to a body over the limit,
 * 408 to one not sent within `bodyTimeoutMs`, 400 to what is not an envelope with a `dsn` in its header,
 * 403 to a DSN not in `allowedDsns`, 502 when the ingest cannot be reached, and otherwise the ingest's
 * own status with its rate-limit headers.
 */
export function createTunnelHandler(options: TunnelOptions): TunnelHandler {
  const allowed = options.allowedDsns.map((dsn) => {
    const parts = dsnParts(dsn);
    if ('problem' in parts) throw new TypeError(`segment-sentry/tunnel: allowedDsns: ${parts.problem}`);
    return parts;
  });
  if (allowed.length === 0) throw new TypeError('segment-sentry/tunnel: allowedDsns is empty, so nothing could be forwarded');
  const allowedOrigins = parseAllowedOrigins(options.allowedOrigins);
  const trustedProxies = numberOption('trustedProxies', options.trustedProxies, 0, { min: 0, whole: true });
  const maxBodyBytes = numberOption('maxBodyBytes', options.maxBodyBytes, DEFAULT_MAX_BODY_BYTES);
  const bodyTimeoutMs = numberOption('bodyTimeoutMs', options.bodyTimeoutMs, DEFAULT_BODY_TIMEOUT_MS);
  const maxInFlight = numberOption('maxInFlight', options.maxInFlight, DEFAULT_MAX_IN_FLIGHT, { whole: true });
  const upstreamTimeoutMs = numberOption('upstreamTimeoutMs', options.upstreamTimeoutMs, DEFAULT_UPSTREAM_TIMEOUT_MS);
  let inFlight = 0;

  const forward = async (request: Request, info: TunnelRequestInfo | undefined, cors: Record<string, string>): Promise<Response> => {
    const tooLarge = () => refuse(413, `envelopes are at most ${maxBodyBytes} bytes`, cors);
    if (Number(request.headers.get('Content-Length')) > maxBodyBytes) return tooLarge();
    const read = await readBody(request, maxBodyBytes, Date.now() + bodyTimeoutMs);
    if ('refused' in read) {
      if (read.refused === 'too large') return tooLarge();
      if (read.refused === 'too slow') return refuse(408, `the body must arrive within ${bodyTimeoutMs} ms`, cors);
      return refuse(400, 'the body could not be read', cors);
    }
    const { body } = read;

    const dsn = envelopeDsn(body);
    if (typeof dsn !== 'string') return refuse(400, dsn.problem, cors);
    const parts = dsnParts(dsn);
    const target = 'problem' in parts ? undefined : allowed.find((candidate) => sameProject(candidate, parts));
    if (!target) return refuse(403, 'this tunnel does not forward envelopes for that DSN', cors);

    const headers: Record<string, string> = { 'Content-Type': 'application/x-sentry-envelope' };
    for (const name of FORWARDED_HEADERS) {
      const value = request.headers.get(name);
      if (value !== null) headers[name] = value;
    }
    const address = vouchedClientAddress(request, info?.clientAddress, trustedProxies);
    if (address) headers['X-Forwarded-For'] = address;
    // The ingest's whole answer, headers and body, within upstreamTimeoutMs; the timer goes with the request
    // (AbortSignal.timeout's would outlive it by up to that long).
    const upstreamTimeout = new AbortController();
    const timer = setTimeout(() => upstreamTimeout.abort(), upstreamTimeoutMs);
    try {
      let upstream: Response;
      try {
        upstream = await (options.fetch ?? fetch)(ingestUrl(target), {
          method: 'POST',
          body,
          headers,
          // A redirect could lead anywhere; the tunnel talks to the allowed ingest and nothing else.
          redirect: 'manual',
          signal: upstreamTimeout.signal,
        });
      } catch {
        return refuse(502, 'Sentry could not be reached', cors);
      }
      const answer: Record<string, string> = { ...cors, 'Content-Type': 'application/json' };
      for (const name of PASSED_BACK_HEADERS) {
        const value = upstream.headers.get(name);
        if (value !== null) answer[name] = value;
      }
      // Only the status and headers matter to the SDK; the ingest's small JSON answer is passed on as it is.
      // (An opaque redirect has status 0: the ingest sent the browser elsewhere, which is not an answer.)
      const status = upstream.status >= 200 && upstream.status <= 599 ? upstream.status : 502;
      const text = await upstream.text().catch(() => '');
      return new Response(NULL_BODY_STATUSES.has(status) ? null : text, { status, headers: answer });
    } finally {
      clearTimeout(timer);
    }
  };

  return async (request, info) => {
    const origin = checkOrigin(request, allowedOrigins);
    if (!origin.allowed) return refuse(403, origin.reason);
    const { cors } = origin;
    // A cross-origin page's browser asks before a request it may not send plainly; Sentry's SDK sends none such.
    if (request.method === 'OPTIONS' && allowedOrigins) {
      return new Response(null, { status: 204, headers: { ...cors, 'Access-Control-Allow-Methods': 'POST', 'Access-Control-Allow-Headers': 'Content-Type', 'Access-Control-Max-Age': '86400' } });
    }
    if (request.method !== 'POST') return refuse(405, 'only POST', { ...cors, Allow: 'POST' });
    if (inFlight >= maxInFlight) return refuse(503, 'the tunnel is busy', { ...cors, 'Retry-After': '1' });
    inFlight++;
    try {
      return await forward(request, info, cors);
    } finally {
      inFlight--;
    }
  };
}
