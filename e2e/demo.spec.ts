import { spawn, type ChildProcess } from 'node:child_process';
import { expect, test } from './fixtures';

/** Runs `npm start`'s script and collects what it prints. */
function startDemo(): { child: ChildProcess; output: () => string; waitForLine: (pattern: RegExp) => Promise<string> } {
  const child = spawn(process.execPath, ['scripts/demo.mjs'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const waitForLine = (pattern: RegExp) =>
    new Promise<string>((resolve, reject) => {
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
      }, 20_000);
      listeners.add(check);
      check();
    });
  return { child, output: () => output, waitForLine };
}

test('npm start serves a demo page whose events go through its tunnel, are printed in the terminal and listed on the page', async ({ page }) => {
  const demo = startDemo();
  try {
    const url = (await demo.waitForLine(/^Demo page:/)).split(/\s+/).at(-1)!;
    const ingestOrigin = (await demo.waitForLine(/^Local ingest:/)).split(/\s+/)[2]!;
    // A content blocker's view: nothing may reach the ingest from the page; the tunnel on the page's origin carries it all.
    const blocked: string[] = [];
    await page.route(`${ingestOrigin}/api/**`, (route) => {
      blocked.push(route.request().url());
      return route.abort('blockedbyclient');
    });
    await page.goto(url);
    await page.click('#throw');
    await page.click('#reject');
    await page.click('#message');
    const printed = [
      await demo.waitForLine(/ingest +event +unhandled error +"Error: Thrown from the demo page" +release=demo@0\.1\.0 +environment=demo/),
      await demo.waitForLine(/ingest +event +unhandled error +"TypeError: Rejected from the demo page"/),
      await demo.waitForLine(/ingest +event +message \(info\) +"Hello from the demo page"/),
    ];
    for (const line of printed) {
      await expect(page.locator('#received li', { hasText: line.replace(/^ingest +/, '') })).toHaveCount(1);
    }
    expect(blocked).toEqual([]);
  } finally {
    demo.child.kill();
  }
});
