// @ts-check
// `npm run bench:tunnel`: the published tunnel, as docs/tunnel.md mounts it, in Node (the node:http recipe)
// and in workerd (the Cloudflare Worker recipe), each pinned to one core while this process (the clients
// and a stand-in ingest on 127.0.0.1) runs on the other. Side by side, in one run:
//   - envelopes per second through the tunnel (32 clients on keep-alive connections, 5 s);
//   - the latency the tunnel adds: the same envelope posted one at a time straight to the ingest and
//     through the tunnel, interleaved; p50 and p99 of each, and the difference;
//   - peak memory (the process's VmHWM) with 100 clients sending at once, and with 200 clients that
//     declare a 1 MiB body, send 256 KiB of it and stall; each in a fresh process.
// A benchmark, not a test: it prints what it measured, and writes bench/tunnel-results.json.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import { createEnvelope, serializeEnvelope } from '@sentry/core';
import { recipeProcess, workerdTunnels } from '../scripts/dev/tunnel-runtimes.mjs';

const TUNNEL_CPU = 1;
const THROUGHPUT_CLIENTS = 32;
const THROUGHPUT_SECONDS = Number(process.env.BENCH_TUNNEL_SECONDS ?? 5);
const LATENCY_SAMPLES = Number(process.env.BENCH_TUNNEL_SAMPLES ?? 1000);
const CONCURRENT_CLIENTS = 100;
const ENVELOPES_PER_CLIENT = 20;
const STALLED_CLIENTS = 200;

// This process (clients and ingest) keeps off the tunnel's core.
try {
  execFileSync('taskset', ['-pc', '0', String(process.pid)], { stdio: 'ignore' });
} catch {
  console.warn('taskset failed: the clients share the tunnel\'s core');
}

