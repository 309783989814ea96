import type { SeedFile } from '../model.js';

/** Files per request in a big batch: few messages, and a chunk to re-send is small when a worker ends. */
const CHUNK = 48;
const SMALL_CHUNK = 8;
/**
 * From this many files a batch is parsed by one worker per core, which keep the bodies (the main
 * thread asks for those the feeds need). Below it, one warm worker parses and sends the bodies
 * back, so that a one-file rescan costs a message, not a worker's start-up.
 */
const BIG_BATCH = 300;
/** …or from this many bytes: a few large files are worth every core, and their bodies stay out of the main thread. */
const BIG_BATCH_BYTES = 64 * 1024 * 1024;
/** The warm-up parse's file is one of the batch's small ones: a few milliseconds, once compiled. */
const WARM_UP_BYTES = 64 * 1024;

/** How a batch of files is parsed. */
export interface BatchShape {
  /** Every core, bodies kept in the workers (a cold scan), or one warm worker, bodies sent back. */
  readonly big: boolean;
  /** Files per request to a worker. */
  readonly chunk: number;
  /** A big batch's small file, for the fresh worker started after it to parse first (ParsePool.release). */
  readonly warmUp?: SeedFile;
}

/** Pure: decided from the files' count and sizes alone. */
export function batchShape(files: readonly SeedFile[]): BatchShape {
  let bytes = 0;
  for (const file of files) bytes += file.size;
  const big = files.length >= BIG_BATCH || bytes >= BIG_BATCH_BYTES;
  if (!big) return { big, chunk: SMALL_CHUNK };
  return { big, chunk: CHUNK, warmUp: files.find((f) => f.size <= WARM_UP_BYTES) };
}
