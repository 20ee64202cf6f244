// @ts-check
// Serves the pages under test on 127.0.0.1 at an OS-picked port: files from dist/ and fixtures/,
// plus pages registered in memory (generated per test from fixtures/template.html).
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SERVED_FOLDERS = ['dist', 'fixtures'];

/** @type {Record<string, string>} */
const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** @typedef {{ body: string | Buffer, headers?: Record<string, string>, delayMs?: number }} Resource */
/** @typedef {(request: import('node:http').IncomingMessage, response: import('node:http').ServerResponse) => void} Listener */

/**
 * Puts `prelude` first in an HTML document's <head> (once: a page served again keeps one copy). A page whose
 * policy allows scripts by nonce gets the nonce on the prelude's script, as its own scripts have it.
 * @param {string} html @param {string} prelude @param {Record<string, string> | undefined} headers
 */
function withPrelude(html, prelude, headers) {
  if (html.includes(prelude.slice(0, 60))) return html;
  const policy = Object.entries(headers ?? {}).find(([name]) => name.toLowerCase() === 'content-security-policy')?.[1];
  const nonce = policy && /'nonce-([^']+)'/.exec(policy)?.[1];
  const script = nonce ? prelude.replace('<script>', `<script nonce="${nonce}">`) : prelude;
  const head = /<head[^>]*>/i.exec(html);
  return head ? html.replace(head[0], `${head[0]}${script}`) : script + html;
}

/**
 * @param {{ port?: number, htmlPrelude?: string }} [options] port 0 (the default) lets the OS pick a free one;
 *   htmlPrelude: markup put first in the <head> of every HTML page served (the WebKit lane's page recorder)
 */
export async function startStaticServer({ port = 0, htmlPrelude } = {}) {
  /** @type {Map<string, Resource>} */
  const registered = new Map();
  /** @type {Map<string, Listener>} */
  const mounted = new Map();
  /** What is sent for `body`: an HTML page gets the prelude, if there is one. @param {string | Buffer} body @param {string} type @param {Record<string, string> | undefined} headers */
  const served = (body, type, headers) => (htmlPrelude && type.startsWith('text/html') ? withPrelude(String(body), htmlPrelude, headers) : body);

  let requests = 0;
  /** @type {string[]} */
  const paths = [];
  const server = createServer(async (request, response) => {
    requests++;
    paths.push(new URL(request.url ?? '/', 'http://127.0.0.1').pathname);
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const listener = mounted.get(url.pathname) ?? [...mounted].find(([path]) => path.endsWith('/*') && url.pathname.startsWith(path.slice(0, -1)))?.[1];
    if (listener) {
      listener(request, response);
      return;
    }
    const own = registered.get(url.pathname);
    if (own) {
      if (own.delayMs) await new Promise((resolve) => setTimeout(resolve, own.delayMs));
      const type = CONTENT_TYPES[extname(url.pathname)] ?? 'text/html; charset=utf-8';
      response.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store', ...own.headers }).end(served(own.body, type, own.headers));
      return;
    }
    const path = normalize(decodeURIComponent(url.pathname)).replace(/^\/+/, '');
    if (!SERVED_FOLDERS.some((folder) => path.startsWith(`${folder}/`))) {
      response.writeHead(404).end();
      return;
    }
    try {
      const type = CONTENT_TYPES[extname(path)] ?? 'application/octet-stream';
      const body = served(await readFile(resolve(ROOT, path)), type, undefined);
      response.writeHead(200, {
        'Content-Type': type,
        'Cache-Control': 'no-store',
        'Access-Control-Allow-Origin': '*',
      });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });

  await new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(undefined)));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('static server has no port');
  const origin = `http://127.0.0.1:${address.port}`;

  return {
    origin,
    /** How many requests it has had: a test that made none left nothing on this origin to clear. */
    get requests() {
      return requests;
    },
    /** The path of every request it has had, in order (what a page fetched, in any engine). */
    get paths() {
      return paths;
    },
    /**
     * Serves `body` at `path` until replaced (after `delayMs`, if given); returns its absolute URL.
     * @param {string} path @param {string | Buffer} body @param {Record<string, string>} [headers] @param {number} [delayMs]
     */
    register(path, body, headers, delayMs) {
      registered.set(path, { body, headers, delayMs });
      return `${origin}${path}`;
    },
    /**
     * Hands every request for `path` (or, for a path ending in `/*`, below it) to a node:http listener; returns its absolute URL.
     * @param {string} path @param {Listener} listener
     */
    mount(path, listener) {
      mounted.set(path, listener);
      return `${origin}${path}`;
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}

/** @typedef {Awaited<ReturnType<typeof startStaticServer>>} StaticServer */
