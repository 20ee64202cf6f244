// The tunnel handler as published (dist/tunnel.mjs), against a real HTTP server standing in for
// Sentry's ingest on 127.0.0.1: every refusal, byte-for-byte forwarding, the ingest's rate limits
// passed back, and a property: no request body makes it contact anything outside the allowed DSNs.
import { expect, test } from '@playwright/test';
import fc from 'fast-check';
import { closedPort } from '../../scripts/dev/closed-port.mjs';
import { envelopeFor, startUpstream } from './test-kit';

type HandlerModule = typeof import('./handler');
const { createTunnelHandler } = (await import(new URL('../../dist/tunnel.mjs', import.meta.url).href)) as HandlerModule;

const post = (body: BodyInit | null, headers: Record<string, string> = {}) =>
  new Request('https://shop.example/sentry-tunnel', { method: 'POST', body, headers, duplex: 'half' } as RequestInit);

/** A fetch that records every URL it is asked for and never leaves the process. */
function recordingFetch() {
  const urls: string[] = [];
  const fetchSpy = (async (input: RequestInfo | URL) => {
    urls.push(String(input instanceof Request ? input.url : input));
    return new Response('{}', { status: 200 });
  }) as typeof fetch;
  return { urls, fetchSpy };
}

test.describe('the tunnel handler', () => {
  test('forwards an allowed envelope byte for byte to the DSN\'s ingest, with the visitor\'s address as the server saw it', async () => {
    const upstream = await startUpstream();
    try {
      const tunnel = createTunnelHandler({ allowedDsns: [upstream.dsn(42)] });
      // An attachment item carries raw bytes, including ones that are not UTF-8.
      const body = envelopeFor(upstream.dsn(42), [[{ type: 'attachment', length: 4, filename: 'raw.bin' }, new Uint8Array([0, 255, 10, 128])]] as never);
      const response = await tunnel(post(body, { 'X-Forwarded-For': '198.51.100.7' }), { clientAddress: '203.0.113.9' });
      expect(response.status).toBe(200);
      expect(upstream.received).toHaveLength(1);
      const [forwarded] = upstream.received;
      expect(forwarded?.path).toBe('/api/42/envelope/');
      expect(Buffer.compare(forwarded!.body, Buffer.from(body))).toBe(0);
      // The visitor's own X-Forwarded-For is not passed on: Sentry would take its first entry as the sender.
      expect(forwarded?.headers['x-forwarded-for']).toBe('203.0.113.9');
      expect(forwarded?.headers['content-type']).toBe('application/x-sentry-envelope');
    } finally {
      await upstream.close();
    }
  });

  test('trustedProxies: the entry the nearest trusted proxies wrote, or the furthest one there is', async () => {
    const upstream = await startUpstream();
    try {
      const chain = { 'X-Forwarded-For': '6.6.6.6, 203.0.113.5,198.51.100.2' };
      const addressWith = async (trustedProxies: number, headers: Record<string, string> = chain) => {
        upstream.reset();
        await createTunnelHandler({ allowedDsns: [upstream.dsn()], trustedProxies })(post(envelopeFor(upstream.dsn()), headers), { clientAddress: '10.0.0.1' });
        return upstream.received[0]?.headers['x-forwarded-for'];
      };
      expect(await addressWith(0)).toBe('10.0.0.1');
      expect(await addressWith(1)).toBe('198.51.100.2');
      expect(await addressWith(2)).toBe('203.0.113.5');
      expect(await addressWith(5)).toBe('6.6.6.6');
      // No header at all: the address the server saw.
      expect(await addressWith(1, {})).toBe('10.0.0.1');
    } finally {
      await upstream.close();
    }
  });

  test('a DSN with a path prefix (self-hosted Sentry) keeps it in the ingest URL', async () => {
    const { urls, fetchSpy } = recordingFetch();
    const dsn = 'https://key@sentry.example.com/prefix/7';
    const response = await createTunnelHandler({ allowedDsns: [dsn], fetch: fetchSpy })(post(envelopeFor(dsn)));
    expect(response.status).toBe(200);
    expect(urls).toEqual(['https://sentry.example.com/prefix/api/7/envelope/']);
  });

  test('passes back 429 with Retry-After and X-Sentry-Rate-Limits, so the browser backs off', async () => {
    const upstream = await startUpstream();
    upstream.answerWith(() => ({ status: 429, headers: { 'Retry-After': '60', 'X-Sentry-Rate-Limits': '60:error:organization' } }));
    try {
      const response = await createTunnelHandler({ allowedDsns: [upstream.dsn()] })(post(envelopeFor(upstream.dsn())));
      expect(response.status).toBe(429);
      expect(response.headers.get('Retry-After')).toBe('60');
      expect(response.headers.get('X-Sentry-Rate-Limits')).toBe('60:error:organization');
    } finally {
      await upstream.close();
    }
  });

  test('answers 502 when the ingest cannot be reached', async () => {
    const dsn = `http://publickey@127.0.0.1:${await closedPort()}/42`;
    const response = await createTunnelHandler({ allowedDsns: [dsn] })(post(envelopeFor(dsn)));
    expect(response.status).toBe(502);
  });

  test('answers 502 when the ingest does not answer within upstreamTimeoutMs', async () => {
    const silent = ((_input: RequestInfo | URL, init?: RequestInit) =>
      new Promise((_resolve, reject) => init!.signal!.addEventListener('abort', () => reject(init!.signal!.reason)))) as typeof fetch;
    const dsn = 'https://publickey@o1.ingest.sentry.io/42';
    const response = await createTunnelHandler({ allowedDsns: [dsn], upstreamTimeoutMs: 20, fetch: silent })(post(envelopeFor(dsn)));
    expect(response.status).toBe(502);
  });

  test('the ingest\'s timeout goes with the request: once answered, nothing of it is left to fire', async () => {
    const UPSTREAM_TIMEOUT_MS = 20;
    const signals: AbortSignal[] = [];
    const fetchSpy = (async (_input: RequestInfo | URL, init?: RequestInit) => {
      signals.push(init!.signal!);
      return new Response('{}', { status: 200 });
    }) as typeof fetch;
    const dsn = 'https://publickey@o1.ingest.sentry.io/42';
    const response = await createTunnelHandler({ allowedDsns: [dsn], upstreamTimeoutMs: UPSTREAM_TIMEOUT_MS, fetch: fetchSpy })(post(envelopeFor(dsn)));
    expect(response.status).toBe(200);
    // Node runs timers in the order they fall due: one set now for twice as long runs after any the request set.
    await new Promise((resolve) => setTimeout(resolve, 2 * UPSTREAM_TIMEOUT_MS));
    expect(signals).toHaveLength(1);
    expect(signals[0]!.aborted).toBe(false);
  });

  test.describe('refuses, and contacts nothing', () => {
    const allowed = 'https://publickey@o1.ingest.sentry.io/42';
    const refusals: Array<[string, () => Request, number]> = [
      ['a GET', () => new Request('https://shop.example/sentry-tunnel'), 405],
      ['a PUT', () => new Request('https://shop.example/sentry-tunnel', { method: 'PUT', body: envelopeFor(allowed) }), 405],
      ['a declared Content-Length over 1 MiB', () => post(envelopeFor(allowed), { 'Content-Length': String(1024 * 1024 + 1) }), 413],
      ['a body over 1 MiB', () => post(new Uint8Array(1024 * 1024 + 1).fill(0x20)), 413],
      ['an empty body', () => post(null), 400],
      ['a body that is not an envelope', () => post('<html>hello</html>'), 400],
      ['an envelope header that is not an object', () => post('[1,2]\n{"type":"event"}\n{}'), 400],
      ['an envelope header without a dsn', () => post(envelopeFor(undefined)), 400],
      ['a dsn that is not a string', () => post('{"dsn":42}\n{"type":"event"}\n{}'), 400],
      ['a dsn that is not a DSN', () => post(envelopeFor('not a dsn')), 403],
      ['another project', () => post(envelopeFor('https://publickey@o1.ingest.sentry.io/43')), 403],
      ['another public key', () => post(envelopeFor('https://otherkey@o1.ingest.sentry.io/42')), 403],
      ['the allowed key and project on another host', () => post(envelopeFor('https://publickey@attacker.example/42')), 403],
      ['the allowed key and project on an internal address', () => post(envelopeFor('http://publickey@169.254.169.254/42')), 403],
      ['the allowed host on another port', () => post(envelopeFor('https://publickey@o1.ingest.sentry.io:8443/42')), 403],
      ['the allowed host over http', () => post(envelopeFor('http://publickey@o1.ingest.sentry.io/42')), 403],
      ['a browser request from another site', () => post(envelopeFor(allowed), { 'Sec-Fetch-Site': 'cross-site', Origin: 'https://elsewhere.example' }), 403],
      ['a browser request from a sibling subdomain', () => post(envelopeFor(allowed), { 'Sec-Fetch-Site': 'same-site', Origin: 'https://blog.shop.example' }), 403],
    ];
    for (const [what, request, status] of refusals) {
      test(`${what}: ${status}`, async () => {
        const { urls, fetchSpy } = recordingFetch();
        const response = await createTunnelHandler({ allowedDsns: [allowed], fetch: fetchSpy })(request());
        expect(response.status).toBe(status);
        expect(urls).toEqual([]);
      });
    }
  });

  test('stops reading a body that passes the limit instead of reading it all', async () => {
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(64 * 1024));
      },
    });
    const response = await createTunnelHandler({ allowedDsns: ['https://k@o1.ingest.sentry.io/1'] })(post(endless));
    expect(response.status).toBe(413);
    // 1 MiB is 16 chunks of 64 KiB, then up to 4 MiB (64) read and dropped so the client can read its 413;
    // the stream may have one or two more queued, never hundreds.
    expect(pulled).toBeLessThanOrEqual(90);
  });

  test('refuses to start without a usable allowed DSN, or with an option it cannot use', () => {
    const allowedDsns = ['https://k@o1.ingest.sentry.io/1'];
    expect(() => createTunnelHandler({ allowedDsns: [] })).toThrow(/allowedDsns is empty/);
    expect(() => createTunnelHandler({ allowedDsns: ['not a dsn'] })).toThrow(/allowedDsns/);
    expect(() => createTunnelHandler({ allowedDsns, allowedOrigins: ['shop.example'] })).toThrow(/allowedOrigins: "shop.example" is not an http\(s\) origin/);
    expect(() => createTunnelHandler({ allowedDsns, maxInFlight: 0 })).toThrow(/maxInFlight must be a whole number of at least 1, got 0/);
    expect(() => createTunnelHandler({ allowedDsns, trustedProxies: 1.5 })).toThrow(/trustedProxies must be a whole number/);
    expect(() => createTunnelHandler({ allowedDsns, trustedProxies: -1 })).toThrow(/trustedProxies/);
    expect(() => createTunnelHandler({ allowedDsns, bodyTimeoutMs: Number.NaN })).toThrow(/bodyTimeoutMs/);
  });

  test('allowedOrigins are compared as origins: case, default port and a trailing slash do not matter', async () => {
    const { fetchSpy } = recordingFetch();
    const dsn = 'https://k@o1.ingest.sentry.io/1';
    const tunnel = createTunnelHandler({ allowedDsns: [dsn], allowedOrigins: ['https://Shop.Example:443/'], fetch: fetchSpy });
    expect((await tunnel(post(envelopeFor(dsn), { Origin: 'https://shop.example' }))).status).toBe(200);
    expect((await tunnel(post(envelopeFor(dsn), { Origin: 'http://shop.example' }))).status).toBe(403);
    expect((await tunnel(post(envelopeFor(dsn), { Origin: 'https://shop.example.attacker.example' }))).status).toBe(403);
  });

  test('property: no request body makes it contact a host outside the allowed set', async () => {
    const allowedDsns = ['https://publickey@o1.ingest.sentry.io/42', 'http://other@127.0.0.1:9000/prefix/7'];
    const allowedUrls = new Set(['https://o1.ingest.sentry.io/api/42/envelope/', 'http://127.0.0.1:9000/prefix/api/7/envelope/']);
    const hosts = fc.constantFrom('o1.ingest.sentry.io', '127.0.0.1:9000', 'attacker.example', '169.254.169.254', 'o1.ingest.sentry.io.attacker.example', '[::1]');
    const dsnLike = fc.oneof(
      fc.constantFrom(...allowedDsns),
      fc.record({ scheme: fc.constantFrom('http', 'https', 'ftp', 'javascript'), key: fc.constantFrom('publickey', 'other', '', 'a:b'), host: hosts, path: fc.constantFrom('', 'prefix/', '../', '%2e%2e/'), id: fc.constantFrom('42', '7', '42/../7', 'x') })
        .map(({ scheme, key, host, path, id }) => `${scheme}://${key}${key ? '@' : ''}${host}/${path}${id}`),
      fc.string(),
    );
    const body = fc.oneof(
      dsnLike.map((dsn) => envelopeFor(dsn)),
      fc.tuple(dsnLike, fc.string()).map(([dsn, rest]) => `${JSON.stringify({ dsn })}\n${rest}`),
      fc.string(),
      fc.uint8Array({ maxLength: 512 }),
    );
    await fc.assert(
      fc.asyncProperty(body, async (payload) => {
        const { urls, fetchSpy } = recordingFetch();
        const response = await createTunnelHandler({ allowedDsns, fetch: fetchSpy })(post(payload as BodyInit));
        expect(urls.every((url) => allowedUrls.has(url)), urls.join(', ')).toBe(true);
        expect(urls.length).toBeLessThanOrEqual(1);
        expect([200, 400, 403]).toContain(response.status);
      }),
      { numRuns: 500 },
    );
  });
});
