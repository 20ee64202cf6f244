import type { BrowserPage } from './browser-page';

/** What Sentry's client does when the page is hidden: it sends its client reports (what it dropped, and why). */
export const sendClientReports = (page: BrowserPage) =>
  page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
  });
