// What the tunnel's tests share: a stand-in for Sentry's ingest on 127.0.0.1 that records what it is
// sent byte for byte, real envelopes as the browser SDK makes them, and an HTTP client that can do
// what a hostile or slow client does (stall, trickle, stream an endless body) and tell a clean answer
// from a reset connection; and a keep-alive connection spoken by hand, request after request.
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import { once } from 'node:events';
import { connect } from 'node:net';
import { createEnvelope, serializeEnvelope, type Envelope } from '@sentry/core';

export interface Received {
  path: string;
  body: Buffer;
  headers: IncomingMessage['headers'];
}

export interface IngestAnswer {
  status: number;
  headers?: Record<string, string>;
}

/** A stand-in for Sentry's ingest that records what it is sent and answers as `answer` says (200 by default). */
export async function startUpstream() {
  const received: Received[] = [];
  let answer: () => IngestAnswer = () => ({ status: 200 });
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ path: request.url ?? '', body: Buffer.concat(chunks), headers: request.headers });
      const { status, headers } = answer();
      response.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end('{"id":"answered"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    received,
    answerWith: (next: () => IngestAnswer) => void (answer = next),
    reset: () => {
      received.length = 0;
      answer = () => ({ status: 200 });
    },
    dsn: (projectId = 42, key = 'publickey') => `http://${key}@127.0.0.1:${port}/${projectId}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type Upstream = Awaited<ReturnType<typeof startUpstream>>;

/** A real envelope as the browser SDK sends it through a tunnel: the DSN in its header. */
export function envelopeFor(dsn: string | undefined, extra: Envelope[1] = []): Uint8Array<ArrayBuffer> {
  const envelope = createEnvelope<Envelope>(
    { event_id: 'a'.repeat(32), sent_at: new Date(0).toISOString(), ...(dsn !== undefined && { dsn }) },
    [[{ type: 'event' }, { message: 'through the tunnel' }], ...extra] as Envelope[1],
  );
  const serialized = serializeEnvelope(envelope);
  return typeof serialized === 'string' ? new TextEncoder().encode(serialized) : new Uint8Array(serialized);
}

/** An envelope with an attachment of each kind the SDK makes, a zero-length one and raw non-UTF-8 bytes included. */
export function envelopeWithAttachments(dsn: string): Uint8Array<ArrayBuffer> {
  return envelopeFor(dsn, [
    [{ type: 'attachment', length: 0, filename: 'empty.txt' }, new Uint8Array(0)],
    [{ type: 'attachment', length: 4, filename: 'raw.bin' }, new Uint8Array([0, 255, 10, 128])],
  ] as never);
}

export interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  text: string;
}

export interface SendOptions {
  method?: string;
  headers?: Record<string, string>;
  /** The whole body, sent at once (with its Content-Length). */
  body?: Uint8Array | string;
  /** Sends this much of a body declared `declaredLength` long, then nothing more: a stalled client. */
  stallAfter?: { sent: string; declaredLength: number };
  /** Streams this many bytes, chunked (no Content-Length), as fast as the tunnel takes them. */
  streamBytes?: number;
}

/**
 * Sends one request to `url` and resolves with the answer once it has been read whole, or rejects with
 * the connection's error (ECONNRESET and the like): a refusal must be an answer, not a dropped connection.
 */
export function send(url: string, options: SendOptions = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const { body, stallAfter, streamBytes } = options;
    const headers: Record<string, string> = { ...options.headers };
    if (body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(body));
    if (stallAfter) headers['Content-Length'] = String(stallAfter.declaredLength);
    const outgoing = httpRequest(url, { method: options.method ?? 'POST', headers, agent: false }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, text: Buffer.concat(chunks).toString() }));
      incoming.on('error', reject);
    });
    outgoing.on('error', reject);
    if (stallAfter) {
      outgoing.write(stallAfter.sent);
      return;
    }
    if (streamBytes !== undefined) {
      void streamInto(outgoing, streamBytes);
      return;
    }
    outgoing.end(body);
  });
}

async function streamInto(outgoing: ReturnType<typeof httpRequest>, total: number): Promise<void> {
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  for (let sent = 0; sent < total && !outgoing.destroyed; sent += chunk.byteLength) {
    if (!outgoing.write(chunk)) await new Promise((resolve) => outgoing.once('drain', resolve));
  }
  if (!outgoing.destroyed) outgoing.end();
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * One keep-alive connection spoken by hand, for what Node's client will not do: send a body only after its
 * answer came, or watch for an interim `100 Continue`. `answer()` resolves with the next response, an
 * interim one included, once it has arrived whole.
 */
export async function rawConnection(url: string) {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  // Each request waits for its answer: Nagle's algorithm would hold every next one for the server's delayed ACK.
  socket.setNoDelay(true);
  await once(socket, 'connect');
  let buffered = Buffer.alloc(0);
  let failure: Error | undefined;
  let arrived: () => void = () => undefined;
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    arrived();
  });
  socket.on('error', (error) => {
    failure = error;
    arrived();
  });
  socket.on('close', () => {
    failure ??= new Error('the server closed the connection');
    arrived();
  });
  const parsed = (): RawAnswer | undefined => {
    const headEnd = buffered.indexOf('\r\n\r\n');
    if (headEnd === -1) return undefined;
    const [statusLine = '', ...lines] = buffered.subarray(0, headEnd).toString('latin1').split('\r\n');
    const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
    const status = Number(statusLine.split(' ')[1]);
    let end = headEnd + 4;
    const chunks: Buffer[] = [];
    if (status >= 200 && headers['transfer-encoding'] === 'chunked') {
      for (;;) {
        const sizeEnd = buffered.indexOf('\r\n', end);
        if (sizeEnd === -1) return undefined;
        const size = parseInt(buffered.subarray(end, sizeEnd).toString('latin1'), 16);
        if (buffered.byteLength < sizeEnd + 2 + size + 2) return undefined;
        chunks.push(buffered.subarray(sizeEnd + 2, sizeEnd + 2 + size));
        end = sizeEnd + 2 + size + 2;
        if (size === 0) break;
      }
    } else if (status >= 200) {
      const length = Number(headers['content-length'] ?? 0);
      if (buffered.byteLength < end + length) return undefined;
      chunks.push(buffered.subarray(end, end + length));
      end += length;
    }
    buffered = buffered.subarray(end);
    return { status, headers, body: Buffer.concat(chunks) };
  };
  return {
    /** The client's port, as the server sees it. */
    port: socket.localPort!,
    write: (data: string | Uint8Array) => socket.write(data),
    answer: () =>
      new Promise<RawAnswer>((resolve, reject) => {
        arrived = () => {
          const next = parsed();
          if (next) resolve(next);
          else if (failure) reject(failure);
        };
        arrived();
      }),
    close: () => void socket.destroy(),
  };
}

/** A request's head as a client writes it, declaring a body of `length` bytes. */
export function requestHead(url: string, length: number, headers: Record<string, string> = {}, method = 'POST'): string {
  const { host, pathname } = new URL(url);
  const lines = Object.entries({ Host: host, 'Content-Length': String(length), ...headers }).map(([name, value]) => `${name}: ${value}\r\n`);
  return `${method} ${pathname} HTTP/1.1\r\n${lines.join('')}\r\n`;
}
