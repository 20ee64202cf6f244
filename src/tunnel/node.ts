// segment-sentry/tunnel/node: mounts the Fetch API tunnel handler on Node's own HTTP server (node:http,
// Express, Fastify's raw handler): one (request, response) listener. Kept apart from the handler so
// that edge runtimes, which have no node:stream, never load it. Whatever it adds for a request (a
// listener, a timer) it removes when that request ends, however it ends: a keep-alive connection
// outlives many requests, and must not carry what each one left.
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TunnelHandler } from './handler.js';
import { DRAIN_BYTES } from './read-body.js';

// How long, and how much, a client whose body was refused unread (413, 408, 403) may keep sending after
// its answer went out: reading on (and dropping) lets it read the answer instead of a reset. Past the
// bytes (as much as the handler drains past its limit), the connection is left unread until the time is
// up, then closed.
const LINGER_MS = 2_000;
const LINGER_BYTES = DRAIN_BYTES;

// `Expect: 100-continue`: Node answers `100 Continue` itself before any request listener runs, unless the
// server listens for 'checkContinue'; a client told to go on then sends the body the tunnel is about to
// refuse. So, on the first request the tunnel answers, it learns its server and listens there: a request
// expecting 100 Continue is passed to the server's request listeners as Node would, and one the tunnel
// takes (synchronously, as node:http and Express route) owes its 100 Continue until the handler reads the
// body. Any other is told to go on at once, as Node would have. A server with its own 'checkContinue'
// listener, then or later, is left to it.
const continueOwed = new WeakSet<IncomingMessage>();
const serversWatched = new WeakSet<EventEmitter>();

function refuseBeforeContinue(server: unknown): void {
  if (!(server instanceof EventEmitter) || serversWatched.has(server) || server.listenerCount('checkContinue') > 0) return;
  serversWatched.add(server);
  const onCheckContinue = (incoming: IncomingMessage, outgoing: ServerResponse) => {
    if (server.listenerCount('checkContinue') > 1) {
      server.removeListener('checkContinue', onCheckContinue);
      return;
    }
    continueOwed.add(incoming);
    server.emit('request', incoming, outgoing);
    // (A route that answered at once needs no 100 Continue, and one after its answer would corrupt the connection.)
    if (continueOwed.delete(incoming) && !outgoing.headersSent) outgoing.writeContinue();
  };
  server.on('checkContinue', onCheckContinue);
}

/**
 * The request body as a web stream that reads only when the handler asks (so a refused body stays
 * unread, and a `100 Continue` owed is sent only then) and whose cancel stops reading without destroying
 * the socket: the answer must still reach the client. `detach` lets go of the body whether or not the
 * handler read or cancelled it.
 */
function bodyStream(incoming: IncomingMessage, beforeFirstRead?: () => void): { stream: ReadableStream<Uint8Array>; detach(): void } {
  incoming.pause();
  let detach: () => void = () => undefined;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const onData = (chunk: Buffer) => {
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        incoming.pause();
      };
      const onEnd = () => controller.close();
      const onError = (error: Error) => controller.error(error);
      // The client went away mid-body.
      const onAborted = () => controller.error(new Error('aborted'));
      incoming.on('data', onData).once('end', onEnd).once('error', onError).once('aborted', onAborted);
      detach = () => {
        incoming.removeListener('data', onData).removeListener('end', onEnd).removeListener('error', onError).removeListener('aborted', onAborted);
      };
    },
    pull() {
      beforeFirstRead?.();
      beforeFirstRead = undefined;
      incoming.resume();
    },
    // Only this stream's own listeners: the answer's drain (respondWith) may already be reading.
    cancel: () => detach(),
    // No read ahead: pull() runs only for a read the handler asked for, one chunk at a time.
  }, { highWaterMark: 0 });
  return { stream, detach: () => detach() };
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
  const drop = (chunk: Buffer) => {
    dropped += chunk.byteLength;
    if (dropped <= LINGER_BYTES) return;
    // Enough read for nothing: stop reading, but do not close yet. Closing with the client's bytes unread
    // would reset the connection, and a reset can discard the answer before the client has read it.
    incoming.removeListener('data', drop);
    incoming.pause();
  };
  // Everything the linger added goes with it. On the request and the response only, never on the socket:
  // a keep-alive connection outlives the request ('close' on the response is Node's own for the connection
  // closing before the response ended).
  const finish = () => {
    clearTimeout(deadline);
    incoming.removeListener('data', drop);
    incoming.removeListener('end', finish);
    outgoing.removeListener('close', finish);
    if (!outgoing.writableEnded) outgoing.end();
  };
  incoming.on('data', drop);
  incoming.once('end', finish);
  outgoing.once('close', finish);
  incoming.resume();
}

/** A node:http listener that answers with `handler`, passing on the peer address as the visitor's. */
export function nodeTunnelListener(handler: TunnelHandler): (incoming: IncomingMessage, outgoing: ServerResponse) => void {
  return (incoming, outgoing) => {
    const owesContinue = continueOwed.delete(incoming);
    refuseBeforeContinue((incoming.socket as { server?: unknown } | null)?.server);
    const respond = async (): Promise<void> => {
      const body = incoming.method !== 'GET' && incoming.method !== 'HEAD' ? bodyStream(incoming, owesContinue ? () => outgoing.writeContinue() : undefined) : undefined;
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
