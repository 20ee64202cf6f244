// The Sentry side of a test: one project on the local ingest per test, and the helpers that wait for what it received.
import { expect } from '@playwright/test';
import type { Event } from '@sentry/core';
import type { IngestItem, IngestServer } from '../../scripts/dev/ingest-server.mjs';
import type { BrowserPage } from './browser-page';

export const PREFIX = '[segment-sentry]';
const SENTINEL = 'segment-sentry sentinel';

/** One Sentry project on the local ingest: each test gets its own, so tests never see each other's events. */
export class Project {
  constructor(
    readonly id: string,
    readonly dsn: string,
    private readonly ingest: IngestServer,
  ) {}

  items(type?: string): IngestItem[] {
    return this.ingest.items.filter((item) => item.projectId === this.id && (!type || item.type === type));
  }

  events(): Event[] {
    return this.items('event').map((item) => item.payload as Event);
  }

  waitForItem(type: string, predicate: (payload: any) => boolean = () => true, description = type, timeoutMs?: number): Promise<IngestItem> {
    return this.ingest.waitForItem((item) => item.projectId === this.id && item.type === type && predicate(item.payload), {
      description: `${description} for project ${this.id}`,
      timeoutMs,
    });
  }

  async waitForEvent(predicate: (event: Event) => boolean = () => true, description = 'event', timeoutMs?: number): Promise<Event> {
    return (await this.waitForItem('event', predicate, description, timeoutMs)).payload as Event;
  }

  /** The event whose exception (or message) mentions `text`. */
  waitForError(text: string, timeoutMs?: number): Promise<Event> {
    return this.waitForEvent((event) => describeEvent(event).includes(text), `event mentioning "${text}"`, timeoutMs);
  }

  /**
   * A barrier, not an assertion: once it resolves, everything the page captured before it has been
   * processed and sent (a sentinel captured after it arrived, and the client was flushed).
   */
  async settle(page: BrowserPage): Promise<void> {
    await sendSentinel(page);
    await this.waitForEvent((event) => event.message === SENTINEL, 'sentinel');
    await pastTheQueuesNextSend(page);
  }

  /**
   * "Nothing was sent" made checkable: a sentinel message is captured after whatever should have
   * been dropped, the page's client is flushed (so every earlier request has been answered), and
   * only then are the events this project received compared against `predicate`.
   */
  async expectNoEvent(page: BrowserPage, predicate: (event: Event) => boolean, options: { sentinelError?: string } = {}): Promise<void> {
    if (options.sentinelError) {
      // The page sends its own sentinel (an error it throws last), for filters a message would not pass.
      await this.waitForError(options.sentinelError);
    } else {
      await sendSentinel(page);
      await this.waitForEvent((event) => event.message === SENTINEL, 'sentinel');
    }
    await page.evaluate(() => window.SegmentSentry?.flush(5000));
    const unexpected = this.events().filter(predicate);
    expect(unexpected.map(describeEvent), 'events that should not have been sent').toEqual([]);
  }
}

/**
 * Past the moment a stored envelope would go out: the offline queue sends the next one 100 ms after a send that
 * went through (the sentinel's, say), so a check that nothing was sent, or came back, is made after that, and
 * after the send it would make has been answered.
 */
export async function pastTheQueuesNextSend(page: BrowserPage): Promise<void> {
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 300)));
  await page.evaluate(() => window.SegmentSentry?.flush(5000));
}

export async function sendSentinel(page: BrowserPage): Promise<void> {
  await page.evaluate(async (message) => {
    window.SegmentSentry?.captureMessage(message);
    await window.SegmentSentry?.flush(5000);
  }, SENTINEL);
}

/** Captures an Error with this message through SegmentSentry. */
export const capture = (page: BrowserPage, message: string): Promise<unknown> =>
  page.evaluate((text) => window.SegmentSentry?.captureException(new Error(text)), message);

export function describeEvent(event: Event): string {
  if (event.message !== undefined) return event.message;
  const exception = event.exception?.values?.map((value) => `${value.type}: ${value.value}`).join(' / ');
  return exception ?? event.logentry?.message ?? '(no message)';
}

/**
 * A content blocker's rule (EasyPrivacy: ?sentry_key=) at the ingest, so it holds in every engine: a request
 * straight from the page is cut off, as an unreachable network; a tunnel forwards with no query, and gets through.
 * Returns the URLs it cut off.
 */
export function blockDirectSends(ingest: IngestServer, project: Project): string[] {
  const direct: string[] = [];
  ingest.respondWith(project.id, ({ items }) => {
    const url = items[0]?.url ?? '';
    if (!new URL(url).searchParams.has('sentry_key')) return undefined;
    direct.push(url);
    return { unreachable: true };
  });
  return direct;
}
