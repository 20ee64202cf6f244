import { expect, test } from '@playwright/test';
import { readGlobalRelease, resolveRelease } from './release';

test('a release is read from a property, a property whose name has dots, or a dotted path', () => {
  expect(readGlobalRelease({ version: '1.0.0' }, 'version')).toBe('1.0.0');
  expect(readGlobalRelease({ 'app.version': '2.0.0' }, 'app.version')).toBe('2.0.0');
  expect(readGlobalRelease({ app: { build: { version: 3 } } }, 'app.build.version')).toBe('3');
  expect(readGlobalRelease({ app: null }, 'app.build.version')).toBeUndefined();
  expect(readGlobalRelease({ version: { nested: true } }, 'version')).toBeUndefined();
});

test('a getter that throws is treated as absent', () => {
  const root = Object.defineProperty({}, 'version', { get: () => { throw new Error('no'); } });
  expect(readGlobalRelease(root, 'version')).toBeUndefined();
});

test('the property wins, then release, then SENTRY_RELEASE.id', () => {
  const root = { custom: 'from-property', SENTRY_RELEASE: { id: 'from-sentry' } };
  expect(resolveRelease({ customVersionProperty: 'custom', release: 'manual' }, root)).toBe('from-property');
  expect(resolveRelease({ customVersionProperty: 'missing', release: 'manual' }, root)).toBe('manual');
  expect(resolveRelease({ customVersionProperty: 'missing' }, root)).toBe('from-sentry');
  expect(resolveRelease({}, {})).toBeUndefined();
});
