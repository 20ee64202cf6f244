// The published tunnel, black-box over HTTP, where sites run it: in Node (node:http through
// `segment-sentry/tunnel/node`) and in Cloudflare's runtime workerd. Every promise docs/tunnel.md makes,
// every refusal included, is checked in each runtime; then each recipe of docs/tunnel.md (node:http, Express,
// a Next.js route module, a Cloudflare Worker) is run as written and checked for the promises a
// mount can break. The ingest is a local stand-in that records what it is sent (./test-kit.ts).
import { expect, test } from '@playwright/test';
import { closedPort } from '../../scripts/dev/closed-port.mjs';
import { nodeTunnel, recipeProcess, workerdTunnels, type Probe, type RunningTunnel } from '../../scripts/dev/tunnel-runtimes.mjs';
import { envelopeFor, envelopeWithAttachments, rawConnection, requestHead, send, startUpstream, type Upstream } from './test-kit';

// The tunnels each runtime runs: the defaults (a same-origin tunnel, with tight read bounds so the tests are
// quick), and one serving a page on another origin behind one proxy.
type Tunnels = { plain: RunningTunnel; crossOrigin: RunningTunnel };
const SHOP = 'https://shop.example';
const BODY_TIMEOUT_MS = 1_000;
const MAX_IN_FLIGHT = 3;
// The test client asks for `Connection: close`, the case where a server closes a socket soonest after answering.
const CLEAN_ANSWER_TRIES = 20;

// Also allowed: a project whose ingest is not there (a port nothing listens on), for the 502.
let unreachableDsn: string;
const plainOptions = (dsn: string) => ({ allowedDsns: [dsn, unreachableDsn], bodyTimeoutMs: BODY_TIMEOUT_MS, maxInFlight: MAX_IN_FLIGHT });
const crossOriginOptions = (dsn: string) => ({ allowedDsns: [dsn], allowedOrigins: [SHOP], trustedProxies: 1 });

// How each runtime learns the visitor's address: Node from the socket; a Worker from CF-Connecting-IP, which
// Cloudflare's edge sets (and overwrites) on every request, as these tests do in its place.
const RUNTIMES: Array<{ name: string; visitor: Record<string, string>; vouched: string; start(upstream: Upstream): Promise<Tunnels & { close(): Promise<void> }> }> = [
  {
    name: 'Node',
    visitor: {},
    vouched: '127.0.0.1',
    async start(upstream) {
      const plain = await nodeTunnel(plainOptions(upstream.dsn()));
      const crossOrigin = await nodeTunnel(crossOriginOptions(upstream.dsn()));
      return { plain, crossOrigin, close: async () => void (await Promise.all([plain.close(), crossOrigin.close()])) };
    },
  },
  {
    name: 'workerd',
    visitor: { 'CF-Connecting-IP': '198.51.100.23' },
    vouched: '198.51.100.23',
    async start(upstream) {
      const workerd = await workerdTunnels({ plain: plainOptions(upstream.dsn()), crossOrigin: crossOriginOptions(upstream.dsn()) }, { SENTRY_DSN: upstream.dsn() });
      return { plain: workerd.tunnels.plain!, crossOrigin: workerd.tunnels.crossOrigin!, close: workerd.close };
    },
  },
];

let upstream: Upstream;
test.beforeAll(async () => {
  upstream = await startUpstream();
  unreachableDsn = `http://publickey@127.0.0.1:${await closedPort()}/44`;
});
test.afterAll(() => upstream.close());
test.beforeEach(() => upstream.reset());

