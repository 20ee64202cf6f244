// @ts-check
// The published tunnel (dist/tunnel.mjs, dist/tunnel-node.mjs), started where sites run it: in Node
// (node:http), in Cloudflare's runtime workerd (from npm), and the recipes of docs/tunnel.md run as written
// (node:http, Express, a Next.js route module, a Cloudflare Worker). Each answers on 127.0.0.1, on a
// port the OS picks. Used by the tunnel's tests and by `npm run bench:tunnel`.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';
import { docRecipes } from '../build/doc-recipes.mjs';

/** @typedef {typeof import('../../src/tunnel/handler')} HandlerModule */
/** @typedef {typeof import('../../src/tunnel/node')} NodeModule */
/** @typedef {import('../../src/tunnel/handler').TunnelOptions} TunnelOptions */
/** @typedef {{ url: string, pid: number, close(): Promise<void> }} RunningTunnel */
/** @typedef {import('./request-probe.mjs').Probe} Probe */
/** @typedef {{ cpu?: number }} Placement a core to pin the process to (the benchmark's "one core"), with taskset */

/**
 * @param {string} command @param {string[]} args @param {Placement} placement
 * @returns {[string, string[]]}
 */
const pinned = (command, args, { cpu } = {}) => (cpu === undefined ? [command, args] : ['taskset', ['-c', String(cpu), command, ...args]]);

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIST = join(ROOT, 'dist');
export const WORKERD = join(ROOT, 'node_modules/@cloudflare/workerd-linux-64/bin/workerd');
const PATH = '/sentry-tunnel';

/** The tunnel in this Node process, on node:http (as `segment-sentry/tunnel/node` mounts it). */
export async function nodeTunnel(/** @type {TunnelOptions} */ options) {
  const { createTunnelHandler } = /** @type {HandlerModule} */ (await import(join(DIST, 'tunnel.mjs')));
  const { nodeTunnelListener } = /** @type {NodeModule} */ (await import(join(DIST, 'tunnel-node.mjs')));
  const server = createServer(nodeTunnelListener(createTunnelHandler(options)));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return /** @type {RunningTunnel} */ ({
    url: `http://127.0.0.1:${port}${PATH}`,
    pid: process.pid,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve(undefined));
    }),
  });
}

/** A scratch folder where `segment-sentry` (this repository, as published) and Express resolve as in a site's project. */
function scratchProject() {
  const dir = mkdtempSync(join(tmpdir(), 'segment-sentry-tunnel-'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(ROOT, join(dir, 'node_modules', 'segment-sentry'), 'dir');
  symlinkSync(join(ROOT, 'node_modules', 'express'), join(dir, 'node_modules', 'express'), 'dir');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true, type: 'module' }));
  return dir;
}

/** A recipe from the docs, types stripped (esbuild; nothing else changes). */
async function recipeModule(/** @type {string} */ name) {
  const source = docRecipes().get(name);
  if (!source) throw new Error(`the docs have no recipe ${name}`);
  return (await transform(source, { loader: 'ts', format: 'esm' })).code;
}

/**
 * Runs `workerd serve` on a config in `dir`; resolves with the port of each socket as workerd reports
 * them on its control channel (fd 3).
 * @param {string} dir @param {string[]} sockets @param {Placement} placement
 */
function serveWorkerd(dir, sockets, placement) {
  const [command, args] = pinned(WORKERD, ['serve', join(dir, 'config.capnp'), '--control-fd=3'], placement);
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  /** @type {Promise<Record<string, number>>} */
  const ports = new Promise((resolve, reject) => {
    /** @type {Record<string, number>} */
    const seen = {};
    let buffered = '';
    const control = /** @type {import('node:stream').Readable} */ (child.stdio[3]);
    control.on('data', (chunk) => {
      buffered += chunk;
      let end;
      while ((end = buffered.indexOf('\n')) !== -1) {
        const message = JSON.parse(buffered.slice(0, end));
        buffered = buffered.slice(end + 1);
        if (message.event === 'listen') seen[message.socket] = message.port;
        if (sockets.every((socket) => socket in seen)) resolve(seen);
      }
    });
    child.once('exit', (code) => reject(new Error(`workerd exited (${code}) before listening: ${stderr}`)));
    setTimeout(() => reject(new Error(`workerd did not listen within 15 s: ${stderr}`)), 15_000).unref();
  });
  const close = () => new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(undefined);
    child.once('exit', () => resolve(undefined));
    child.kill();
  });
  return { child, ports, close };
}

/**
 * The tunnel inside workerd, Cloudflare Workers' runtime: a worker that imports `segment-sentry/tunnel`
 * (dist/tunnel.mjs as the module of that name) with `options`, and takes the visitor's address from
 * CF-Connecting-IP as Cloudflare's edge sets it; and, beside it, the Worker recipe of docs/tunnel.md as written.
 * Its network service allows loopback, so both reach an ingest on 127.0.0.1.
 * @param {Record<string, TunnelOptions>} tunnels options by name, one worker each
 * @param {{ SENTRY_DSN: string }} recipeEnv
 * @param {Placement} [placement]
 */
