import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** After the scan's last log line and the requests that waited for its Site. */
const AFTER_MS = 100;
/**
 * V8 judges whether to shrink the young generation by the allocation rate of the last 5 s
 * (its tracer's throughput window): a collection made later than that, with the server idle,
 * finds the rate low.
 */
const IDLE_MS = 6_000;

type Collect = (options?: { type: 'major' | 'minor' }) => void;
let collect: Collect | undefined;

/**
 * A full garbage collection of the main thread's heap, once the scan that ended a big batch is
 * done (its catalog snapshot and state written: they leave tens of MB of strings). V8 does not
 * collect on its own while a server idles: 45 s after the first scan of 10,000 files the heap
 * still held 67 MB of the scan's garbage (133 MB used, 66 MB after a full GC, RSS 485 → 406 MB),
 * and ~330 MB of RSS at 50,000. Only after big batches (a cold or restart scan),
 * never after a one-file change: the pause is ~0.1 s per 100 MB of live heap.
 *
 * Then, once the batch's allocation rate is out of V8's window, a young-generation collection
 * (a scavenge of an empty space: well under a millisecond) lets V8 shrink that generation from
 * the 32 MB a scan grows it to, which it keeps otherwise: 15 s after the first scan of 10,000
 * files, 32 MB of new space held 0 MB, and RSS fell 217 → 186 MB once it was given back.
 */
export function collectGarbageSoon(delayMs = AFTER_MS, idleMs = IDLE_MS): void {
  setTimeout(() => {
    // The second collection hands back the pages the first one emptied (RSS 464 → 410 MB at
    // 10,000 files, of which heap 124 → 71 MB): V8 shrinks its spaces only on the next GC.
    collector()();
    collector()();
    setTimeout(() => collector()({ type: 'minor' }), idleMs).unref();
  }, delayMs).unref();
}

/** `gc` of a context made after --expose-gc is set: no flag on the command line needed. */
export function collector(): Collect {
  if (!collect) {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as Collect;
  }
  return collect;
}
