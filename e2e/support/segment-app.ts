// What the specs of the Segment-app install share (e2e/segment-app.spec.ts for the script, e2e/npm-plugin.spec.ts for
// the npm plugin): reading what arrived, and the scenarios both installs must pass alike.
import { expect } from '@playwright/test';
import type { Event } from '@sentry/core';
import type { BrowserPage } from './browser-page';
import { describeEvent, type Project } from './ingest-project';

/** The events of `project` whose description mentions `text`. */
export const arrived = (project: Project, text: string) => project.events().filter((event) => describeEvent(event).includes(text));
/** The messages of an event's breadcrumbs of one category, in order. */
export const breadcrumbs = (event: Event, category: string) => (event.breadcrumbs ?? []).filter((crumb) => crumb.category === category).map((crumb) => crumb.message);
/** A message captured through the page's SegmentSentry (the script's global, or the npm app's exports under that name). */
export const captureMessage = (page: BrowserPage, message: string) => page.evaluate((text) => window.SegmentSentry?.captureMessage(text), message);

/**
 * With the Segment app's consent categories for Sentry (`consentSettings.categories: ['Analytics']`): nothing made
 * before the visitor decided, or while they said no, is sent; what is made after their yes is (the sentinel).
 */
export async function sentOnlyOnceGranted(page: BrowserPage, project: Project): Promise<void> {
  await captureMessage(page, 'before the visitor decided');
  await page.evaluate(() => window.SegmentSentry?.setConsent({ Analytics: false }));
  await captureMessage(page, 'while denied');
  await page.evaluate(() => window.SegmentSentry?.setConsent({ Analytics: true }));
  await captureMessage(page, 'after the grant');
  await project.waitForError('after the grant');
  await page.evaluate(() => window.SegmentSentry?.flush(5000));
  expect(arrived(project, 'before the visitor decided')).toEqual([]);
  expect(arrived(project, 'while denied')).toEqual([]);
}