export async function workerdTunnels(tunnels, recipeEnv, placement = {}) {
  const dir = scratchProject();
  copyFileSync(join(DIST, 'tunnel.mjs'), join(dir, 'tunnel.mjs'));
  const names = Object.keys(tunnels);
  for (const name of names) {
    writeFileSync(join(dir, `${name}-worker.mjs`), [
      "import { createTunnelHandler } from 'segment-sentry/tunnel';",
      `const tunnel = createTunnelHandler(${JSON.stringify(tunnels[name])});`,
      "export default { fetch: (request) => tunnel(request, { clientAddress: request.headers.get('CF-Connecting-IP') }) };",
    ].join('\n'));
  }
  writeFileSync(join(dir, 'recipe-worker.mjs'), await recipeModule('tunnel-cloudflare-worker.ts'));
  const worker = (/** @type {string} */ main, bindings = '') =>
    `(modules = [(name = "worker.mjs", esModule = embed "${main}"), (name = "segment-sentry/tunnel", esModule = embed "tunnel.mjs")], compatibilityDate = "2026-11-01"${bindings})`;
  writeFileSync(join(dir, 'config.capnp'), `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
${names.map((name) => `    (name = "${name}", worker = ${worker(`${name}-worker.mjs`)}),`).join('\n')}
    (name = "recipe", worker = ${worker('recipe-worker.mjs', `, bindings = [(name = "SENTRY_DSN", text = ${JSON.stringify(recipeEnv.SENTRY_DSN)})]`)}),
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [
${[...names, 'recipe'].map((name) => `    (name = "${name}", address = "127.0.0.1:0", http = (), service = "${name}"),`).join('\n')}
  ],
);
`);
  const workerd = serveWorkerd(dir, [...names, 'recipe'], placement);
  const close = async () => {
    await workerd.close();
    rmSync(dir, { recursive: true, force: true });
  };
  const ports = await workerd.ports.catch(async (error) => {
    await close();
    throw error;
  });
  const pid = /** @type {number} */ (workerd.child.pid);
  const running = (/** @type {string} */ name) => /** @type {RunningTunnel} */ ({ url: `http://127.0.0.1:${ports[name]}${PATH}`, pid, close });
  return {
    /** @type {Record<string, RunningTunnel>} */
    tunnels: Object.fromEntries(names.map((name) => [name, running(name)])),
    recipe: running('recipe'),
    close,
  };
}

// What Next.js does with an app/**/route.ts module (its documented behaviour): each request goes to the
// export named by its method; with no such export, OPTIONS is answered by Next.js itself (204, Allow: the
// exported methods) and any other method gets 405. The module is the one docs/tunnel.md shows, as written; Next.js itself
// is not run.
const NEXT_ROUTE_RUNNER = `import { createServer } from 'node:http';
import { nodeTunnelListener } from 'segment-sentry/tunnel/node';
import * as route from './recipe.mjs';
const exported = Object.keys(route).join(', ');
const dispatch = (request) => route[request.method]?.(request)
  ?? new Response(null, { status: request.method === 'OPTIONS' ? 204 : 405, headers: { Allow: exported } });
createServer(nodeTunnelListener(dispatch)).listen(3000);
`;

/**
 * A Node recipe from docs/tunnel.md run as written, in its own process: `tunnel-node.ts`, `tunnel-express.ts`,
 * or `tunnel-next-route.ts` (behind the dispatch Next.js does). Its `listen(3000)` gets a port the OS picks.
 * With `probe`, the process also runs ./request-probe.mjs, and `probe()` asks it what the requests left behind.
 * @param {'tunnel-node.ts' | 'tunnel-express.ts' | 'tunnel-next-route.ts'} name @param {{ SENTRY_DSN: string }} env
 * @param {Placement & { probe?: boolean }} [options]
 * @returns {Promise<RunningTunnel & { probe(): Promise<Probe> }>}
 */
export async function recipeProcess(name, env, options = {}) {
  const dir = scratchProject();
  writeFileSync(join(dir, 'recipe.mjs'), await recipeModule(name));
  const main = name === 'tunnel-next-route.ts' ? 'next-route-runner.mjs' : 'recipe.mjs';
  if (main !== 'recipe.mjs') writeFileSync(join(dir, main), NEXT_ROUTE_RUNNER);
  const probing = options.probe ? ['--expose-gc', '--import', join(ROOT, 'scripts/dev/request-probe.mjs')] : [];
  const [command, args] = pinned(process.execPath, [...probing, '--import', join(ROOT, 'scripts/dev/port-zero.mjs'), join(dir, main)], options);
  const child = spawn(command, args, {
    cwd: dir,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const close = () => new Promise((resolve) => {
    const done = () => {
      rmSync(dir, { recursive: true, force: true });
      resolve(undefined);
    };
    if (child.exitCode !== null) return done();
    child.once('exit', done);
    child.kill();
  });
  const port = await new Promise((resolve, reject) => {
    child.once('message', (message) => resolve(/** @type {{ port: number }} */ (message).port));
    child.once('exit', (code) => reject(new Error(`${name} exited (${code}) before listening`)));
  }).catch(async (error) => {
    await close();
    throw error;
  });
  const probe = () => {
    if (!options.probe) throw new Error(`${name} was started without the probe`);
    return /** @type {Promise<Probe>} */ (new Promise((resolve) => {
      const answer = (/** @type {any} */ message) => {
        if (!message?.probe) return;
        child.off('message', answer);
        resolve(message.probe);
      };
      child.on('message', answer);
      child.send('probe');
    }));
  };
  return { url: `http://127.0.0.1:${port}${PATH}`, pid: /** @type {number} */ (child.pid), close, probe };
}
