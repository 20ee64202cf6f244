// segment-sentry/tunnel/node: mounts the Fetch API tunnel handler on Node's own HTTP server (node:http,
// Express, Fastify's raw handler): one (request, response) listener. Kept apart from the handler so
// that edge runtimes, which have no node:stream, never load it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TunnelHandler } from './handler.js';
import { DRAIN_BYTES } from './read-body.js';

// How long, and how much, a client whose body was refused unread (413, 408, 403) may keep sending after
// its answer went out: reading on (and dropping) lets it read the answer instead of a reset. Past the
// bytes (as much as the handler drains past its limit), the connection is left unread until the time is
// up, then closed.
const LINGER_MS = 2_000;
const LINGER_BYTES = DRAIN_BYTES;

/**
 * The request body as a web stream that reads only when asked (so a refused body stays unread) and
 * whose cancel stops reading without destroying the socket: the answer must still reach the client.
 * `detach` lets go of the body whether or not the handler read or cancelled it.
 */
function bodyStream(incoming: IncomingMessage): { stream: ReadableStream<Uint8Array>; detach(): void } {
  incoming.pause();
  let onData: ((chunk: Buffer) => void) | undefined;
  let finish: (() => void) | undefined;
  const detach = () => {
    if (onData) incoming.removeListener('data', onData);
    if (finish) incoming.removeListener('end', finish);
  };
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      onData = (chunk) => {
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 0) <= 0) incoming.pause();
      };
      incoming.on('data', onData);
      finish = () => controller.close();
      incoming.once('end', finish);
      incoming.once('error', (error) => controller.error(error));
      // The client went away mid-body.
      incoming.once('aborted', () => controller.error(new Error('aborted')));
    },
    pull() {
      incoming.resume();
    },
    // Only this stream's own listeners: the answer's drain (respondWith) may already be reading.
    cancel: detach,
  }, { highWaterMark: 64 * 1024, size: (chunk) => chunk.byteLength });
  return { stream, detach };
}

function requestFrom(incoming: IncomingMessage, body: ReadableStream<Uint8Array> | null): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming.headers)) {
    for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, one);
  }
  return new Request(new URL(incoming.url ?? '/', 'http://tunnel.invalid'), {
    method: incoming.method ?? 'GET',
    headers,
    body,
    // Node's fetch needs this to take a stream as a request body.
    duplex: 'half',
  } as RequestInit);
}

/**
 * Sends the answer. When the body was left unread (a refusal), the answer is written whole (its length
 * declared, so the client has all of it) but not ended until the client has stopped sending, or a bound
 * in time or bytes is reached: what the client still sends is read and dropped. Ending at once would let
 * Node close the socket (it does when the client asked for `Connection: close`) with the client's bytes
 * still arriving, and the client would meet a reset instead of its answer.
 */
async function respondWith(incoming: IncomingMessage, outgoing: ServerResponse, response: Response, detachBody?: () => void): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  detachBody?.();
  const headers = Object.fromEntries(response.headers);
  // (A 204 has no body and may not say so.)
  if (response.status !== 204 && response.status !== 304) headers['content-length'] = String(body.byteLength);
  outgoing.writeHead(response.status, headers);
  if (incoming.complete) {
    outgoing.end(body);
    return;
  }
  outgoing.write(body);
  let dropped = 0;
  const deadline = setTimeout(() => {
    finish();
    incoming.socket.destroy();
  }, LINGER_MS);
  const finish = () => {
    clearTimeout(deadline);
    if (!outgoing.writableEnded) outgoing.end();
  };
  const drop = (chunk: Buffer) => {
    dropped += chunk.byteLength;
    if (dropped <= LINGER_BYTES) return;
    // Enough read for nothing: stop reading, but do not close yet. Closing with the client's bytes unread
    // would reset the connection, and a reset can discard the answer before the client has read it.
    incoming.removeListener('data', drop);
    incoming.pause();
  };
  incoming.on('data', drop);
  incoming.once('end', finish);
  incoming.socket.once('close', finish);
  incoming.resume();
}

/** A node:http listener that answers with `handler`, passing on the peer address as the visitor's. */
export function nodeTunnelListener(handler: TunnelHandler): (incoming: IncomingMessage, outgoing: ServerResponse) => void {
  return (incoming, outgoing) => {
    const respond = async (): Promise<void> => {
      const body = incoming.method !== 'GET' && incoming.method !== 'HEAD' ? bodyStream(incoming) : undefined;
      let request: Request;
      try {
        request = requestFrom(incoming, body?.stream ?? null);
      } catch {
        // Fetch's Request refuses methods like CONNECT and TRACE: none of them is a POST.
        await respondWith(incoming, outgoing, new Response(null, { status: 405, headers: { Allow: 'POST' } }), body?.detach);
        return;
      }
      await respondWith(incoming, outgoing, await handler(request, { clientAddress: incoming.socket.remoteAddress ?? null }), body?.detach);
    };
    respond().catch(() => {
      if (!outgoing.headersSent) outgoing.writeHead(500);
      outgoing.end();
    });
  };
}