const BROWSER = { Origin: SHOP, Referer: `${SHOP}/`, 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0' };

for (const runtime of RUNTIMES) {
  test.describe(`the tunnel in ${runtime.name}`, () => {
    let tunnels: Tunnels & { close(): Promise<void> };
    test.beforeAll(async () => {
      tunnels = await runtime.start(upstream);
    });
    test.afterAll(() => tunnels.close());

    test('forwards an envelope byte for byte, zero-length attachment included, with the browser\'s Origin, Referer and User-Agent and only the address it vouches for', async () => {
      const body = envelopeWithAttachments(upstream.dsn());
      const answer = await send(tunnels.plain.url, { body, headers: { ...BROWSER, ...runtime.visitor, 'X-Forwarded-For': '6.6.6.6' } });
      expect(answer.status).toBe(200);
      expect(upstream.received).toHaveLength(1);
      const [forwarded] = upstream.received;
      expect(forwarded!.path).toBe('/api/42/envelope/');
      expect(Buffer.compare(forwarded!.body, Buffer.from(body))).toBe(0);
      expect(forwarded!.headers).toMatchObject({ origin: SHOP, referer: `${SHOP}/`, 'user-agent': BROWSER['User-Agent'], 'content-type': 'application/x-sentry-envelope' });
      // The visitor's own X-Forwarded-For never reaches Sentry, which takes its leftmost entry as the sender.
      expect(forwarded!.headers['x-forwarded-for']).toBe(runtime.vouched);
      // A same-origin tunnel: no CORS in its answers.
      expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    });

    if (runtime.name === 'workerd') {
      test('without CF-Connecting-IP, no address at all reaches the ingest, and never the visitor\'s own header', async () => {
        const answer = await send(tunnels.plain.url, { body: envelopeFor(upstream.dsn()), headers: { 'X-Forwarded-For': '6.6.6.6' } });
        expect(answer.status).toBe(200);
        expect(upstream.received[0]!.headers['x-forwarded-for']).toBeUndefined();
      });
    }

    test('behind one trusted proxy: the entry that proxy wrote, not the ones before it', async () => {
      const answer = await send(tunnels.crossOrigin.url, { body: envelopeFor(upstream.dsn()), headers: { ...BROWSER, 'X-Forwarded-For': '6.6.6.6, 203.0.113.5' } });
      expect(answer.status).toBe(200);
      expect(upstream.received[0]!.headers['x-forwarded-for']).toBe('203.0.113.5');
    });

    for (const method of ['GET', 'PUT', 'DELETE', 'OPTIONS']) {
      test(`${method}: 405 with Allow: POST, and nothing forwarded`, async () => {
        const answer = await send(tunnels.plain.url, { method, ...(method === 'PUT' && { body: envelopeFor(upstream.dsn()) }) });
        expect(answer.status).toBe(405);
        expect(answer.headers.allow).toBe('POST');
        expect(upstream.received).toEqual([]);
      });
    }

    test('a browser request from another site, with no allowedOrigins: 403 before the body is read', async () => {
      const answer = await send(tunnels.plain.url, { headers: { Origin: 'https://elsewhere.example', 'Sec-Fetch-Site': 'cross-site' }, stallAfter: { sent: '{"dsn":', declaredLength: 1000 } });
      expect(answer.status).toBe(403);
      expect(answer.headers['access-control-allow-origin']).toBeUndefined();
      expect(upstream.received).toEqual([]);
    });

    test.describe('with allowedOrigins', () => {
      test('an allowed origin is answered with CORS for that origin, rate-limit headers exposed', async () => {
        upstream.answerWith(() => ({ status: 200, headers: { 'X-Sentry-Rate-Limits': '60:error:organization' } }));
        const answer = await send(tunnels.crossOrigin.url, { body: envelopeFor(upstream.dsn()), headers: { Origin: SHOP, 'Sec-Fetch-Site': 'cross-site' } });
        expect(answer.status).toBe(200);
        expect(answer.headers['access-control-allow-origin']).toBe(SHOP);
        expect(answer.headers['access-control-expose-headers']).toContain('X-Sentry-Rate-Limits');
        expect(answer.headers['x-sentry-rate-limits']).toBe('60:error:organization');
      });

      test('a Referer from an allowed origin stands in for a missing Origin', async () => {
        const answer = await send(tunnels.crossOrigin.url, { body: envelopeFor(upstream.dsn()), headers: { Referer: `${SHOP}/checkout` } });
        expect(answer.status).toBe(200);
      });

      test('its preflight is answered (204, POST allowed)', async () => {
        const answer = await send(tunnels.crossOrigin.url, { method: 'OPTIONS', headers: { Origin: SHOP, 'Access-Control-Request-Method': 'POST' } });
        expect(answer.status).toBe(204);
        expect(answer.headers['access-control-allow-origin']).toBe(SHOP);
        expect(answer.headers['access-control-allow-methods']).toBe('POST');
      });

      for (const [what, headers] of [
        ['another origin', { Origin: 'https://elsewhere.example' }],
        ['no Origin and no Referer', {}],
        ['an opaque origin', { Origin: 'null' }],
      ] as const) {
        test(`${what}: 403 at once, while the body is still on its way, and nothing forwarded`, async () => {
          const answer = await send(tunnels.crossOrigin.url, { headers, stallAfter: { sent: '{"dsn":', declaredLength: 1000 } });
          expect(answer.status).toBe(403);
          expect(answer.headers['access-control-allow-origin']).toBeUndefined();
          expect(upstream.received).toEqual([]);
        });
      }
    });

    test('a declared Content-Length over 1 MiB: 413, and nothing forwarded', async () => {
      const answer = await send(tunnels.plain.url, { headers: { 'Content-Length': String(1024 * 1024 + 1) }, stallAfter: { sent: '{', declaredLength: 1024 * 1024 + 1 } });
      expect(answer.status).toBe(413);
      expect(upstream.received).toEqual([]);
    });

    test('a chunked body that grows past 1 MiB: a clean 413 the client reads whole (no reset), every time, and nothing forwarded', async () => {
      // A reset comes from a race (the client still sending as the socket closes): many tries make it show.
      for (let i = 0; i < CLEAN_ANSWER_TRIES; i++) {
        const answer = await send(tunnels.plain.url, { streamBytes: 3 * 1024 * 1024 });
        expect(answer.status).toBe(413);
        expect(answer.text).toContain('at most 1048576 bytes');
      }
      expect(upstream.received).toEqual([]);
    });

    test('a body that stalls: 408 once bodyTimeoutMs has passed, and nothing forwarded', async () => {
      const started = Date.now();
      const answer = await send(tunnels.plain.url, { stallAfter: { sent: '{"dsn":"', declaredLength: 1000 } });
      expect(answer.status).toBe(408);
      expect(Date.now() - started).toBeGreaterThanOrEqual(BODY_TIMEOUT_MS - 50);
      expect(upstream.received).toEqual([]);
    });

    test('beyond maxInFlight requests at once: 503 with Retry-After, and served again once they end', async () => {
      // Another project's envelope: 403 while there is room, 503 once stalled requests fill every place. They hold
      // them for bodyTimeoutMs (1 s) only, and a busy machine's probe can miss that window (once in a fresh-clone
      // run): the stalled set is made again until a probe lands in it, within a deadline.
      const probe = () => send(tunnels.plain.url, { body: envelopeFor(upstream.dsn(43)) });
      const deadline = Date.now() + 15_000;
      let busy: Awaited<ReturnType<typeof probe>> | undefined;
      let stalledAnswers: Array<Awaited<ReturnType<typeof probe>>> = [];
      while (!busy) {
        if (Date.now() > deadline) throw new Error('no probe found every place taken within 15 s');
        let ended = false;
        const stalled = Promise.all(Array.from({ length: MAX_IN_FLIGHT }, () => send(tunnels.plain.url, { stallAfter: { sent: '{', declaredLength: 1000 } })));
        void stalled.then(() => (ended = true));
        while (!ended && !busy) {
          const answer = await probe();
          if (answer.status === 503) busy = answer;
          else expect(answer.status).toBe(403);
        }
        stalledAnswers = await stalled;
      }
      expect(busy.headers['retry-after']).toBe('1');
      expect(stalledAnswers.map((answer) => answer.status)).toEqual(Array(MAX_IN_FLIGHT).fill(408));
      expect((await send(tunnels.plain.url, { body: envelopeFor(upstream.dsn()) })).status).toBe(200);
    });

    for (const [what, body, status] of [
      ['not an envelope', '<html>hello</html>', 400],
      ['an envelope naming no dsn', envelopeFor(undefined), 400],
      ['another project\'s envelope', 'other project', 403],
    ] as const) {
      test(`${what}: ${status}, and nothing forwarded`, async () => {
        const answer = await send(tunnels.plain.url, { body: body === 'other project' ? envelopeFor(upstream.dsn(43)) : body });
        expect(answer.status).toBe(status);
        expect(upstream.received).toEqual([]);
      });
    }

    test('the ingest unreachable: 502', async () => {
      const answer = await send(tunnels.plain.url, { body: envelopeFor(unreachableDsn) });
      expect(answer.status).toBe(502);
    });

    test('the ingest\'s 429 is passed back with Retry-After and X-Sentry-Rate-Limits', async () => {
      upstream.answerWith(() => ({ status: 429, headers: { 'Retry-After': '60', 'X-Sentry-Rate-Limits': '60:error:organization' } }));
      const answer = await send(tunnels.plain.url, { body: envelopeFor(upstream.dsn()) });
      expect(answer.status).toBe(429);
      expect(answer.headers['retry-after']).toBe('60');
      expect(answer.headers['x-sentry-rate-limits']).toBe('60:error:organization');
    });
  });
}

// A refused request's body, sent after its answer; and what a thousand such requests may grow the heap by,
// after a full collection: the probe's own records and the noise of a collected heap (about 0.5 MiB). While
// the adapter left a listener on the connection per request, it grew by 5 MiB (node:http) and 9 MiB (Express).
const REFUSED = 1_000;
const REFUSED_BODY = Buffer.alloc(1_000, 0x20);
const HEAP_GROWTH_BOUND = 2 * 1024 * 1024;

// Each recipe of docs/tunnel.md, as written: the promises a mount can break (every method reaches the tunnel, the
// visitor's address is the one the platform vouches for, an oversized body is a clean 413).
const RECIPES = [
  { name: 'tunnel-node.ts', visitor: {}, vouched: '127.0.0.1' },
  { name: 'tunnel-express.ts', visitor: {}, vouched: '127.0.0.1' },
  // Vercel sets X-Forwarded-For to the visitor's address, overwriting the visitor's own; the recipe trusts that one entry.
  { name: 'tunnel-next-route.ts', visitor: { 'X-Forwarded-For': '203.0.113.5' }, vouched: '203.0.113.5' },
  { name: 'tunnel-cloudflare-worker.ts', visitor: { 'CF-Connecting-IP': '198.51.100.23', 'X-Forwarded-For': '6.6.6.6' }, vouched: '198.51.100.23' },
] as const;

for (const recipe of RECIPES) {
  test.describe(`the README's recipe ${recipe.name}, run as written`, () => {
    let tunnel: RunningTunnel;
    let probe: (() => Promise<Probe>) | undefined;
    let close: () => Promise<void>;
    test.beforeAll(async () => {
      const env = { SENTRY_DSN: upstream.dsn() };
      if (recipe.name === 'tunnel-cloudflare-worker.ts') {
        const workerd = await workerdTunnels({}, env);
        tunnel = workerd.recipe;
        close = workerd.close;
      } else {
        const running = await recipeProcess(recipe.name, env, { probe: true });
        ({ probe, close } = running);
        tunnel = running;
      }
    });
    test.afterAll(() => close());

    test('forwards an envelope with the browser\'s headers and the vouched address', async () => {
      const answer = await send(tunnel.url, { body: envelopeWithAttachments(upstream.dsn()), headers: { ...BROWSER, ...recipe.visitor } });
      expect(answer.status).toBe(200);
      expect(upstream.received).toHaveLength(1);
      expect(upstream.received[0]!.headers).toMatchObject({ origin: SHOP, 'x-forwarded-for': recipe.vouched });
    });

    test('every other method, OPTIONS included, gets the tunnel\'s 405', async () => {
      for (const method of ['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
        const answer = await send(tunnel.url, { method });
        expect.soft(answer.status, method).toBe(405);
        expect.soft(answer.headers.allow, method).toBe('POST');
      }
    });

    test('a chunked body past 1 MiB: a clean 413, every time', async () => {
      for (let i = 0; i < CLEAN_ANSWER_TRIES; i++) expect((await send(tunnel.url, { streamBytes: 3 * 1024 * 1024 })).status).toBe(413);
    });

    if (recipe.name !== 'tunnel-cloudflare-worker.ts') {
      // The Node adapter reads on and drops what still comes after an answer given before the body was read
      // (or past the 4 MiB the handler itself drops). workerd's own server closes such a connection itself;
      // browsers send none such (a page sends its small envelope whole), so this is the Node adapter's promise.
      test('refused with megabytes still coming (a PUT of 3 MiB, bodies of 8 and 100 MiB): the answer, not a reset, every time', async () => {
        for (let i = 0; i < CLEAN_ANSWER_TRIES; i++) {
          expect((await send(tunnel.url, { method: 'PUT', streamBytes: 3 * 1024 * 1024 })).status).toBe(405);
          expect((await send(tunnel.url, { streamBytes: 8 * 1024 * 1024 })).status).toBe(413);
          // Past every bound the tunnel reads: the client is left unread, not reset, until the answer is surely out.
          expect((await send(tunnel.url, { streamBytes: 100 * 1024 * 1024 })).status).toBe(413);
        }
        expect(upstream.received).toEqual([]);
      });

      test('a thousand requests refused before their body on one keep-alive connection, each body sent after its answer: none leaves a listener, an object or a warning behind', async () => {
        const connection = await rawConnection(tunnel.url);
        const crossSite = requestHead(tunnel.url, REFUSED_BODY.byteLength, { Origin: 'https://elsewhere.example', 'Sec-Fetch-Site': 'cross-site' });
        // Each round ends with a request answered whole (a GET, 405), which Node answers only once the refused
        // one before it has ended on that connection: what a probe then sees is what the refused ones left.
        const refuse = async (count: number) => {
          for (let i = 0; i < count; i++) {
            connection.write(crossSite);
            expect((await connection.answer()).status).toBe(403);
            connection.write(REFUSED_BODY);
          }
          connection.write(requestHead(tunnel.url, 0, {}, 'GET'));
          expect((await connection.answer()).status).toBe(405);
          return probe!();
        };
        const before = await refuse(10);
        const after = await refuse(REFUSED);
        connection.close();
        const listeners = (probe: Probe) => probe.listenersByClientPort[connection.port];
        expect(listeners(before)).toEqual(expect.any(Number));
        expect.soft(listeners(after)).toBe(listeners(before));
        expect.soft(after.liveRequests).toBeLessThanOrEqual(before.liveRequests);
        expect.soft(after.heapUsed - before.heapUsed).toBeLessThan(HEAP_GROWTH_BOUND);
        expect.soft(after.warnings).toEqual([]);
      });

      // The Node adapter learns the server it is mounted on from the first request it answers (Node answered
      // that one's Expect itself, before any listener ran): each test below makes sure it has met one.
      const meetTheAdapter = async () => expect((await send(tunnel.url, { method: 'GET' })).status).toBe(405);

      test('Expect: 100-continue with a declared length over 1 MiB: 413 without a 100 Continue first, so the body is never sent', async () => {
        await meetTheAdapter();
        const connection = await rawConnection(tunnel.url);
        connection.write(requestHead(tunnel.url, 1024 * 1024 + 1, { Expect: '100-continue' }));
        expect((await connection.answer()).status).toBe(413);
        connection.close();
        expect(upstream.received).toEqual([]);
      });

      test('Expect: 100-continue with an envelope: 100 Continue when the tunnel reads the body, then forwarded', async () => {
        await meetTheAdapter();
        const body = envelopeFor(upstream.dsn());
        const connection = await rawConnection(tunnel.url);
        connection.write(requestHead(tunnel.url, body.byteLength, { Expect: '100-continue' }));
        expect((await connection.answer()).status).toBe(100);
        connection.write(body);
        expect((await connection.answer()).status).toBe(200);
        connection.close();
        expect(upstream.received).toHaveLength(1);
      });

      if (recipe.name !== 'tunnel-next-route.ts') {
        test('Expect: 100-continue on the site\'s other routes: a 100 Continue before their answer or none, never one after it', async () => {
          await meetTheAdapter();
          const elsewhere = new URL('/elsewhere', tunnel.url).href;
          const connection = await rawConnection(elsewhere);
          connection.write(requestHead(elsewhere, 10, { Expect: '100-continue' }));
          const first = await connection.answer();
          if (first.status === 100) {
            // Express answers its 404 once the body has come.
            connection.write('0123456789');
            expect((await connection.answer()).status).toBe(404);
          } else {
            // The node:http recipe's 404 comes at once, and Node closes the connection: the client was never told to go on.
            expect(first.status).toBe(404);
            await expect(connection.answer()).rejects.toThrow('the server closed the connection');
          }
          connection.close();
        });
      }
    }
  });
}
