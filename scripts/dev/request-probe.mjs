// @ts-check
// Preloaded (node --expose-gc --import) into a README recipe run as written, for the tests that nothing a
// request made outlives it. Asked over the IPC channel, it answers after a full garbage collection: how
// many requests the server took, how many of them are still reachable, the listeners each open connection
// carries (by the client's port), the heap in use, and every warning the process emitted. It holds only weak
// references and adds no listener to what it watches, so watching changes nothing it counts.
import { subscribe } from 'node:diagnostics_channel';

/** @typedef {{ requests: number, liveRequests: number, listenersByClientPort: Record<number, number>, heapUsed: number, warnings: string[] }} Probe */

const gc = /** @type {() => void} */ (globalThis.gc);
/** @type {Array<WeakRef<object>>} */
const requests = [];
/** @type {Set<WeakRef<import('node:net').Socket>>} */
const sockets = new Set();
/** @type {WeakSet<import('node:net').Socket>} */
const seenSockets = new WeakSet();
/** @type {string[]} */
const warnings = [];

process.on('warning', (warning) => warnings.push(`${warning.name}: ${warning.message}`));
subscribe('http.server.request.start', (message) => {
  const { request, socket } = /** @type {{ request: object, socket: import('node:net').Socket }} */ (message);
  requests.push(new WeakRef(request));
  if (!seenSockets.has(socket)) {
    seenSockets.add(socket);
    sockets.add(new WeakRef(socket));
  }
});

const listenersOn = (/** @type {import('node:events').EventEmitter} */ emitter) =>
  emitter.eventNames().reduce((sum, name) => sum + emitter.listenerCount(name), 0);

process.on('message', async (/** @type {unknown} */ message) => {
  if (message !== 'probe') return;
  // A WeakRef's target is kept until the job that last read it ends: collect, let a turn pass, collect again.
  gc();
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  /** @type {Record<number, number>} */
  const listenersByClientPort = {};
  for (const ref of sockets) {
    const socket = ref.deref();
    if (!socket || socket.destroyed) sockets.delete(ref);
    else listenersByClientPort[/** @type {number} */ (socket.remotePort)] = listenersOn(socket);
  }
  /** @type {Probe} */
  const probe = {
    requests: requests.length,
    liveRequests: requests.filter((ref) => ref.deref() !== undefined).length,
    listenersByClientPort,
    heapUsed: process.memoryUsage().heapUsed,
    warnings,
  };
  process.send?.({ probe });
});
