import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const READ_AHEAD = 1 << 20;

/**
 * A file that only its opener can reach: made in a fresh private directory (mkdtemp, mode 0700)
 * with mode 0600 and unlinked at once, directory too, so that nothing is left to find or to clean
 * up: the kernel frees its blocks when the descriptor closes — on `close()`, when the worker
 * thread ends (Node closes the descriptors a worker opened) or when the process dies.
 */
export class Spool {
  private size = 0;
  /** The last bytes read, with the bytes after them: pages are written in the order their bodies were spooled. */
  private window = Buffer.alloc(0);
  private windowAt = 0;
  private windowLength = 0;

  private constructor(private fd: number | undefined) {}

  /** Opens one in `dir` (the OS temp directory by default); throws if it cannot. */
  static open(dir: string = os.tmpdir()): Spool {
    const home = fs.mkdtempSync(path.join(dir, 'seedfeed-spool-'));
    try {
      const file = path.join(home, 'bodies');
      const fd = fs.openSync(file, 'wx+', 0o600);
      try {
        fs.unlinkSync(file);
      } catch (error) {
        fs.closeSync(fd);
        throw error;
      }
      return new Spool(fd);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  }

  /** Appends all of `bytes` and returns where they start; throws (disk full…) having kept nothing. */
  append(bytes: Uint8Array): number {
    const at = this.size;
    let done = 0;
    while (done < bytes.length)
      done += fs.writeSync(this.descriptor(), bytes, done, bytes.length - done, at + done);
    this.size += bytes.length;
    return at;
  }

  /**
   * The `length` bytes at `at`: a view valid until the next call. A read that follows on from the
   * last one reads ahead, so a run of small reads in order costs one system call per READ_AHEAD.
   */
  view(at: number, length: number): Buffer {
    const end = at + length;
    if (end > this.size) throw new Error(`spool holds ${this.size} bytes, not up to ${end}`);
    const inWindow = at >= this.windowAt && end <= this.windowAt + this.windowLength;
    if (!inWindow) {
      const following = at === this.windowAt + this.windowLength;
      const want = following ? Math.min(Math.max(length, READ_AHEAD), this.size - at) : length;
      if (this.window.length < want) this.window = Buffer.allocUnsafeSlow(want);
      this.windowAt = at;
      this.windowLength = 0; // what is in the window now is unknown until the read succeeds
      this.readInto(this.window, at, want);
      this.windowLength = want;
    }
    const from = at - this.windowAt;
    return this.window.subarray(from, from + length);
  }

  close(): void {
    this.window = Buffer.alloc(0);
    this.windowLength = 0;
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    fs.closeSync(fd);
  }

  private readInto(into: Uint8Array, at: number, length: number): void {
    let done = 0;
    while (done < length) {
      const n = fs.readSync(this.descriptor(), into, done, length - done, at + done);
      if (n === 0) throw new Error(`spool ends before byte ${at + length}`);
      done += n;
    }
  }

  private descriptor(): number {
    if (this.fd === undefined) throw new Error('spool closed');
    return this.fd;
  }
}
