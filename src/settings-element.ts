import { attempt } from './guard';
import { log } from './log';

export const SETTINGS_ELEMENT_ID = 'segment-sentry-settings';
export const SETTINGS_ELEMENT_SOURCE = `settings element #${SETTINGS_ELEMENT_ID}`;

function readSettingsElement(doc: Document): string | undefined {
  const elements = doc.querySelectorAll(`#${SETTINGS_ELEMENT_ID}`);
  const first = elements[0];
  if (!first) return undefined;
  if (elements.length > 1) {
    log.warn(`found ${elements.length} ${SETTINGS_ELEMENT_SOURCE}; using the first and ignoring the others`);
  }
  return first.textContent ?? '';
}

/**
 * Hands the settings element's text to `found`. Our script may run before the element is parsed
 * (it sits in <head>, the settings further down), so while the document is still loading we look
 * again at DOMContentLoaded. With no element at all we wait for `SegmentSentry.init(settings)`.
 */
export function whenSettingsElement(doc: Document, found: (text: string) => void): void {
  const text = readSettingsElement(doc);
  if (text !== undefined) {
    found(text);
    return;
  }
  if (doc.readyState === 'loading') {
    doc.addEventListener(
      'DOMContentLoaded',
      () =>
        attempt('reading the settings at DOMContentLoaded', () => {
          const late = readSettingsElement(doc);
          if (late !== undefined) found(late);
        }),
      { once: true },
    );
  }
}
