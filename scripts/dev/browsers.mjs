// @ts-check
// Playwright cannot download its own browsers on these machines, so tests and the bench drive Debian's.
// An environment variable wins; then the usual Debian paths.
import { existsSync } from 'node:fs';

const CANDIDATES = {
  chromium: { variable: 'CHROMIUM_PATH', paths: ['/usr/bin/chromium', '/usr/bin/chromium-browser'], debian: 'chromium' },
  firefox: { variable: 'FIREFOX_PATH', paths: ['/usr/bin/firefox-esr', '/usr/bin/firefox'], debian: 'firefox-esr' },
};

/** Flags that keep Chromium off the network: everything here talks to 127.0.0.1 only. */
export const CHROMIUM_ARGS = ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'];

/** @param {keyof typeof CANDIDATES} browser */
export function browserExecutable(browser) {
  const { variable, paths, debian } = CANDIDATES[browser];
  const override = process.env[variable];
  if (override) {
    if (!existsSync(override)) throw new Error(`${variable}=${override}, but there is no file there`);
    return override;
  }
  const found = paths.find((path) => existsSync(path));
  if (!found) {
    throw new Error(
      `No ${browser} found at ${paths.join(' or ')}. Install Debian's package (apt-get install -y ${debian}) ` +
        `or point ${variable} at the binary.`,
    );
  }
  return found;
}
