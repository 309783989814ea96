import type { ReadAhead } from './read-ahead.js';
import type { WorkerFaults } from './faults.js';
import type { HeldSetup } from './protocol.js';

/**
 * The longest one file may take to parse: DEADLINE_BASE_MS, plus DEADLINE_PER_MB_MS for each MB.
 * Measured on 2 shared cores, 5 MB legitimate articles: Markdown tables or nested lists 9–12 s
 * alone and 16–19 s while other work ran, crawled HTML 1–5 s; 100 KB parses in well under 1 s. The
 * defaults leave a machine three times slower room for the largest legitimate file (60 s at 5 MB),
 * and end a small file that spins after about 10 s.
 */
export const DEADLINE_BASE_MS = 10_000;
export const DEADLINE_PER_MB_MS = 10_000;
/**
 * Heap (V8 old generation) of each parse worker, in MB. The largest legitimate files need most: a
 * 5 MB Markdown table or nested list failed at 512 MB and parsed at 768 MB; a list nested 1,000
 * levels deep needed 457 MB (it needs little now). Twice the largest need measured.
 */
export const WORKER_MEMORY_MB = 1536;

export interface PoolOptions {
  /** Workers for a big batch; one per core by default. */
  readonly size?: number;
  /** Deadline of a file: base + per MB of its size (see DEADLINE_BASE_MS). */
  readonly deadline?: { readonly baseMs: number; readonly perMbMs: number };
  /** Heap limit of each worker in MB (WORKER_MEMORY_MB). */
  readonly memoryMb?: number;
  /** Test-only misbehaviour of the workers (faults.ts); never set from configuration. */
  readonly faults?: WorkerFaults;
  /** What collects the main heap after a big scan (heap.ts); tests watch it. */
  readonly collectGarbage?: () => void;
  /** What gives back the young generation after any other scan, once idle (heap.ts); tests watch it. */
  readonly shrinkYoungGeneration?: () => void;
  /** Where the workers keep the bodies they hold (byte-arena.ts): memory budget, spool directory. */
  readonly held?: HeldSetup;
  /** What has a big batch's files read into the page cache as they are sent (read-ahead.ts); tests watch it. */
  readonly readAhead?: Pick<ReadAhead, 'files' | 'end'>;
}
