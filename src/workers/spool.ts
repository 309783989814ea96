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
  /** The write appendLater started, while it runs: where its bytes go, and when it ends. */
  private writing: { readonly at: number; readonly end: Promise<unknown> } | undefined;
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
   * Appends `bytes` without waiting for the disk: `at` is where they go, and `written` settles
   * once they are there (or rejects, having kept nothing readable: a full disk…). A disk that has
   * fallen behind the page cache takes ~0.3 s for 32 MB, during which the caller goes on. One
   * such write at a time (append() may run meanwhile); `bytes` must not change until it settles,
   * and what it writes is not read before.
   */
  appendLater(bytes: Uint8Array): { at: number; written: Promise<void> } {
    if (this.writing) throw new Error('a spool write is already running');
    const fd = this.descriptor();
    const at = this.size;
    this.size += bytes.length;
    const written = writeAll(fd, bytes, at);
    const ended = () => void (this.writing = undefined);
    this.writing = { at, end: written.then(ended, ended) };
    return { at, written };
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
      const want = following
        ? Math.min(Math.max(length, READ_AHEAD), this.readableEnd(at) - at)
        : length;
      if (this.window.length < want) this.window = Buffer.allocUnsafeSlow(want);
      this.windowAt = at;
      this.windowLength = 0; // what is in the window now is unknown until the read succeeds
      this.readInto(this.window, at, want);
      this.windowLength = want;
    }
    const from = at - this.windowAt;
    return this.window.subarray(from, from + length);
  }

  /** Settles once the descriptor is closed: at once, or when a write still running ends. */
  close(): Promise<void> {
    this.window = Buffer.alloc(0);
    this.windowLength = 0;
    if (this.fd === undefined) return Promise.resolve();
    const fd = this.fd;
    this.fd = undefined;
    // A write still running keeps the descriptor: closed under it, the number could go to the next
    // file opened and the write land there.
    if (this.writing) return this.writing.end.then(() => fs.closeSync(fd));
    fs.closeSync(fd);
    return Promise.resolve();
  }

  /** How far a read from `at` may run ahead: not into the bytes of a write still running. */
  private readableEnd(at: number): number {
    return this.writing && at < this.writing.at ? this.writing.at : this.size;
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

/** All of `bytes` written at `at`, through the thread pool. */
function writeAll(fd: number, bytes: Uint8Array, at: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const from = (done: number): void => {
      if (done === bytes.length) return resolve();
      fs.write(fd, bytes, done, bytes.length - done, at + done, (error, n) =>
        error ? reject(error) : from(done + n),
      );
    };
    from(0);
  });
}
