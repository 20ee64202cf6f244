import { attempt } from '../sentry/guard';
import { log } from '../sentry/log';

export const SETTINGS_ELEMENT_ID = 'segment-sentry-settings';
export const SETTINGS_ELEMENT_SOURCE = `settings element #${SETTINGS_ELEMENT_ID}`;
/** Page-level settings only (settings.ts, PAGE_KEYS), set over the Segment app's; read as those arrive. */
export const PAGE_SETTINGS_ELEMENT_ID = 'segment-sentry-page-settings';

function settingsElements(doc: Document): NodeListOf<Element> {
  return doc.querySelectorAll(`#${SETTINGS_ELEMENT_ID}`);
}

function warnIfDuplicated(doc: Document): void {
  const count = settingsElements(doc).length;
  if (count > 1) log.warn(`found ${count} ${SETTINGS_ELEMENT_SOURCE}; using the first and ignoring the others`);
}

/**
 * Hands the settings element's text to `found`. Our script may run before the element is parsed
 * (it sits in <head>, the settings further down), so while the document is still loading we look
 * again at DOMContentLoaded. With no element at all, `absent` is called then (the settings may come
 * from the Segment app, or from `SegmentSentry.init(settings)`).
 * A second element is ignored with a warning, also when it only appears further down the page.
 */
export function whenSettingsElement(doc: Document, found: (text: string) => void, absent: () => void): void {
  const first = settingsElements(doc)[0];
  if (first) found(first.textContent ?? '');
  if (doc.readyState !== 'loading') {
    warnIfDuplicated(doc);
    if (!first) absent();
    return;
  }
  doc.addEventListener(
    'DOMContentLoaded',
    () =>
      attempt('reading the settings at DOMContentLoaded', () => {
        warnIfDuplicated(doc);
        const late = first ? undefined : settingsElements(doc)[0];
        if (late) found(late.textContent ?? '');
        else if (!first) absent();
      }),
    { once: true },
  );
}
