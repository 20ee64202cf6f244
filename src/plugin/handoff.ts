// What the plugin's first part (index.ts) hands its Sentry part (sentry.ts): the loader's protocol, plus what only
// an npm app has, its options and analytics-next's own instance. Types only: each part has its own code.
import type { LoaderHandoff, SegmentEvent } from '../loader/protocol';
import type { SegmentSentryOptions } from '../public-types';

/** The parts of analytics-next's instance (what a plugin's load is given) that the plugin uses. */
export interface PluginInstance {
  on(event: string, listener: (ctx: { event?: SegmentEvent }) => void): unknown;
  settings?: { cdnSettings?: unknown };
  VERSION?: string;
}

export interface PluginHandoff extends LoaderHandoff {
  /** The first `segmentSentry(options)`'s options; unset until the app made the plugin. */
  options?: SegmentSentryOptions;
  /** analytics-next's instance, as the first plugin's load was given it. */
  instance?: PluginInstance;
  /** Set by the Sentry part: told when options or the instance arrive after it ran. */
  changed?: () => void;
}
