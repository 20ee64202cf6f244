// @ts-check
// Runs `npm start`'s script as a child process and reads what it prints: the e2e demo test and the
// README screenshot drive the demo exactly as a person starts it.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const DEMO = fileURLToPath(new URL('./demo.mjs', import.meta.url));

/** @param {Record<string, string>} [env] */
export function startDemo(env = {}) {
  const child = spawn(process.execPath, [DEMO], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let output = '';
  /** @type {Set<() => void>} */
  const listeners = new Set();
  /** @param {Buffer} chunk */
  const onData = (chunk) => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  /**
   * The first line (already printed or still to come) that matches, within a deadline.
   * @param {RegExp} pattern @param {number} [timeoutMs] @returns {Promise<string>}
   */
  const waitForLine = (pattern, timeoutMs = 20_000) =>
    new Promise((resolve, reject) => {
      const check = () => {
        const line = output.split('\n').find((candidate) => pattern.test(candidate));
        if (!line) return;
        listeners.delete(check);
        clearTimeout(timer);
        resolve(line);
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`demo printed no line matching ${pattern}; it printed:\n${output}`));
      }, timeoutMs);
      listeners.add(check);
      check();
    });
  return {
    waitForLine,
    /** The demo page's URL, once it is served. */
    url: async () => /** @type {string} */ ((await waitForLine(/^Demo page:/)).split(/\s+/).at(-1)),
    stop: () => void child.kill(),
  };
}
