/** `{[category]: boolean}`: Segment's shape (`context.consent.categoryPreferences`), and setConsent's argument. */
export type CategoryPreferences = Record<string, boolean>;

/** unknown: no preferences yet; granted: every required category is true (or none is required); denied: otherwise. */
export type ConsentState = 'unknown' | 'granted' | 'denied';

/**
 * Segment's rule for a destination: enabled only when every one of its categories is true, always
 * enabled when it has none. A required category missing from the preferences counts as not granted.
 */
export function consentState(required: readonly string[], preferences: CategoryPreferences | undefined): ConsentState {
  if (required.length === 0) return 'granted';
  if (!preferences) return 'unknown';
  return required.every((category) => preferences[category] === true) ? 'granted' : 'denied';
}

/** The boolean entries of a preferences object; undefined when it is not an object at all. */
export function categoryPreferencesOf(value: unknown): CategoryPreferences | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const preferences: CategoryPreferences = {};
  for (const [category, granted] of Object.entries(value)) {
    if (typeof granted === 'boolean') preferences[category] = granted;
  }
  return preferences;
}
