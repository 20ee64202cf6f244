// @ts-check
// WebKit for the tests: Debian's WebKitGTK driven over WebDriver (Playwright's own WebKit build cannot be
// downloaded here). Starts a virtual X display and WebKitWebDriver, each in its own process group, and stops
// both when asked, when the process exits, and on SIGINT/SIGTERM, so a failed or interrupted run leaves nothing.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { pollUntil } from './poll-until.mjs';

export const WEBKIT_PACKAGES = 'webkit2gtk-driver xvfb xauth';
export const WEBKIT_INSTALL = `apt-get install -y --no-install-recommends ${WEBKIT_PACKAGES}`;
const COMMANDS = ['Xvfb', 'WebKitWebDriver'];
const START_TIMEOUT_MS = 10_000;

/**
 * WebKitGTK's MiniBrowser, the browser WebKitWebDriver drives: named in the session's capabilities so that it
 * can be started with our options. Debian ships it beside the library (/usr/lib/<triplet>/webkit2gtk-4.1/);
 * other distributions under /usr/libexec. WEBKIT_MINIBROWSER wins.
 * @returns {string | undefined}
 */
export function miniBrowserBinary() {
  if (process.env.WEBKIT_MINIBROWSER) return process.env.WEBKIT_MINIBROWSER;
  const libraryFolders = ['/usr/lib', ...(existsSync('/usr/lib') ? readdirSync('/usr/lib').map((name) => `/usr/lib/${name}`) : []), '/usr/libexec'];
  for (const folder of libraryFolders) {
    for (const api of ['webkit2gtk-4.1', 'webkit2gtk-4.0', 'webkitgtk-6.0']) {
      if (existsSync(`${folder}/${api}/MiniBrowser`)) return `${folder}/${api}/MiniBrowser`;
    }
  }
  return undefined;
}

/** Throws, naming the install command, when a program the WebKit lane needs is missing (no silent skip). */
export function assertWebKitInstalled() {
  const missing = COMMANDS.filter((command) => spawnSync('sh', ['-c', `command -v ${command}`]).status !== 0);
  if (!miniBrowserBinary()) missing.push('MiniBrowser');
  if (missing.length > 0) {
    throw new Error(`The WebKit test lane needs ${missing.join(' and ')}; install them with: ${WEBKIT_INSTALL}`);
  }
}

/** @returns {Promise<number>} a port the OS says is free now */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = address && typeof address === 'object' ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * @template T
 * @param {Promise<T>} promise @param {number} ms @param {string} what
 * @returns {Promise<T>}
 */
export function withTimeout(promise, ms, what) {
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  const timeout = new Promise((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return /** @type {Promise<T>} */ (Promise.race([promise, timeout]).finally(() => clearTimeout(timer)));
}

/** @param {import('node:child_process').ChildProcess} child */
function killGroup(child) {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/**
 * Starts Xvfb (the display number is the one it picks) and WebKitWebDriver on a free port.
 * @returns {Promise<{ url: string, display: string, pids: number[], stop(): void }>}
 */
export async function startWebKitDriver() {
  assertWebKitInstalled();
  /** @type {import('node:child_process').ChildProcess[]} */
  const children = [];
  const stop = () => children.forEach(killGroup);
  const onSignal = (/** @type {NodeJS.Signals} */ signal) => {
    stop();
    // Re-raise only if nobody else handles it (a Playwright worker does, and shuts down on its own).
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  process.once('exit', stop);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    // -displayfd: Xvfb picks a free display number and writes it to fd 3 once it accepts clients.
    const xvfb = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x720x24', '-nolisten', 'tcp'], {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
      detached: true,
    });
    children.push(xvfb);
    const display = await withTimeout(
      new Promise((resolve, reject) => {
        let text = '';
        xvfb.stdio[3]?.on('data', (chunk) => {
          text += chunk;
          if (text.includes('\n')) resolve(`:${text.trim()}`);
        });
        xvfb.once('exit', (code) => reject(new Error(`Xvfb exited (${code}) before it had a display`)));
      }),
      START_TIMEOUT_MS,
      'Xvfb start-up',
    );

    const port = await freePort();
    const driver = spawn('WebKitWebDriver', [`--port=${port}`], {
      env: { ...process.env, DISPLAY: String(display) },
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    });
    children.push(driver);
    let driverLog = '';
    driver.stderr?.on('data', (chunk) => (driverLog = (driverLog + chunk).slice(-2000)));
    const url = `http://127.0.0.1:${port}`;
    const answers = () => {
      if (driver.exitCode !== null) throw new Error(`WebKitWebDriver exited (${driver.exitCode}): ${driverLog}`);
      return fetch(`${url}/status`).then((response) => response.ok, () => false);
    };
    await pollUntil(answers, START_TIMEOUT_MS, () => `WebKitWebDriver did not answer on ${url} within ${START_TIMEOUT_MS} ms: ${driverLog}`);
    // A leash for a death no handler sees (SIGKILL): a small Node process that waits on a pipe from this one,
    // which closes when this process ends however it ends, and then kills both groups.
    const groups = JSON.stringify([xvfb.pid, driver.pid]);
    const leash = spawn(
      process.execPath,
      ['-e', `process.stdin.resume().on('end', () => { for (const pid of ${groups}) try { process.kill(-pid, 'SIGKILL'); } catch {} });`],
      { stdio: ['pipe', 'ignore', 'ignore'], detached: true },
    );
    // Neither the leash nor its pipe keeps this process alive.
    leash.unref();
    /** @type {{ unref?: () => void } | null} */ (/** @type {unknown} */ (leash.stdin))?.unref?.();
    children.push(leash);
    return {
      url,
      display: String(display),
      /** Xvfb's and the driver's process ids (each leads its own group). */
      pids: [/** @type {number} */ (xvfb.pid), /** @type {number} */ (driver.pid)],
      stop() {
        stop();
        process.off('exit', stop);
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      },
    };
  } catch (error) {
    stop();
    throw error;
  }
}

// `node scripts/dev/webkit-driver.mjs --check`: npm test's first step, so a machine without WebKit fails at once.
if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href && process.argv.includes('--check')) {
  try {
    assertWebKitInstalled();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