/** A stand-in for Sentry's ingest: reads the envelope, answers 200 with a small JSON body. */
async function startIngest() {
  const server = createServer((incoming, outgoing) => {
    incoming.resume();
    incoming.on('end', () => outgoing.writeHead(200, { 'Content-Type': 'application/json' }).end('{"id":"x"}'));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return { url: `http://127.0.0.1:${port}/api/42/envelope/`, dsn: `http://publickey@127.0.0.1:${port}/42`, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** An error event's envelope as the browser SDK sends it, about 4 KB (a stack of 30 frames, breadcrumbs). */
function errorEnvelope(/** @type {string} */ dsn) {
  const frames = Array.from({ length: 30 }, (_, i) => ({ filename: `https://shop.example/assets/app.${i}.js`, function: `handler${i}`, lineno: 100 + i, colno: 12, in_app: true }));
  const breadcrumbs = Array.from({ length: 20 }, (_, i) => ({ timestamp: 1_700_000_000 + i, category: 'ui.click', message: `button#buy-${i}` }));
  const event = { event_id: 'b'.repeat(32), level: 'error', platform: 'javascript', exception: { values: [{ type: 'TypeError', value: 'x is undefined', stacktrace: { frames } }] }, breadcrumbs, request: { url: 'https://shop.example/checkout', headers: { 'User-Agent': 'Mozilla/5.0' } } };
  const serialized = serializeEnvelope(createEnvelope({ event_id: event.event_id, sent_at: new Date().toISOString(), dsn }, [[{ type: 'event' }, /** @type {import('@sentry/core').Event} */ (event)]]));
  return Buffer.from(serialized);
}

/** One POST; resolves with its status once the answer has been read. */
function post(/** @type {string} */ url, /** @type {Buffer} */ body, /** @type {Agent | false} */ agent) {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method: 'POST', agent, headers: { 'Content-Length': body.byteLength, Origin: 'https://shop.example' } }, (incoming) => {
      incoming.resume();
      incoming.on('end', () => resolve(incoming.statusCode));
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

const memoryOf = (/** @type {number} */ pid) => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (/** @type {string} */ field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
};

const percentile = (/** @type {number[]} */ sorted, /** @type {number} */ p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function throughput(/** @type {string} */ url, /** @type {Buffer} */ body) {
  const agent = new Agent({ keepAlive: true, maxSockets: THROUGHPUT_CLIENTS });
  let done = 0;
  let refused = 0;
  const until = performance.now() + THROUGHPUT_SECONDS * 1000;
  await Promise.all(Array.from({ length: THROUGHPUT_CLIENTS }, async () => {
    while (performance.now() < until) {
      if ((await post(url, body, agent)) === 200) done++;
      else refused++;
    }
  }));
  agent.destroy();
  return { perSecond: done / THROUGHPUT_SECONDS, refused };
}

async function latency(/** @type {string} */ tunnelUrl, /** @type {string} */ ingestUrl, /** @type {Buffer} */ body) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  /** @type {{ direct: number[], tunnel: number[] }} */
  const samples = { direct: [], tunnel: [] };
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    for (const [key, url] of /** @type {const} */ ([['direct', ingestUrl], ['tunnel', tunnelUrl]])) {
      const started = performance.now();
      await post(url, body, agent);
      samples[key].push(performance.now() - started);
    }
  }
  agent.destroy();
  const direct = samples.direct.sort((a, b) => a - b);
  const tunnel = samples.tunnel.sort((a, b) => a - b);
  return {
    direct: { p50: percentile(direct, 50), p99: percentile(direct, 99) },
    tunnel: { p50: percentile(tunnel, 50), p99: percentile(tunnel, 99) },
  };
}

async function concurrentMemory(/** @type {{ url: string, pid: number }} */ tunnel, /** @type {Buffer} */ body) {
  const before = memoryOf(tunnel.pid).rss;
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENT_CLIENTS });
  const statuses = await Promise.all(Array.from({ length: CONCURRENT_CLIENTS }, async () => {
    let ok = 0;
    for (let i = 0; i < ENVELOPES_PER_CLIENT; i++) if ((await post(tunnel.url, body, agent)) === 200) ok++;
    return ok;
  }));
  agent.destroy();
  return { before, peak: memoryOf(tunnel.pid).peak, forwarded: statuses.reduce((sum, ok) => sum + ok, 0) };
}

async function stalledMemory(/** @type {{ url: string, pid: number }} */ tunnel) {
  const before = memoryOf(tunnel.pid).rss;
  const started = performance.now();
  const chunk = Buffer.alloc(256 * 1024, 0x20);
  /** @type {Record<string, number>} */
  const answers = {};
  let lastAnswerMs = 0;
  await Promise.all(Array.from({ length: STALLED_CLIENTS }, () => new Promise((resolve) => {
    const outgoing = request(tunnel.url, { method: 'POST', agent: false, headers: { 'Content-Length': 1024 * 1024, Origin: 'https://shop.example' } }, (incoming) => {
      incoming.resume();
      const key = String(incoming.statusCode);
      answers[key] = (answers[key] ?? 0) + 1;
      lastAnswerMs = performance.now() - started;
      outgoing.destroy();
      resolve(undefined);
    });
    outgoing.on('error', () => {
      answers.reset = (answers.reset ?? 0) + 1;
      resolve(undefined);
    });
    outgoing.write(chunk);
  })));
  return { before, peak: memoryOf(tunnel.pid).peak, answers, heldMs: lastAnswerMs };
}

const RUNTIMES = [
  { name: 'Node (tunnel-node.ts)', start: (/** @type {string} */ dsn) => recipeProcess('tunnel-node.ts', { SENTRY_DSN: dsn }, { cpu: TUNNEL_CPU }) },
  {
    name: 'workerd (tunnel-cloudflare-worker.ts)',
    start: async (/** @type {string} */ dsn) => (await workerdTunnels({}, { SENTRY_DSN: dsn }, { cpu: TUNNEL_CPU })).recipe,
  },
];

const ingest = await startIngest();
const body = errorEnvelope(ingest.dsn);
/** @type {Record<string, unknown>[]} */
const results = [];
for (const runtime of RUNTIMES) {
  let tunnel = await runtime.start(ingest.dsn);
  await throughput(tunnel.url, body); // warm-up
  const rate = await throughput(tunnel.url, body);
  const lat = await latency(tunnel.url, ingest.url, body);
  await tunnel.close();
  tunnel = await runtime.start(ingest.dsn);
  const concurrent = await concurrentMemory(tunnel, body);
  await tunnel.close();
  tunnel = await runtime.start(ingest.dsn);
  const stalled = await stalledMemory(tunnel);
  await tunnel.close();
  results.push({ runtime: runtime.name, envelopeBytes: body.byteLength, ...rate, latency: lat, concurrent, stalled });
  console.log(`${runtime.name}: done`);
}
await ingest.close();

const mib = (/** @type {number} */ n) => `${n.toFixed(0)} MiB`;
const ms = (/** @type {number} */ n) => `${n.toFixed(2)} ms`;
console.log(`\nThe tunnel on one core, a ${body.byteLength} B error envelope, ${new Date().toISOString().slice(0, 10)}\n`);
console.log(`| | ${results.map((r) => r.runtime).join(' | ')} |`);
console.log(`|---|${results.map(() => '---').join('|')}|`);
const row = (/** @type {string} */ label, /** @type {(r: any) => string} */ cell) => console.log(`| ${label} | ${results.map(cell).join(' | ')} |`);
row(`envelopes per second (${THROUGHPUT_CLIENTS} clients, keep-alive)`, (r) => `${Math.round(r.perSecond)}${r.refused ? ` (${r.refused} refused)` : ''}`);
row('latency p50: straight to the ingest → through the tunnel (added)', (r) => `${ms(r.latency.direct.p50)} → ${ms(r.latency.tunnel.p50)} (+${ms(r.latency.tunnel.p50 - r.latency.direct.p50)})`);
row('latency p99: straight to the ingest → through the tunnel (added)', (r) => `${ms(r.latency.direct.p99)} → ${ms(r.latency.tunnel.p99)} (+${ms(r.latency.tunnel.p99 - r.latency.direct.p99)})`);
row(`peak memory, ${CONCURRENT_CLIENTS} clients at once (${CONCURRENT_CLIENTS * ENVELOPES_PER_CLIENT} envelopes)`, (r) => `${mib(r.concurrent.peak)} (idle ${mib(r.concurrent.before)}; ${r.concurrent.forwarded} forwarded)`);
row(`peak memory, ${STALLED_CLIENTS} stalled 1 MiB uploads`, (r) => `${mib(r.stalled.peak)} (idle ${mib(r.stalled.before)}; answers ${Object.entries(r.stalled.answers).map(([k, v]) => `${v}× ${k}`).join(', ')}; all answered by ${(r.stalled.heldMs / 1000).toFixed(1)} s)`);
writeFileSync(new URL('./tunnel-results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
