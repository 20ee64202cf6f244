import { expect, test } from '@playwright/test';
import { categoryPreferencesOf, consentState } from './consent';
import { parseSettings } from '../settings/settings';

const DSN = 'https://public@o1.ingest.example/42';

test("consent follows Segment's rule: every listed category true; a missing one is not granted; none listed needs none", () => {
  expect(consentState([], undefined)).toBe('granted');
  expect(consentState([], { Analytics: false })).toBe('granted');
  expect(consentState(['Analytics'], undefined)).toBe('unknown');
  expect(consentState(['Analytics'], {})).toBe('denied');
  expect(consentState(['Analytics'], { Analytics: true })).toBe('granted');
  expect(consentState(['Analytics', 'Functional'], { Analytics: true })).toBe('denied');
  expect(consentState(['Analytics', 'Functional'], { Analytics: true, Functional: true, Advertising: false })).toBe('granted');
  expect(consentState(['Analytics'], { Analytics: 'yes' as unknown as boolean })).toBe('denied');
});

test('preferences are the boolean entries of an object; anything else is not preferences', () => {
  expect(categoryPreferencesOf({ A: true, B: false, C: 'yes', D: 1 })).toEqual({ A: true, B: false });
  for (const value of [undefined, null, 'A', ['A'], 1, true]) expect(categoryPreferencesOf(value)).toBeUndefined();
});

test('consentSettings: categories are read, unset means none, and a malformed value stops start-up', () => {
  const categories = (consentSettings: unknown) => parseSettings({ config: DSN, consentSettings }, 'test').settings?.consentCategories;
  expect(categories({ categories: ['C0002', 'C0004'] })).toEqual(['C0002', 'C0004']);
  for (const unset of [undefined, null, '', {}, { categories: null }, { categories: [] }]) expect(categories(unset)).toEqual([]);
  // Segment's settings document form.
  const fromDocument = parseSettings({ integrations: { Sentry: { config: DSN, consentSettings: { categories: ['Analytics'] } } } }, 'test');
  expect(fromDocument.settings?.consentCategories).toEqual(['Analytics']);
  for (const malformed of ['Analytics', ['Analytics'], { categories: 'Analytics' }, { categories: [1] }, { categories: [''] }]) {
    const { settings, problems } = parseSettings({ config: DSN, consentSettings: malformed }, 'test');
    expect(settings).toBeUndefined();
    expect(problems).toEqual([{ level: 'error', message: expect.stringContaining('consentSettings must be') }]);
  }
});
