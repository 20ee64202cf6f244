// @ts-check
// Mounts the published tunnel (dist/tunnel.mjs and dist/tunnel-node.mjs, as a site would import
// segment-sentry/tunnel and segment-sentry/tunnel/node) on one of our local servers: the e2e tests
// and `npm start` send through it exactly what a site's own server would.

/** @typedef {typeof import('../../src/tunnel/handler')} HandlerModule */
/** @typedef {typeof import('../../src/tunnel/node')} NodeModule */

const dist = new URL('../../dist/', import.meta.url);

/**
 * @param {{ mount(path: string, listener: import('node:http').RequestListener): string }} server
 * @param {string} path
 * @param {string[]} allowedDsns
 * @param {Omit<import('../../src/tunnel/handler').TunnelOptions, 'allowedDsns'>} [options]
 * @returns {Promise<string>} the tunnel's absolute URL
 */
export async function mountTunnel(server, path, allowedDsns, options = {}) {
  const { createTunnelHandler } = /** @type {HandlerModule} */ (await import(new URL('tunnel.mjs', dist).href));
  const { nodeTunnelListener } = /** @type {NodeModule} */ (await import(new URL('tunnel-node.mjs', dist).href));
  return server.mount(path, nodeTunnelListener(createTunnelHandler({ ...options, allowedDsns })));
}
