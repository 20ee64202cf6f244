import { parse } from 'acorn';
import { expect, test } from '@playwright/test';
import { spreadBeforeLastInOptionalChain } from '../../esbuild.config.mjs';

// The output keeps optional chains (esbuild.config.mjs, `supported`); the one shape Chrome 80 to 90 cannot run
// inside one fails the build instead.
const found = (code: string) => spreadBeforeLastInOptionalChain(parse(code, { ecmaVersion: 2020 })) !== undefined;

test('a spread argument before the last, in an optional chain, is found', () => {
  expect(found('a?.b(...x, 1)')).toBe(true);
  expect(found('a?.b.c(...x, y)')).toBe(true);
  expect(found('f(a?.b, g?.(...x, 2))')).toBe(true);
});

test('what Chrome 80 runs is left alone', () => {
  expect(found('a?.b(x, ...y)')).toBe(false);
  expect(found('a?.b(...y)')).toBe(false);
  expect(found('f(...x, 1); a?.b')).toBe(false);
  expect(found('a?.b(() => f(...x, 1))')).toBe(false);
});
