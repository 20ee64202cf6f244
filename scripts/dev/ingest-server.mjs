// @ts-check
// A local stand-in for Sentry's ingest: accepts envelopes on 127.0.0.1 at an OS-picked port,
// answers with the CORS headers Sentry's ingest sends, and parses every envelope with
// @sentry/core's parseEnvelope. Used by the e2e tests and by `npm start`.
import { createServer } from 'node:http';
import { parseEnvelope } from '@sentry/core';

/**
 * @typedef {{ type: string, payload: any, headers: any, projectId: string, url: string, origin?: string, receivedAt: number }} IngestItem
 * (`origin`: the request's Origin header, what Sentry's Allowed Domains check reads)
 * @typedef {{ status: number, headers?: Record<string, string>, delayMs?: number } | { unreachable: true, delayMs?: number }} IngestReply
 *   delayMs: how long the answer (or, unreachable, the cut) waits, so a test can act while a send is under way
 *   unreachable: the connection is cut with no answer, as when the network is down (the browser's fetch fails)
 * @typedef {(request: { projectId: string, items: IngestItem[] }) => IngestReply | undefined} Responder
 */

const CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': 'Content-Type, X-Sentry-Auth',
  'Access-Control-Allow-Methods': 'POST, OPTIONS',
  'Access-Control-Expose-Headers': 'X-Sentry-Error, X-Sentry-Rate-Limits, Retry-After',
};

const ENVELOPE_PATH = /^\/api\/(\d+)\/envelope\/?$/;
const STREAM_PATH = '/items/stream';

/**
 * One readable line for an item: what `npm start` prints and the demo page lists.
 * @param {IngestItem} item
 */
export function summarize(item) {
  const { type, payload } = item;
  if (type === 'event') {
    const user = payload.user ? Object.entries(payload.user).map(([key, value]) => `${key}=${value}`).join(',') : '-';
    // A captured message may carry a synthetic stack as an exception; its message is what it says.
    const exception = payload.message === undefined ? payload.exception?.values?.at(-1) : undefined;
    const text = exception ? `${exception.type}: ${exception.value}` : payload.message ?? payload.logentry?.message;
    const kind = exception ? (exception.mechanism?.handled === false ? 'unhandled error' : 'error') : `message (${payload.level})`;
    return `event    ${kind}  "${text}"  release=${payload.release ?? '-'}  environment=${payload.environment ?? '-'}  user=${user}`;
  }
  if (type === 'blocked') return `blocked  ${payload.url} (content-blocker simulation)`;
  if (type === 'replay_event') return `replay   ${payload.replay_type}  replay_id=${payload.replay_id}  segment=${payload.segment_id}  error_ids=${(payload.error_ids ?? []).join(',') || '-'}`;
  if (type === 'replay_recording') return `replay_recording  ${payload.length} bytes`;
  if (type === 'session') {
    return `session  status=${payload.status}  errors=${payload.errors}  release=${payload.attrs?.release ?? '-'}`;
  }
  return type;
}

