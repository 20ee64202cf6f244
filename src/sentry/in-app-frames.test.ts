import { expect, test } from '@playwright/test';
import type { Event } from '@sentry/core';
import { inAppFramesIntegration } from './in-app-frames';

test('frames are in-app when their URL matches, and a frame with no URL never is', () => {
  const event: Event = {
    exception: {
      values: [
        {
          stacktrace: {
            frames: [{ function: 'native' }, { filename: 'https://cdn.example.com/vendor.js' }, { filename: 'https://app.example.com/main.js' }],
          },
        },
      ],
    },
  };
  const processed = inAppFramesIntegration([/^https:\/\/app\.example\.com\//]).processEvent!(event, {}, undefined as never) as Event;
  expect(processed.exception?.values?.[0]?.stacktrace?.frames?.map((frame) => frame.in_app)).toEqual([false, false, true]);
});
