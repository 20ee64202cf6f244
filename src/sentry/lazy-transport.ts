import type { BaseTransportOptions, Transport, TransportMakeRequestResponse } from '@sentry/core';
import { attempt } from './guard';
import { whenIdleOrHidden } from './when-idle';

/**
 * A transport that is made on its first use, or when the page is first idle, whichever comes
 * first. Making the offline transport (IndexedDB queue, fetch, rate limits) was a noticeable part
 * of start-up, and nothing is sent during start-up: the first session goes out when the page is
 * idle (page-session.ts). Made at idle, it still flushes what earlier pages queued.
 */
export function makeLazyTransport<O extends BaseTransportOptions>(make: (options: O) => Transport): (options: O) => Transport {
  return (options) => {
    let transport: Transport | undefined;
    const made = (): Transport => (transport ??= make(options));
    whenIdleOrHidden(() => void attempt('making the transport', made));
    return {
      send: (envelope): PromiseLike<TransportMakeRequestResponse> => made().send(envelope),
      // Nothing was sent before it was made, so there is nothing to wait for.
      flush: (timeout): PromiseLike<boolean> => (transport ? transport.flush(timeout) : Promise.resolve(true)),
    };
  };
}
