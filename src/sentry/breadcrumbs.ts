import { addBreadcrumb, getEventDescription, type Integration } from '@sentry/core';
import { recordConsole } from './console-breadcrumbs';
import { recordClicksAndTyping } from './dom-breadcrumbs';
import { recordRequests } from './http-breadcrumbs';
import { recordNavigation } from './navigation-breadcrumbs';

/**
 * The breadcrumbs Sentry's default browser set-up records (its breadcrumbs and console integrations),
 * made by our own small instrumentation, one module each: clicks and typing, fetch and XHR, navigation,
 * console lines, and a `sentry.event` breadcrumb for each event sent, so a later event shows the earlier.
 * Sentry's generic instrumentation (handler registries, span hooks, body streaming) is several times the bytes.
 */
export function breadcrumbsIntegration(): Integration {
  return {
    name: 'Breadcrumbs',
    setup(client) {
      recordClicksAndTyping();
      recordRequests();
      recordNavigation();
      recordConsole();
      client.on('beforeSendEvent', (event) =>
        addBreadcrumb({ category: 'sentry.event', event_id: event.event_id, level: event.level, message: getEventDescription(event) }, { event }),
      );
    },
  };
}
