import type { Settings } from './settings';

function asRelease(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/**
 * Reads a release from a global: `name` as one property first (a property may contain dots),
 * then as a dotted path (`app.build.version`). Getters on someone else's page may throw.
 */
export function readGlobalRelease(root: object, name: string): string | undefined {
  try {
    const direct = asRelease((root as Record<string, unknown>)[name]);
    if (direct !== undefined || !name.includes('.')) return direct;
    let value: unknown = root;
    for (const key of name.split('.')) {
      if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return undefined;
      value = (value as Record<string, unknown>)[key];
    }
    return asRelease(value);
  } catch {
    return undefined;
  }
}

/**
 * The product page's order: the window property named by customVersionProperty, then the
 * release setting, then `window.SENTRY_RELEASE.id` (what Sentry's bundler plugins inject).
 * Called for every event, so a property that appears after start-up is picked up.
 */
export function resolveRelease(settings: Pick<Settings, 'customVersionProperty' | 'release'>, root: object): string | undefined {
  return (
    (settings.customVersionProperty && readGlobalRelease(root, settings.customVersionProperty)) ||
    settings.release ||
    readGlobalRelease(root, 'SENTRY_RELEASE.id')
  );
}