/** @param {import('node:http').IncomingMessage} request @returns {Promise<Buffer>} */
function readBody(request) {
  return new Promise((resolve, reject) => {
    /** @type {Buffer[]} */
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/**
 * @param {{ onItem?: (item: IngestItem) => void, blocks?: (url: URL) => boolean }} [options] `blocks`: the
 *   demo's content-blocker simulation; a matching envelope request is cut off as a blocker would (no answer).
 */
export async function startIngestServer(options = {}) {
  /** @type {IngestItem[]} */
  const items = [];
  /** @type {Set<() => void>} */
  const listeners = new Set();
  /** @type {Map<string, Responder>} */
  const responders = new Map();

  /**
   * Server-sent events of every item as it arrives (the demo page lists them). EventSource is not
   * one of the APIs Sentry instruments, so watching the ingest adds no breadcrumbs to the page.
   * Items received before `since` (ms since the epoch: the page passes when it started loading) are skipped.
   * @param {import('node:http').ServerResponse} response @param {number} since
   */
  function streamItems(response, since) {
    response.writeHead(200, { ...CORS_HEADERS, 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' });
    let sent = 0;
    const push = () => {
      for (const item of items.slice(sent).filter((candidate) => candidate.receivedAt >= since)) {
        // (a replay recording's bytes are not for the page: their count is)
        const payload = item.payload instanceof Uint8Array ? { bytes: item.payload.length } : item.payload;
        response.write(`data: ${JSON.stringify({ type: item.type, line: summarize(item), payload, url: item.url })}\n\n`);
      }
      sent = items.length;
    };
    push();
    listeners.add(push);
    response.on('close', () => listeners.delete(push));
  }

  const server = createServer(async (request, response) => {
    try {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      if (request.method === 'GET' && url.pathname === STREAM_PATH) {
        streamItems(response, Number(url.searchParams.get('since') ?? 0));
        return;
      }
      if (request.method === 'OPTIONS') {
        response.writeHead(204, CORS_HEADERS).end();
        return;
      }
      const match = ENVELOPE_PATH.exec(url.pathname);
      if (request.method === 'POST' && match && options.blocks?.(url)) {
        // Listed for the demo's inspector, then cut off: the browser sees a failed request, as behind a blocker.
        items.push({ type: 'blocked', payload: { url: url.href }, headers: {}, projectId: match[1] ?? '', url: url.href, receivedAt: Date.now() });
        for (const listener of listeners) listener();
        request.socket.destroy();
        return;
      }
      if (request.method !== 'POST' || !match) {
        response.writeHead(404, CORS_HEADERS).end();
        return;
      }
      const projectId = /** @type {string} */ (match[1]);
      const [envelopeHeaders, envelopeItems] = parseEnvelope(await readBody(request));
      const parsed = envelopeItems.map(([itemHeaders, payload]) => ({
        type: String(itemHeaders.type),
        payload,
        headers: envelopeHeaders,
        projectId,
        url: url.href,
        ...(request.headers.origin !== undefined && { origin: request.headers.origin }),
        receivedAt: Date.now(),
      }));
      const reply = responders.get(projectId)?.({ projectId, items: parsed }) ?? { status: 200 };
      if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
      if ('unreachable' in reply) {
        request.socket.destroy();
        return;
      }
      if (reply.status >= 200 && reply.status < 300) {
        for (const item of parsed) {
          items.push(item);
          options.onItem?.(item);
        }
        for (const listener of listeners) listener();
      }
      response.writeHead(reply.status, { ...CORS_HEADERS, 'Content-Type': 'application/json', ...reply.headers });
      response.end('{}');
    } catch (error) {
      response.writeHead(400, CORS_HEADERS).end(String(error));
    }
  });

  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('ingest server has no port');
  const origin = `http://127.0.0.1:${address.port}`;

  return {
    origin,
    /** Every item received so far (events, sessions, client reports), oldest first. */
    items,
    /** A DSN whose events land under `projectId`. */
    /** @param {string | number} projectId */
    dsnFor(projectId) {
      return `http://public@127.0.0.1:${address.port}/${projectId}`;
    },
    /**
     * Lists something that is not an envelope item beside what arrived, for the demo's inspector (the Segment
     * call a sent error became, with trackErrors on).
     * @param {string} type @param {unknown} payload
     */
    note(type, payload) {
      items.push({ type, payload, headers: {}, projectId: '', url: '', receivedAt: Date.now() });
      for (const listener of listeners) listener();
    },
    /** Decide how the ingest answers requests for one project (status, headers, delay). */
    /** @param {string} projectId @param {Responder | undefined} responder */
    respondWith(projectId, responder) {
      if (responder) responders.set(projectId, responder);
      else responders.delete(projectId);
    },
    /**
     * Resolves with the first item (already received or still to come) that matches, or rejects
     * after `timeoutMs` with what did arrive, so a failure says what was sent instead.
     * @param {(item: IngestItem) => boolean} predicate
     * @param {{ timeoutMs?: number | undefined, description?: string }} [waitOptions]
     * @returns {Promise<IngestItem>}
     */
    waitForItem(predicate, { timeoutMs = 10_000, description = 'a matching item' } = {}) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = items.find(predicate);
          if (!found) return false;
          clearTimeout(timer);
          listeners.delete(onItem);
          resolve(found);
          return true;
        };
        const onItem = () => void check();
        const timer = setTimeout(() => {
          listeners.delete(onItem);
          const seen = items.map((item) => `${item.projectId}/${item.type}`).join(', ') || 'nothing';
          reject(new Error(`ingest: no ${description} within ${timeoutMs} ms; received: ${seen}`));
        }, timeoutMs);
        if (!check()) listeners.add(onItem);
      });
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}

/** @typedef {Awaited<ReturnType<typeof startIngestServer>>} IngestServer */
