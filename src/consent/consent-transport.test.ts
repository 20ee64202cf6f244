// The consent gate on its own, in Node: what it does with the sends nobody waits for, and the one decision on
// what was kept before start-up (e2e/consent.spec.ts has the same in browsers).
import { createEnvelope, type Envelope, type Transport } from '@sentry/core';
import { expect, test } from '@playwright/test';
import { createConsentGate } from './consent-transport';

const eventEnvelope = (eventId: string): Envelope => createEnvelope({ event_id: eventId }, [[{ type: 'event' }, { event_id: eventId }]]) as Envelope;

/** A transport that records what it is given; `fail`: each send rejects, as a fetch that failed does. */
function recordingTransport(fail = false): { sent: string[]; make: () => Transport } {
  const sent: string[] = [];
  return {
    sent,
    make: () => ({
      send: (envelope) => (sent.push(String(envelope[0].event_id)), fail ? Promise.reject(new Error('failed send')) : Promise.resolve({ statusCode: 200 })),
      flush: () => Promise.resolve(true),
    }),
  };
}

test('what was kept for consent and sent on the grant, failing, ends in the gate: no unhandled rejection', async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    const { sent, make } = recordingTransport(true);
    const gate = createConsentGate(['Analytics'], undefined, () => undefined);
    const transport = gate.wrap(make)({});
    await transport.send(eventEnvelope('kept'));
    gate.update({ Analytics: true });
    expect(sent).toEqual(['kept']);
    // Node reports an unhandled rejection after the microtasks and a turn of the event loop.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(unhandled).toEqual([]);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});

test('replay decides from the consent in force when a kept thing happened, whatever the state now', async () => {
  const { sent, make } = recordingTransport();
  // The visitor said no before Sentry started.
  const gate = createConsentGate(['Analytics'], { Analytics: false }, () => undefined);
  const transport = gate.wrap(make)({});
  const captured: string[] = [];
  // The event's envelope reaches the gate before capture returns, as Sentry's client sends it.
  const capture = (eventId: string) => (captured.push(eventId), void transport.send(eventEnvelope(eventId)));
  gate.replay({ Analytics: true }, capture);
  gate.replay({ Analytics: false }, capture);
  gate.replay({ Analytics: true, Other: false }, capture);
  expect(captured).toHaveLength(2); // made under a "no": never captured
  expect(sent).toEqual(captured);
  // Live sends follow the state now.
  await transport.send(eventEnvelope('live, denied'));
  expect(sent).toEqual(captured);
});
