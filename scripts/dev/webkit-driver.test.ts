import { spawn } from 'node:child_process';
import { expect, test } from '@playwright/test';

/**
 * The WebKit lane's display and driver never outlive the process that started them: stopped on SIGTERM and
 * SIGINT by its handlers, and on SIGKILL (which no handler sees) by the leash.
 */
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** A Node process that starts the driver, prints the pids, then waits to be killed. */
async function startOwner(): Promise<{ owner: ReturnType<typeof spawn>; pids: number[] }> {
  const owner = spawn(process.execPath, [
    '--input-type=module',
    '-e',
    "const { startWebKitDriver } = await import('./scripts/dev/webkit-driver.mjs'); const driver = await startWebKitDriver(); console.log(JSON.stringify(driver.pids)); setInterval(() => {}, 1000);",
  ], { stdio: ['ignore', 'pipe', 'inherit'] });
  const pids = await new Promise<number[]>((resolve, reject) => {
    let text = '';
    owner.stdout!.on('data', (chunk) => {
      text += chunk;
      if (text.includes('\n')) resolve(JSON.parse(text) as number[]);
    });
    owner.once('exit', (code) => reject(new Error(`the owner exited (${code}) before the driver started`)));
  });
  return { owner, pids };
}

for (const signal of ['SIGTERM', 'SIGINT', 'SIGKILL'] as const) {
  test(`Xvfb and WebKitWebDriver end when the process that started them gets ${signal}`, async () => {
    const { owner, pids } = await startOwner();
    expect(pids.every(alive)).toBe(true);
    owner.kill(signal);
    await expect.poll(() => pids.filter(alive), { timeout: 5_000 }).toEqual([]);
  });
}
