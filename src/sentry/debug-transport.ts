import { forEachEnvelopeItem, getEventDescription, type Event, type Transport } from '@sentry/core';
import { log } from './log';

/**
 * The product page promises that in debug mode nothing is sent and each event is logged.
 * Sentry's own `debug` option only adds logging, so debug mode swaps the transport instead:
 * every envelope stops here, and no request ever leaves the page.
 */
export function makeDebugTransport(): Transport {
  return {
    send(envelope) {
      forEachEnvelopeItem(envelope, ([, payload], type) => {
        if (type === 'event') {
          const event = payload as Event;
          const kind = event.message === undefined ? 'error' : `message (${event.level ?? 'info'})`;
          log.info(`debug mode, not sent: ${kind} "${getEventDescription(event)}", event id ${event.event_id}`);
        } else {
          log.info(`debug mode, not sent: ${type}`);
        }
      });
      return Promise.resolve({});
    },
    flush: () => Promise.resolve(true),
  };
}
