import { readFile } from 'node:fs/promises';
import type { StaticServer } from '../../scripts/dev/static-server.mjs';

const DIST = new URL('../../dist/', import.meta.url);
let folderCounter = 0;

/**
 * Serves the loader from a folder of its own and returns its URL; `serveFullBundle` is given the path where
 * that loader will look for the full bundle (beside itself), to serve there whatever the test needs.
 */
export async function loaderBeside(site: StaticServer, serveFullBundle: (path: string) => void): Promise<string> {
  const folder = `/loader-${++folderCounter}`;
  serveFullBundle(`${folder}/segment-sentry.min.js`);
  return site.register(`${folder}/segment-sentry.loader.min.js`, await readFile(new URL('segment-sentry.loader.min.js', DIST)));
}

/** The loader, with the full bundle beside it answering only after `delayMs`: what the loader keeps can be tested. */
export async function loaderWithSlowFullBundle(site: StaticServer, delayMs: number): Promise<string> {
  const fullBundle = await readFile(new URL('segment-sentry.min.js', DIST));
  return loaderBeside(site, (path) => site.register(path, fullBundle, {}, delayMs));
}
