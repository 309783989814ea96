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

/** How far the old generation may grow past what the last full collection kept: see boundHeapGrowth. */
const HEAP_GROWING_PERCENT = 25;

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
    // The first compacts: a scan leaves live objects scattered over pages V8 would otherwise keep.
    compacting(() => collector()());
    collector()();
    shrinkYoungGenerationSoon(idleMs);
  }, delayMs).unref();
}

let youngTimer: ReturnType<typeof setTimeout> | undefined;

/**
 * A young-generation collection once the server has idled `idleMs` (one, however often asked
 * meanwhile), so that V8 gives back the young generation a burst grew. Not only after big scans:
 * the scheduled walk of 100,000 files grows it to 32 MB again every minute, and without this it
 * stayed there (RSS 487 MB 10 s after a first scan that a scheduled rescan followed, of which
 * 32 MB was an empty new space).
 */
export function shrinkYoungGenerationSoon(idleMs = IDLE_MS, collect = collector): void {
  clearTimeout(youngTimer);
  youngTimer = setTimeout(() => {
    youngTimer = undefined;
    collect()({ type: 'minor' });
  }, idleMs).unref();
}

/**
 * Runs `collect` with every full collection compacting the old generation, as V8 does by its own
 * measure only for pages it finds fragmented enough: after the first scan of 50,000 files its
 * committed heap was 165 MB for 147 MB live, 148 MB once compacted (RSS 321, 323 → 315, 307 MB,
 * two pairs). That collection took 175 ms there, the plain one after it 115 ms (both compacting:
 * 246 + 264 ms, for the same heap), once per big scan.
 */
function compacting(collect: () => void): void {
  setFlagsFromString('--compact-on-every-full-gc');
  try {
    collect();
  } finally {
    setFlagsFromString('--no-compact-on-every-full-gc');
  }
}

/** `gc` of a context made after --expose-gc is set: no flag on the command line needed. */
export function collector(): Collect {
  if (!collect) {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as Collect;
  }
  return collect;
}

/**
 * Has V8 collect the old generation once it has grown 25 % past what the last full collection
 * kept, for the whole process (the parse workers too), instead of the factor of up to 4 it picks
 * when collections are quick. For `serve`, a process that lives with its catalog: the first scan of
 * 100,000 files otherwise lets the main heap reach ~600 MB of which ~300 MB is garbage of the
 * export's plan and rendering. Cold `serve` of .bench/corpus-100000, three runs each, alternating:
 * VmHWM 1,047, 1,018, 1,044 → 782, 805, 810 MB; RSS 15 s after the scan 614, 600, 604 → 522, 521,
 * 520 MB; the scans no slower (docs/performance.md, "Where the memory goes"). Not for `build`: at
 * 10,000 files its CPU rose 11 % (more full collections in the workers) for a peak 9 % lower.
 */
export function boundHeapGrowth(percent = HEAP_GROWING_PERCENT): void {
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}
