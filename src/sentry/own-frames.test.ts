import { expect, test } from '@playwright/test';
import type { Event } from '@sentry/core';
import { ownFramesIntegration, withoutQuery } from './own-frames';

const eventWithFrames = (...filenames: Array<string | undefined>): Event => ({
  exception: { values: [{ type: 'Error', stacktrace: { frames: filenames.map((filename) => ({ filename, function: 'f' })) } }] },
});

const keptFilenames = (event: Event) => event.exception?.values?.[0]?.stacktrace?.frames?.map((frame) => frame.filename);

test('our frames go whether or not the engine kept the query string of our URL (WebKit drops it)', () => {
  const strip = ownFramesIntegration('https://cdn.example/segment-sentry.min.js?v=2');
  const event = eventWithFrames('https://site.example/app.js', 'https://cdn.example/segment-sentry.min.js', 'https://cdn.example/segment-sentry.min.js?v=2', undefined);
  strip.preprocessEvent!(event, {}, undefined as never);
  expect(keptFilenames(event)).toEqual(['https://site.example/app.js', undefined]);
});

test('a script of the same name elsewhere, or on another path, is kept', () => {
  const strip = ownFramesIntegration('https://cdn.example/segment-sentry.min.js');
  const event = eventWithFrames('https://other.example/segment-sentry.min.js', 'https://cdn.example/v2/segment-sentry.min.js');
  strip.preprocessEvent!(event, {}, undefined as never);
  expect(keptFilenames(event)).toEqual(['https://other.example/segment-sentry.min.js', 'https://cdn.example/v2/segment-sentry.min.js']);
});

test("an extra file's frames go as ours once it has added its URL, and only that file's", () => {
  const strip = ownFramesIntegration('https://cdn.example/segment-sentry.min.js');
  strip.urls.push(withoutQuery('https://cdn.example/segment-sentry.replay.min.js#x'));
  const event = eventWithFrames('https://site.example/app.js', 'https://cdn.example/segment-sentry.replay.min.js', 'https://cdn.example/segment-sentry.tracing.min.js');
  strip.preprocessEvent!(event, {}, undefined as never);
  expect(keptFilenames(event)).toEqual(['https://site.example/app.js', 'https://cdn.example/segment-sentry.tracing.min.js']);
});
