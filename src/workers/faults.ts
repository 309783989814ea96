/**
 * Test-only misbehaviour, by file path: a worker that never finishes one file, or that allocates
 * until it runs out of memory. Given to a ParsePool by code only (tests), never by configuration,
 * and matched on the path the walk gave, never on anything a seed file contains.
 */
export interface WorkerFaults {
  readonly spinOn?: string;
  readonly exhaustMemoryOn?: string;
}

/** Called by the worker as it starts each file: does what `faults` asks of that file, if anything. */
export function misbehave(file: string, faults: WorkerFaults | undefined): void {
  if (!faults) return;
  if (faults.spinOn === file) for (;;);
  if (faults.exhaustMemoryOn === file) {
    const hog: number[][] = [];
    for (;;) hog.push(new Array<number>(1 << 16).fill(hog.length));
  }
}
