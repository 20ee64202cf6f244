// @ts-check
// Firefox for the shared scenarios' WebDriver lane: Debian's firefox-esr started headless with Marionette, its own
// automation protocol, and a client for it. Marionette's WebDriver commands are classic WebDriver's (the ones
// geckodriver forwards), so the lane's page object (e2e/support/webdriver-page.ts) drives Firefox as it drives
// WebKit, with no driver binary between (Debian ships none). Driven so, a page costs Firefox about half the CPU it
// costs over Playwright's WebDriver BiDi (docs/development.md, «The run»).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIREFOX_PREFS, browserExecutable } from './browsers.mjs';
import { withTimeout } from './webkit-driver.mjs';

const START_TIMEOUT_MS = 20_000;

/**
 * One Marionette connection: commands are sent as `[0, id, name, params]` and answered as `[1, id, error, result]`,
 * each packet prefixed with its byte length and a colon.
 */
export class MarionetteClient {
  /** @type {Map<number, { resolve: (value: any) => void, reject: (error: Error) => void, name: string }>} */
  #pending = new Map();
  #lastId = 0;
  #buffer = Buffer.alloc(0);
  /** @type {((hello: unknown) => void) | undefined} */
  #onHello;
  /** @type {Error | undefined} */
  #closed;

  /** @param {import('node:net').Socket} socket */
  constructor(socket) {
    this.socket = socket;
    socket.on('data', (chunk) => this.#read(chunk));
    const close = (/** @type {Error | undefined} */ error) => {
      this.#closed = error ?? new Error('the Marionette connection closed');
      for (const { reject, name } of this.#pending.values()) reject(new Error(`${name}: ${this.#closed.message}`));
      this.#pending.clear();
    };
    socket.on('error', close);
    socket.on('close', () => close(undefined));
  }

  /** @returns {Promise<unknown>} the server's first packet */
  hello() {
    return new Promise((resolve) => (this.#onHello = resolve));
  }

  /**
   * @param {string} name @param {Record<string, unknown>} [params]
   * @returns {Promise<any>} the command's result (for most, `{ value }`)
   */
  command(name, params = {}) {
    if (this.#closed) return Promise.reject(new Error(`${name}: ${this.#closed.message}`));
    const id = ++this.#lastId;
    const body = Buffer.from(JSON.stringify([0, id, name, params]));
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, name });
      this.socket.write(Buffer.concat([Buffer.from(`${body.length}:`), body]));
    });
  }

  /** @param {Buffer} chunk */
  #read(chunk) {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    for (;;) {
      const colon = this.#buffer.indexOf(0x3a);
      if (colon < 0) return;
      const length = Number(this.#buffer.subarray(0, colon).toString());
      if (this.#buffer.length < colon + 1 + length) return;
      const packet = JSON.parse(this.#buffer.subarray(colon + 1, colon + 1 + length).toString());
      this.#buffer = this.#buffer.subarray(colon + 1 + length);
      if (!Array.isArray(packet)) {
        this.#onHello?.(packet);
        continue;
      }
      const [, id, error, result] = packet;
      const pending = this.#pending.get(id);
      if (!pending) continue;
      this.#pending.delete(id);
      if (error) pending.reject(Object.assign(new Error(`${pending.name}: ${error.error}: ${error.message}`), { webdriverError: error.error }));
      else pending.resolve(result);
    }
  }
}

/** @param {Record<string, string | number | boolean>} prefs */
const userJs = (prefs) => Object.entries(prefs).map(([name, value]) => `user_pref(${JSON.stringify(name)}, ${JSON.stringify(value)});`).join('\n');

/**
 * Starts firefox-esr headless in a profile of its own with Marionette on a port the OS picks (Firefox writes it into
 * the profile), connects, and opens a WebDriver session. `proxyPort`: every request that is not to 127.0.0.1 goes to
 * this port (a closed one, in the tests: such a request fails, as in the Playwright lanes).
 * @param {{ proxyPort?: number, prefs?: Record<string, string | number | boolean> }} [options]
 * @returns {Promise<{ client: MarionetteClient, pid: number, stop(): void }>}
 */
export async function startFirefoxMarionette({ proxyPort, prefs = {} } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'segment-sentry-firefox-'));
  writeFileSync(
    join(profile, 'user.js'),
    userJs({
      ...FIREFOX_PREFS,
      'marionette.port': 0,
      ...(proxyPort ? { 'network.proxy.type': 1, 'network.proxy.http': '127.0.0.1', 'network.proxy.http_port': proxyPort, 'network.proxy.ssl': '127.0.0.1', 'network.proxy.ssl_port': proxyPort, 'network.proxy.no_proxies_on': '127.0.0.1' } : {}),
      ...prefs,
    }),
  );
  const firefox = spawn(browserExecutable('firefox'), ['--headless', '--marionette', '--no-remote', '--profile', profile, 'about:blank'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
    env: { ...process.env, MOZ_HEADLESS: '1' },
  });
  let log = '';
  firefox.stderr?.on('data', (chunk) => (log = (log + chunk).slice(-2000)));
  const stop = () => {
    if (firefox.pid !== undefined && firefox.exitCode === null && firefox.signalCode === null) {
      try {
        process.kill(-firefox.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    rmSync(profile, { recursive: true, force: true });
  };
  process.once('exit', stop);
  // A leash for a death no handler sees (SIGKILL), as the WebKit lane's (scripts/dev/webkit-driver.mjs).
  const leash = spawn(process.execPath, ['-e', `process.stdin.resume().on('end', () => { try { process.kill(-${firefox.pid}, 'SIGKILL'); } catch {} });`], {
    stdio: ['pipe', 'ignore', 'ignore'],
    detached: true,
  });
  leash.unref();
  /** @type {{ unref?: () => void } | null} */ (/** @type {unknown} */ (leash.stdin))?.unref?.();
  try {
    const portFile = join(profile, 'MarionetteActivePort');
    const port = await withTimeout(
      (async () => {
        for (;;) {
          if (firefox.exitCode !== null) throw new Error(`firefox-esr exited (${firefox.exitCode}): ${log}`);
          const text = existsSync(portFile) ? readFileSync(portFile, 'utf8').trim() : '';
          if (text) return Number(text);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      })(),
      START_TIMEOUT_MS,
      'Firefox start-up (Marionette)',
    );
    const socket = connect(port, '127.0.0.1');
    socket.unref();
    const client = new MarionetteClient(socket);
    await withTimeout(client.hello(), START_TIMEOUT_MS, 'Marionette hello');
    await client.command('WebDriver:NewSession', { capabilities: { alwaysMatch: { acceptInsecureCerts: false } } });
    return {
      client,
      pid: /** @type {number} */ (firefox.pid),
      stop() {
        socket.destroy();
        stop();
        process.off('exit', stop);
        leash.kill('SIGKILL');
      },
    };
  } catch (error) {
    stop();
    throw error;
  }
}
