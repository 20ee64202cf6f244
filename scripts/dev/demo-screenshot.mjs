// @ts-check
// `npm run screenshot`: starts the demo as `npm start` does, uses it as a person would (identify, track,
// page, throw, reject, a message) in Debian's Chromium with the project's own Playwright, and saves what
// the page shows as docs/demo.png for the README, so the picture stays current.
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, browserExecutable } from './browsers.mjs';
import { startDemo } from './demo-process.mjs';

const OUT = new URL('../../docs/demo.png', import.meta.url);
const demo = startDemo();
const browser = await chromium.launch({ executablePath: browserExecutable('chromium'), args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  await page.goto(await demo.url());
  for (const [button, line] of /** @type {const} */ ([
    ['#identify', /^segment \/v1\/i identify/],
    ['#page', /^segment \/v1\/p page/],
    ['#track', /^segment \/v1\/t track Added to Cart/],
  ])) {
    await page.click(button);
    await demo.waitForLine(line);
  }
  await page.click('#message');
  await page.click('#throw');
  for (const title of ['Error: Payment form failed to render', 'Customer reached the checkout page']) {
    await page.locator('#inspector .card.event').filter({ has: page.locator('h3', { hasText: title }) }).waitFor();
  }
  await page.locator('#inspector .card.session').first().waitFor();
  await page.screenshot({ path: OUT.pathname });
  console.log(`wrote ${OUT.pathname}`);
} finally {
  await browser.close();
  demo.stop();
}
