// segment-sentry/tunnel/node: mounts the Fetch API tunnel handler on Node's own HTTP server (node:http,
// Express, Fastify's raw handler): one (request, response) listener. Kept apart from the handler so
// that edge runtimes, which have no node:stream, never load it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { TunnelHandler } from './handler.js';

function requestFrom(incoming: IncomingMessage): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming.headers)) {
    for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, one);
  }
  const hasBody = incoming.method !== 'GET' && incoming.method !== 'HEAD';
  return new Request(new URL(incoming.url ?? '/', 'http://tunnel.invalid'), {
    method: incoming.method ?? 'GET',
    headers,
    body: hasBody ? (Readable.toWeb(incoming) as ReadableStream<Uint8Array>) : null,
    // Node's fetch needs this to take a stream as a request body.
    duplex: 'half',
  } as RequestInit);
}

/** A node:http listener that answers with `handler`, passing on the peer address as the visitor's. */
export function nodeTunnelListener(handler: TunnelHandler): (incoming: IncomingMessage, outgoing: ServerResponse) => void {
  return (incoming, outgoing) => {
    const respond = async (): Promise<void> => {
      let request: Request;
      try {
        request = requestFrom(incoming);
      } catch {
        // Fetch's Request refuses methods like CONNECT and TRACE: none of them is a POST.
        outgoing.writeHead(405, { Allow: 'POST' }).end();
        return;
      }
      const response = await handler(request, { clientAddress: incoming.socket.remoteAddress ?? null });
      outgoing.writeHead(response.status, Object.fromEntries(response.headers));
      outgoing.end(Buffer.from(await response.arrayBuffer()));
    };
    respond().catch(() => {
      if (!outgoing.headersSent) outgoing.writeHead(500);
      outgoing.end();
    });
  };
}
