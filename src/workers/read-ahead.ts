import { Worker } from 'node:worker_threads';
import type { SeedFile } from '../model.js';
import { SEED_OPEN_FLAGS } from '../scan/opened.js';
import { seedPath } from '../scan/seed-path.js';

/**
 * The reader thread's whole program: for each path, open it as a parse worker opens a seed (no
 * link followed, a FIFO never waited on), and read its first byte if it is a regular file. The
 * kernel's readahead brings in the 128 KB around that byte, a whole seed file mostly. Every error
 * is ignored and the byte thrown away: the parse workers' own reads decide what a file holds and
 * whether it may be read at all. It answers each list with how many files it read a byte of.
 * Plain JavaScript, so that it runs as it is under tsx and vitest.
 */
const READER = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const one = Buffer.alloc(1);
parentPort.on('message', (paths) => {
  let read = 0;
  for (const path of paths) {
    let fd;
    try { fd = fs.openSync(path, workerData.flags); } catch { continue; }
    try { if (fs.fstatSync(fd).isFile()) read += fs.readSync(fd, one, 0, 1, 0); } catch {}
    finally { fs.closeSync(fd); }
  }
  parentPort.postMessage(read);
});
`;

/**
 * Has the kernel read a big batch's seed files into its page cache just before the parse workers
 * read them, so that a worker's blocking read finds the bytes there instead of leaving its core
 * idle while the disk seeks. On a cold cache a scan of 10,000 files took 0.80× the wall time
 * with it (docs/performance.md, "Cold build against Hugo", 2026-12-04 late).
 *
 * One thread of its own, reading with blocking calls: ~8 µs a file already in the cache. The
 * same reads made asynchronously from the main thread cost four callbacks a file, 4 % more CPU
 * for a scan whose files were all cached. The thread starts with the first files and ends on
 * `end()` (after the batch); it never keeps the process alive.
 */
export class ReadAhead {
  private reader: Worker | undefined;

  /** Told, for each list of files in turn, how many of them were read (tests watch it). */
  onRead?: (files: number) => void;

  files(files: readonly SeedFile[]): void {
    const paths: string[] = [];
    for (const file of files) {
      try {
        paths.push(seedPath(file));
      } catch {
        // A file without a path is the workers' to report.
      }
    }
    if (paths.length === 0) return;
    this.reader ??= this.start();
    this.reader.postMessage(paths);
  }

  end(): void {
    void this.reader?.terminate();
    this.reader = undefined;
  }

  private start(): Worker {
    const reader = new Worker(READER, { eval: true, workerData: { flags: SEED_OPEN_FLAGS } });
    reader.unref();
    reader.on('message', (read: number) => this.onRead?.(read));
    // It cannot fail in a way a scan would notice: the workers read every file themselves.
    reader.on('error', () => undefined);
    return reader;
  }
}
