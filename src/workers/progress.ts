/**
 * How a parse worker says which file it is on without a message (a worker stuck in one file sends
 * none): three Int32 cells of a SharedArrayBuffer it writes as it goes and the pool's watchdog reads.
 */

/** Id of the parse request the worker is in. */
export const REQUEST = 0;
/** Index, in that request, of the file being read or parsed; -1 between requests. */
export const FILE = 1;
/** Files started since the worker began: a count that stands still means one file is taking its time. */
export const STARTED = 2;

export function newProgress(): Int32Array {
  const cells = new Int32Array(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT));
  cells[FILE] = -1;
  return cells;
}

/** Written by the worker as it starts each file. */
export function startFile(cells: Int32Array, request: number, file: number): void {
  Atomics.store(cells, REQUEST, request);
  Atomics.store(cells, FILE, file);
  Atomics.add(cells, STARTED, 1);
}

export function betweenRequests(cells: Int32Array): void {
  Atomics.store(cells, FILE, -1);
}

/** Read by the pool: the request and the index in it of the file the worker is on; undefined between requests. */
export function fileOn(
  cells: Int32Array,
): { readonly request: number; readonly file: number } | undefined {
  const request = Atomics.load(cells, REQUEST);
  const file = Atomics.load(cells, FILE);
  return file >= 0 ? { request, file } : undefined;
}

/** Read by the pool's watchdog: how many files the worker has started. */
export function filesStarted(cells: Int32Array): number {
  return Atomics.load(cells, STARTED);
}
