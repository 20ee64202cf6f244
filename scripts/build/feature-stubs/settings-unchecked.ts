// The settings as a build without validation would read them (scripts/build/feature-costs.mjs): taken
// as given, no message for anything wrong. Only for measuring what validation costs; never shipped.
import type { ParsedSettings, Settings } from '../../../src/settings/settings';

export type { ParsedSettings, Problem, Settings } from '../../../src/settings/settings';

export function parseSettings(input: unknown): ParsedSettings {
  const value = (typeof input === 'string' ? JSON.parse(input) : input) as Record<string, any>;
  const raw = value.integrations ? value.integrations.Sentry : value;
  const settings: Settings = {
    ...raw,
    dsn: raw.config,
    debug: raw.debug === true,
    ignoreErrors: raw.ignoreErrors ?? [],
    ignoreUrls: raw.ignoreUrls ?? [],
    whitelistUrls: raw.whitelistUrls ?? [],
    includePaths: (raw.includePaths ?? []).map((source: string) => new RegExp(source)),
    consentCategories: raw.consentSettings?.categories ?? [],
  };
  return { settings, problems: [] };
}
