import type { Page } from '@playwright/test';
import { startDemo } from '../scripts/dev/demo-process.mjs';
import { expect, inChromiumOnly, test } from './support/fixtures';

// The errors this file's pages throw on purpose; any other page error fails a test (e2e/support/fixtures.ts).
test.use({ expectedPageErrors: [/Payment form failed to render|Recommendations API returned nothing/] });

/** Clicks a button that makes an analytics.js call and waits until Segment's (local) API received it. */
async function segmentCall(page: Page, demo: ReturnType<typeof startDemo>, button: string, line: RegExp): Promise<void> {
  await page.click(button);
  await demo.waitForLine(line);
}

/** The inspector's card of the event whose title (exception or message) is `title`. */
const eventCard = (page: Page, title: string) => page.locator('#inspector .card.event').filter({ has: page.locator('h3', { hasText: title }) });

test.describe('npm start: the demo', () => {
  // The demo's server and inspector are our own Node and page code; what it shows on the page (the loader, consent,
  // the tunnel, the Segment app's settings) has its scenarios in every engine in the other specs.
  inChromiumOnly('the demo is a development tool; its behaviours are tested in every engine elsewhere');
  let demo: ReturnType<typeof startDemo>;
  test.beforeEach(() => {
    demo = startDemo({ DEMO_USE_BUILT: '1' });
  });
  test.afterEach(() => demo.stop());

  test('identify, track, throw: the inspector shows the user, the Segment breadcrumb and the in-app frame; the terminal prints it', async ({ page }) => {
    await page.goto(await demo.url());
    await segmentCall(page, demo, '#identify', /^segment \/v1\/i identify/);
    await segmentCall(page, demo, '#track', /^segment \/v1\/t track Added to Cart/);
    await page.click('#throw');
    const card = eventCard(page, 'Error: Payment form failed to render');
    await expect(card).toBeVisible();
    await expect(card.locator('.kind')).toHaveText('error · unhandled');
    await expect(card.locator('.tags')).toContainText('user-42 · ada@example.com · Ada Lovelace');
    await expect(card.locator('.tags')).toContainText('demo@0.1.0');
    await expect(card.locator('table.crumbs tr.segment', { hasText: 'Added to Cart' })).toHaveCount(1);
    await expect(card.locator('.frames > .frame.in-app').first()).toContainText('checkoutButtonClicked');
    await demo.waitForLine(/^ingest +event +unhandled error +"Error: Payment form failed to render" +release=demo@0\.1\.0 +environment=demo +user=.*id=user-42/);
    await expect(page.locator('#inspector .card.session')).not.toHaveCount(0);
    // trackErrors: the error Sentry took became one Segment event, shown beside it with the same event id.
    const eventId = (await card.locator('.tag', { hasText: 'event id' }).textContent())?.replace('event id ', '');
    expect(eventId).toMatch(/^[0-9a-f]{32}$/);
    const segmentCard = page.locator('#inspector .card.segment', { hasText: 'Error Captured' });
    await expect(segmentCard).toHaveCount(1);
    await expect(segmentCard.locator('.tags')).toContainText(`eventId ${eventId}`);
    await expect(segmentCard.locator('.tags')).toContainText('Payment form failed to render');
    await demo.waitForLine(new RegExp(`^segment /v1/t track Error Captured ${eventId}$`));
  });

  test('with a content blocker: straight to the ingest is blocked, through the tunnel it arrives', async ({ page }) => {
    await page.goto(await demo.url());
    await page.click('#blocker-on');
    await page.click('#tunnel-off');
    await expect(page.locator('#tunnel-off')).toHaveClass('on');
    await page.click('#message');
    await expect(page.locator('#inspector .card.blocked').first()).toContainText('sentry_key=');
    await page.click('#tunnel-on');
    await expect(page.locator('#blocker-on')).toHaveClass('on');
    await page.click('#message');
    // (The blocked message, kept in the offline queue, may arrive through the tunnel too.)
    await expect(eventCard(page, 'Customer reached the checkout page').first()).toBeVisible();
  });

  test('the loader, with consent required: nothing arrives until the visitor says yes, then what was kept does', async ({ page }) => {
    // Straight to the page with both switches set: a page left earlier flushes its session as it goes,
    // which would show up here.
    await page.goto(`${await demo.url()}?bundle=loader&consent=on`);
    await expect(page.locator('#consent-on')).toHaveClass('on');
    await expect(page.locator('#bundle-loader')).toHaveClass('on');
    await page.click('#throw');
    await page.click('#message');
    // Nothing may arrive: the page's flush says it is still holding them for consent.
    expect(await page.evaluate(() => window.SegmentSentry?.flush(2000))).toBe(false);
    await expect(page.locator('#inspector .card')).toHaveCount(0);
    await page.click('#grant');
    await expect(eventCard(page, 'Error: Payment form failed to render')).toHaveCount(1);
    await expect(eventCard(page, 'Customer reached the checkout page')).toHaveCount(1);
  });

  test('settings from the Segment app: the visitor edits the Sentry destination there, and the next page load uses it', async ({ page }) => {
    await page.goto(await demo.url());
    await page.click('#settings-app');
    await expect(page.locator('#settings-app')).toHaveClass('on');
    expect(await page.locator('#segment-sentry-settings').count(), 'no settings element on the page').toBe(0);
    await page.fill('#app-release', 'edited@1.0.0');
    await page.fill('#app-environment', 'edited-in-the-app');
    await page.fill('#app-ignore', 'Payment form');
    // The page reloads once the Segment app has saved: what follows is the next page's.
    await page.evaluate(() => ((window as unknown as { beforeTheSave: boolean }).beforeTheSave = true));
    await page.click('#app-save');
    await demo.waitForLine(/^segment app: Sentry destination saved .*edited@1\.0\.0/);
    await page.waitForFunction(() => !(window as unknown as { beforeTheSave?: boolean }).beforeTheSave && document.readyState === 'complete');
    await expect(page.locator('#app-release')).toHaveValue('edited@1.0.0');
    // The ignore pattern drops the thrown error; the message after it is the sentinel.
    await page.click('#throw');
    await page.click('#message');
    const card = eventCard(page, 'Customer reached the checkout page');
    await expect(card).toBeVisible();
    await expect(card.locator('.tags')).toContainText('edited@1.0.0');
    await expect(card.locator('.tags')).toContainText('edited-in-the-app');
    await expect(eventCard(page, 'Error: Payment form failed to render')).toHaveCount(0);
  });

  test("the npm app: analytics-next and segmentSentry() bundled by esbuild, no snippet and no script tag of ours; the user it identified and an error it threw arrive at the inspector, with the Segment app's release", async ({ page }) => {
    await page.goto(`${await demo.url()}?settings=npm`);
    await expect(page.locator('#settings-npm')).toHaveClass('on');
    expect(
      await page.evaluate(() => ({ analytics: 'analytics' in window, ours: document.querySelectorAll('script[src*="segment-sentry"], #segment-sentry-settings').length })),
      'the npm way in: no analytics.js global, no script or settings element of ours',
    ).toEqual({ analytics: false, ours: 0 });
    await segmentCall(page, demo, '#identify', /^segment \/v1\/i identify/);
    await page.click('#throw');
    const card = eventCard(page, 'Error: Payment form failed to render');
    await expect(card).toBeVisible();
    await expect(card.locator('.tags')).toContainText('user-42 · ada@example.com · Ada Lovelace');
    await expect(card.locator('.tags')).toContainText('demo@0.2.0');
    await demo.waitForLine(/^ingest +event +unhandled error +"Error: Payment form failed to render" +release=demo@0\.2\.0 +environment=demo-from-the-segment-app +user=.*id=user-42/);
  });

  test('Session Replay on error: the error card names its replay, and the replay card, with its recording, names the error', async ({ page }) => {
    await page.goto(await demo.url());
    await page.click('#replay-on');
    await expect(page.locator('#replay-on')).toHaveClass('on');
    // (recording starts once the replay file has run: its session in sessionStorage)
    await page.waitForFunction(() => sessionStorage.getItem('segmentSentryReplaySession') !== null, undefined, { timeout: 15_000 });
    await page.click('#throw');
    const card = eventCard(page, 'Error: Payment form failed to render');
    const replayTag = card.locator('.tag', { hasText: 'replay' });
    await expect(replayTag).toHaveCount(1);
    const replayId = (await replayTag.textContent())?.replace('replay ', '');
    const eventId = (await card.locator('.tag', { hasText: 'event id' }).textContent())?.replace('event id ', '');
    const replayCard = page.locator('#inspector .card.replay_event', { hasText: `Replay ${replayId}` });
    await expect(replayCard).toHaveCount(1);
    await expect(replayCard.locator('.tags')).toContainText(`error ${eventId}`);
    await expect(page.locator('#inspector .card.replay_recording').first()).toContainText('bytes of recorded page');
    await demo.waitForLine(new RegExp(`^ingest +replay +buffer +replay_id=${replayId} .*error_ids=${eventId}`));
  });
});
