import { expect, test } from '@playwright/test';
import { MAX_KEPT, hearConsent, keep, listenForErrors, loaderHandoffOf, ownHandoff, scriptUrlPolicy, sentryPlugin, type KeptError } from './protocol';

test('keep holds at most the one documented cap, and says when it was full', () => {
  const list: number[] = [];
  const kept = Array.from({ length: MAX_KEPT + 5 }, (_, i) => keep(list, i));
  expect(list).toHaveLength(MAX_KEPT);
  expect(kept.filter(Boolean)).toHaveLength(MAX_KEPT);
  expect(kept.at(-1)).toBe(false);
});

test('the handoff is recognised on the loader API only', () => {
  const handoff = { calls: [], errors: [], analytics: [], stop() {} };
  expect(loaderHandoffOf({ _loader: handoff })).toBe(handoff);
  for (const other of [undefined, null, {}, { _loader: {} }, { _loader: { calls: 'no' } }]) expect(loaderHandoffOf(other)).toBeUndefined();
});

test("the Sentry plugin is a destination named Sentry that delivers each call and hands analytics.js its context back", () => {
  const delivered: unknown[] = [];
  const plugin = sentryPlugin('1.2.3', (type, event) => delivered.push([type, event]));
  expect(plugin).toMatchObject({ name: 'Sentry', type: 'enrichment', version: '1.2.3' });
  expect(plugin.isLoaded()).toBe(true);
  // Each event as analytics.js makes it, with its type.
  const ctx = { event: { type: 'track' as const, event: 'Clicked' } };
  expect(plugin.track(ctx)).toBe(ctx);
  plugin.identify({ event: { type: 'identify', userId: 'u' } });
  plugin.page({ event: { type: 'page', name: 'Home' } });
  expect(delivered).toEqual([
    ['track', { type: 'track', event: 'Clicked' }],
    ['identify', { type: 'identify', userId: 'u' }],
    ['page', { type: 'page', name: 'Home' }],
  ]);
});

test('the error listener keeps errors and rejections with their handler and the consent in force then, and stops', () => {
  const target = new EventTarget();
  const handoff = ownHandoff();
  const seen: KeptError[] = [];
  const stop = listenForErrors(target as unknown as Window, handoff, (error) => seen.push(error));
  const boom = new Error('boom');
  const unanswered = handoff.consent;
  target.dispatchEvent(Object.assign(new Event('error'), { error: boom }));
  hearConsent(handoff, { Analytics: true });
  const granted = handoff.consent;
  target.dispatchEvent(Object.assign(new Event('error'), { error: null, message: 'Script error.' }));
  hearConsent(handoff, { Analytics: false });
  target.dispatchEvent(Object.assign(new Event('unhandledrejection'), { reason: 'nope' }));
  stop();
  target.dispatchEvent(Object.assign(new Event('error'), { error: new Error('after stop') }));
  // A cross-origin error carries no error object: its message is kept.
  expect(seen).toEqual([['onerror', boom, unanswered], ['onerror', 'Script error.', granted], ['onunhandledrejection', 'nope', handoff.consent]]);
  // The first answer decides for what was kept before any: the same mark, filled in.
  expect(unanswered).toBe(granted);
  expect(seen.map((kept) => kept[2].given)).toEqual([{ Analytics: true }, { Analytics: true }, { Analytics: false }]);
});

test('hearConsent takes preferences objects only', () => {
  const handoff = ownHandoff();
  for (const notAnAnswer of [undefined, null, 'yes', 1, true, [true]]) expect(hearConsent(handoff, notAnAnswer)).toBeFalsy();
  expect(handoff.consent).toEqual({});
  expect(hearConsent(handoff, {})).toBeTruthy();
  expect(handoff.consent).toEqual({ given: {} });
});

test('our Trusted Types policy, which the page can reach on the handoff, makes URLs of plain file names in our folder only', () => {
  const global = globalThis as { window?: unknown };
  const before = global.window;
  global.window = { trustedTypes: { createPolicy: (name: string, rules: { createScriptURL(name: string): string }) => ({ name, ...rules }) } };
  try {
    const policy = scriptUrlPolicy('https://cdn.example/segment-sentry/1.0/segment-sentry.loader.min.js?v=1') as unknown as { name: string; createScriptURL(name: string): string };
    expect(policy.name).toBe('segment-sentry');
    expect(policy.createScriptURL('segment-sentry.replay.min.js')).toBe('https://cdn.example/segment-sentry/1.0/segment-sentry.replay.min.js');
    for (const other of ['https://evil.example/x.js', '//evil.example/x.js', 'http:evil.example', '../x.js', 'sub/x.js', 'x.js?y', 'javascript:alert(1)', '', '.', '..', 'other.js', 'segment-sentry.min.js/x'])
      expect(policy.createScriptURL(other), other).toBe('');
  } finally {
    global.window = before;
  }
});
