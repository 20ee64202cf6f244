import { getComponentName, htmlTreeAsString } from '@sentry/browser-utils';
import { addBreadcrumb } from '@sentry/core';
import { attempt } from './guard';

// Typing in the same field makes one breadcrumb until it pauses this long (as Sentry's own).
const TYPING_PAUSE_MS = 1000;

/**
 * Click and key-press breadcrumbs (`ui.click`, `ui.input`), as Sentry's breadcrumbs integration makes them,
 * from two capturing listeners on the window: the first listeners any event meets, so none that a page
 * stops on its way is missed. Sentry gets there by wrapping every element's addEventListener; this costs a
 * fraction of the bytes and wraps nothing of the page's.
 */
export function recordClicksAndTyping(): void {
  let last: { type: string; target: EventTarget | null } | undefined;
  // When the last click or key press came: a timer per event (as Sentry's debounce sets) cost more on a busy page.
  let lastAt = 0;
  const onEvent = (event: Event): void =>
    attempt('a click or key-press breadcrumb', () => {
      const target = event.target as HTMLElement | null;
      // Key presses count in text fields only (as Sentry's: not the page's keyboard shortcuts).
      if (event.type === 'keypress' && !(target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.isContentEditable))) return;
      const now = Date.now();
      if (now - lastAt >= TYPING_PAUSE_MS || last?.type !== event.type || last.target !== target) {
        let message: string;
        let componentName: string | null = null;
        try {
          message = htmlTreeAsString(target);
          componentName = getComponentName(target);
        } catch {
          message = '<unknown>';
        }
        const name = event.type === 'keypress' ? 'input' : 'click';
        if (message) {
          addBreadcrumb(
            { category: `ui.${name}`, message, ...(componentName && { data: { 'ui.component_name': componentName } }) },
            { event, name, global: true },
          );
        }
        last = { type: event.type, target };
      }
      lastAt = now;
    });
  addEventListener('click', onEvent, true);
  addEventListener('keypress', onEvent, true);
}
