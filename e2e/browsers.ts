import { existsSync } from 'node:fs';

/**
 * Playwright cannot download its own browsers on these machines, so the tests drive Debian's.
 * An environment variable wins; then the usual Debian paths.
 */
const CANDIDATES = {
  chromium: { variable: 'CHROMIUM_PATH', paths: ['/usr/bin/chromium', '/usr/bin/chromium-browser'], debian: 'chromium' },
  firefox: { variable: 'FIREFOX_PATH', paths: ['/usr/bin/firefox-esr', '/usr/bin/firefox'], debian: 'firefox-esr' },
} as const;

export function browserExecutable(browser: keyof typeof CANDIDATES): string {
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
