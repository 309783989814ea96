import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** After the scan's last log line and the requests that waited for its Site. */
const AFTER_MS = 100;

let collect: (() => void) | undefined;

/**
 * A full garbage collection of the main thread's heap, once the scan that ended a big batch is
 * done (its catalog snapshot and state written: they leave tens of MB of strings). V8 does not
 * collect on its own while a server idles: 45 s after the first scan of 10,000 files the heap
 * still held 67 MB of the scan's garbage (133 MB used, 66 MB after a full GC, RSS 485 → 406 MB),
 * and ~330 MB of RSS at 50,000. Only after big batches (a cold or restart scan),
 * never after a one-file change: the pause is ~0.1 s per 100 MB of live heap.
 */
export function collectGarbageSoon(delayMs = AFTER_MS): void {
  setTimeout(() => {
    // The second collection hands back the pages the first one emptied (RSS 464 → 410 MB at
    // 10,000 files, of which heap 124 → 71 MB): V8 shrinks its spaces only on the next GC.
    collector()();
    collector()();
  }, delayMs).unref();
}

/** `gc` of a context made after --expose-gc is set: no flag on the command line needed. */
export function collector(): () => void {
  if (!collect) {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  return collect;
}
