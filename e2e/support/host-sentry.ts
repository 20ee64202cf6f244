import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

/** The page's own Sentry: another copy of @sentry/browser, this major or the previous one. */
export type HostSentryPackage = '@sentry/browser' | 'sentry-browser-v10';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const built = new Map<HostSentryPackage, string>();

/** Bundles the package as a host page would ship it, exposing `window.Sentry`. */
export async function hostSentryBundle(pkg: HostSentryPackage): Promise<string> {
  const cached = built.get(pkg);
  if (cached) return cached;
  const result = await esbuild.build({
    stdin: { contents: `import * as Sentry from '${pkg}'; window.Sentry = Sentry;`, resolveDir: ROOT, loader: 'js' },
    bundle: true,
    format: 'iife',
    minify: true,
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.text;
  built.set(pkg, code);
  return code;
}

declare global {
  interface Window {
    // The host page's Sentry namespace, as `import * as Sentry from '@sentry/browser'` gives it.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    Sentry: any;
  }
}
