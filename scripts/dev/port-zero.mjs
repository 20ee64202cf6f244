// @ts-check
// Preloaded (node --import) into a recipe of docs/tunnel.md run as written: whatever port the recipe listens on
// (3000), it gets one the OS picks on 127.0.0.1, which is told to the test over the IPC channel.
import { Server } from 'node:net';

const listen = /** @type {(this: Server, ...args: unknown[]) => Server} */ (Server.prototype.listen);
/** @type {any} */ (Server.prototype).listen = function (/** @type {unknown[]} */ ...args) {
  const callback = typeof args.at(-1) === 'function' ? args.at(-1) : undefined;
  this.once('listening', () => process.send?.({ port: /** @type {import('node:net').AddressInfo} */ (this.address()).port }));
  return listen.call(this, 0, '127.0.0.1', ...(callback ? [callback] : []));
};
