import { statSync, watch } from 'node:fs';
import {
  treeWatcher,
  type SeedsWatcher,
  type WatcherFactory,
  type WatcherOptions,
} from '../../src/live/watcher.js';

/**
 * The ways of watching the seeds directory that watch-churn.ts compares, by the name of its
 * `--modes`: the service's own (treeWatcher), the one before it, and two packages that are not
 * dependencies. `none` is --no-watch.
 */

function dirId(dir: string): string | undefined {
  try {
    const st = statSync(dir);
    return `${st.dev}:${st.ino}:${st.birthtimeMs}`;
  } catch {
    return undefined;
  }
}

/** A watcher made of `open` (start watching, return a closer), re-opened when the root is replaced, as LiveSite did. */
function rewatching(
  options: WatcherOptions,
  open: (onEvent: () => void) => Promise<() => Promise<void> | void>,
): SeedsWatcher {
  let debounce: NodeJS.Timeout | undefined;
  let close: (() => Promise<void> | void) | undefined;
  let watched: string | undefined;
  let closed = false;
  const onEvent = () => {
    clearTimeout(debounce);
    debounce = setTimeout(options.onChange, options.debounceMs);
  };
  return {
    async follow() {
      const id = dirId(options.root);
      if (closed || (close && id === watched)) return;
      await close?.();
      close = undefined;
      watched = id;
      if (id !== undefined) close = await open(onEvent);
    },
    retry() {},
    close() {
      closed = true;
      clearTimeout(debounce);
      void close?.();
    },
  };
}

/** The watcher before: Node 20's recursive fs.watch (emulated in JavaScript on Linux). */
const recursiveFsWatch: WatcherFactory = (options) =>
  rewatching(options, async (onEvent) => {
    const watcher = watch(options.root, { recursive: true }, onEvent);
    return () => watcher.close();
  });

/** Imported by a name TypeScript does not resolve: neither package is a dependency. */
const optional = async (name: string): Promise<any> => import(name); // eslint-disable-line @typescript-eslint/no-explicit-any

const parcelWatch: WatcherFactory = (options) =>
  rewatching(options, async (onEvent) => {
    const parcel = (await optional('@parcel/watcher')).default;
    const subscription = await parcel.subscribe(options.root, () => onEvent());
    return () => subscription.unsubscribe().catch(() => undefined);
  });

const chokidarWatch: WatcherFactory = (options) =>
  rewatching(options, async (onEvent) => {
    const chokidar = await optional('chokidar');
    const watcher = chokidar.watch(options.root, { ignoreInitial: true });
    await new Promise((resolve) => watcher.once('ready', resolve));
    watcher.on('all', onEvent);
    return () => watcher.close();
  });

export const WATCHERS: Record<string, WatcherFactory | undefined> = {
  'fs.watch': recursiveFsWatch,
  tree: treeWatcher,
  parcel: parcelWatch,
  chokidar: chokidarWatch,
  none: undefined,
};
