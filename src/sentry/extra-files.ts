import { addScript, type ExtraFile, type LoaderHandoff } from '../loader/protocol';
import { describe } from '../shared/contain';
import { log } from './log';
import type { Settings } from '../settings/settings';

/**
 * The extra files' names (the minified bundle's, or the readable bundle's twins; in the npm plugin, `tracing` and
 * `replay`, the names its import() takes) and SRI hashes, built in by
 * esbuild.config.mjs (the files are built before the full bundle).
 */
declare const __TRACING_FILE__: string;
declare const __TRACING_INTEGRITY__: string;
declare const __REPLAY_FILE__: string;
declare const __REPLAY_INTEGRITY__: string;

/**
 * The custom client hook the full bundle emits with each change of the visitor's consent (granted: true or false):
 * on a "no", tracing and Session Replay stop and drop what they hold; on a "yes" again, they start again
 * (src/extras/install.ts). The first "yes" loads the extra files (loadExtraFiles).
 */
export const CONSENT_HOOK = 'segmentSentryConsent';
/** CONSENT_HOOK's emit and on: a hook of ours, which Sentry's types do not list. */
export type ConsentHook = { emit(hook: typeof CONSENT_HOOK, granted: boolean): void; on(hook: typeof CONSENT_HOOK, callback: (granted: boolean) => void): void };

/**
 * Tracing and Session Replay (docs/replay-tracing.md): their code is not in the full bundle but in extra files beside
 * it, fetched only when the settings turn them on, and only once the visitor's consent allows sending. Each comes
 * the loader's way (loader/protocol.ts, addScript) and, once it runs, finds our client through the SDK's carrier
 * (src/extras/). In the npm plugin, each is a dynamic import() of a module beside its Sentry part, which the app's
 * bundler makes a chunk of its own (handoff.importExtra, src/plugin/sentry.ts). Returns what loads them (once), or
 * undefined when none is on.
 */
export function extraFilesLoader(settings: Settings, handoff: LoaderHandoff, ownScriptUrl: string | undefined): (() => void) | undefined {
  const files: Array<[file: string, integrity: string, feature: string]> = [];
  if (settings.tracesSampleRate) files.push([__TRACING_FILE__, __TRACING_INTEGRITY__, 'tracing']);
  if (settings.replaysSessionSampleRate || settings.replaysOnErrorSampleRate) files.push([__REPLAY_FILE__, __REPLAY_INTEGRITY__, 'Session Replay']);
  if (!files[0]) return undefined;
  return () => {
    // (splice: once only, whatever asks again)
    for (const [file, integrity, feature] of files.splice(0)) {
      // (errors are still reported: only this file's feature is off)
      const off = (why: string) => log.warn(`${why}; ${feature} is off`);
      // (in the npm plugin, `file` is the extra file's name: its module's)
      if (__SEGMENT_SENTRY_NPM_PLUGIN__) handoff.importExtra!(file as ExtraFile).then(undefined, (error: unknown) => off(`could not load its ${file} chunk (${describe(error)})`));
      else if (ownScriptUrl) addScript(handoff, ownScriptUrl, file, integrity, handoff.nonce, off);
      else off('no document.currentScript');
    }
  };
}
