import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, browserExecutable } from './scripts/dev/browsers.mjs';

export default defineConfig({
  // The lanes wait on browsers and servers most of the time (a one-worker run kept the CPU busy a quarter of its
  // wall time): four workers, each with its own servers, browser and page, a spec file at a time (spreading
  // single tests made workers switch browsers: slower). Three left a quarter of the CPU idle on a fast machine, at
  // the changes of engine most of all. Measured in docs/development.md («The run»).
  workers: 4,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['./e2e/support/summary-reporter.ts']],
  use: { trace: 'off' },
  projects: [
    // Pure functions (settings parsing, release resolution, frame marking) in Node, no browser; and the
    // WebKit lane's process handling (scripts/dev/webkit-driver.test.ts).
    { name: 'unit', testDir: '.', testMatch: ['src/**/*.test.ts', 'scripts/**/*.test.ts'] },
    {
      name: 'chromium',
      testDir: 'e2e',
      // Scenarios registered for every engine (everyEngine in e2e/support/fixtures.ts) have a WebKit copy tagged @webkit.
      grepInvert: /@webkit/,
      use: {
        browserName: 'chromium',
        launchOptions: {
          executablePath: browserExecutable('chromium'),
          args: CHROMIUM_ARGS,
        },
      },
    },
    {
      name: 'firefox',
      testDir: 'e2e',
      grepInvert: /@webkit/,
      use: {
        browserName: 'firefox',
        // Debian's firefox-esr over WebDriver BiDi; see patches/ and docs/development.md for the one command it lacks.
        channel: 'moz-firefox',
        launchOptions: {
          executablePath: browserExecutable('firefox'),
          firefoxUserPrefs: {
            'network.captive-portal-service.enabled': false,
            'network.connectivity-service.enabled': false,
            'app.update.enabled': false,
            'browser.safebrowsing.update.enabled': false,
            'datareporting.policy.dataSubmissionEnabled': false,
            'toolkit.telemetry.enabled': false,
          },
        },
      },
    },
    {
      // Debian's WebKitGTK over WebDriver (scripts/dev/webkit-driver.mjs): the @webkit copies of the shared scenarios.
      name: 'webkit',
      testDir: 'e2e',
      grep: /@webkit/,
      use: { browserName: 'webkit' },
    },
  ],
});
