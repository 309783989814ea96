import { isUtf8 } from 'node:buffer';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { Rejection, SeedFile } from '../model.js';
import { decodeUtf8 } from '../utf8.js';
import { seedPath } from './seed-path.js';
import {
  notRegular,
  notTheWalkedFile,
  openFailure,
  realPathOf,
  realPathOfSync,
  SEED_OPEN_FLAGS,
} from './opened.js';

export type Decoded =
  | {
      readonly text: string;
      /** Set when stray NUL bytes were dropped from otherwise good UTF-8: what the report says. */
      readonly note?: string;
    }
  | { readonly reason: string };

/** NULs in the first bytes are a binary header (PNG at 8, gzip at 3, SQLite at 15, UTF-16). */
const BINARY_HEAD = 16;
/** More NULs than this is no glitch but binary data. */
const MAX_STRAY_NULS = 8;

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * Turns file bytes into text, or says why it cannot. Only encodings that are certain are decoded:
 * UTF-8 (with or without BOM) and UTF-16 with a BOM. Anything else is refused rather than guessed,
 * because a wrong guess would put mojibake into every reader's feed.
 */
export function decodeSeed(bytes: Uint8Array): Decoded {
  if (bytes.length === 0) return { reason: 'file is empty' };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return decodeUtf16(bytes, 'utf-16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return decodeUtf16(bytes, 'utf-16be');
  const nuls = nulOffsets(bytes);
  const binary = { reason: `binary file: contains a NUL byte at offset ${nuls[0]}` };
  if (nuls[0] !== undefined && (nuls[0] < BINARY_HEAD || nuls.length > MAX_STRAY_NULS))
    return binary;
  // isUtf8 is simdutf in C++: validating first and then decoding is ~2× faster than a fatal TextDecoder.
  if (isUtf8(bytes)) {
    const text = decodeUtf8(bytes).replace(/^\uFEFF/, '');
    if (nuls.length === 0) return { text };
    // A crawler's glitch in a text file: the article is kept, the bytes dropped and reported.
    return { text: text.replaceAll('\0', ''), note: strayNulsNote(nuls) };
  }
  if (nuls.length > 0) return binary;
  return {
    reason: `not valid UTF-8 (at byte ${firstInvalidUtf8(bytes)}); legacy encodings such as GBK are not guessed — save the file as UTF-8`,
  };
}

/** Offsets of the NUL bytes, up to one more than MAX_STRAY_NULS. */
function nulOffsets(bytes: Uint8Array): number[] {
  const offsets: number[] = [];
  let at = bytes.indexOf(0);
  while (at !== -1 && offsets.length <= MAX_STRAY_NULS) {
    offsets.push(at);
    at = bytes.indexOf(0, at + 1);
  }
  return offsets;
}

function strayNulsNote(offsets: readonly number[]): string {
  const where = offsets.join(', ');
  return offsets.length === 1
    ? `a NUL byte at offset ${where} was removed`
    : `${offsets.length} NUL bytes (at offsets ${where}) were removed`;
}

function decodeUtf16(bytes: Uint8Array, label: 'utf-16le' | 'utf-16be'): Decoded {
  try {
    const text = new TextDecoder(label, { fatal: true }).decode(bytes);
    return text.includes('\0')
      ? { reason: `binary file: contains NUL characters (${label})` }
      : { text };
  } catch {
    return { reason: `not valid ${label.toUpperCase()} despite its byte order mark` };
  }
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  let lo = 0;
  let hi = bytes.length;
  // Binary search on prefixes: a prefix that decodes (allowing a cut sequence at its end) is clean.
  const ok = (n: number) => {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, n), { stream: true });
      return true;
    } catch {
      return false;
    }
  };
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ok(mid)) lo = mid;
    else hi = mid - 1;
  }
  // The clean prefix may end inside a sequence that the next byte (or the end of the file) cut
  // short: the bad bytes start at that sequence's lead byte.
  for (let i = lo - 1; i >= Math.max(0, lo - 3); i--) {
    const b = bytes[i]!;
    if (b < 0x80) break;
    if (b >= 0xc0) return i + (b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2) > lo ? i : lo;
  }
  return lo;
}

const tooBig = (file: SeedFile, size: number, maxBytes: number): Rejection => ({
  file: file.path,
  reason: `file is ${formatBytes(size)}, over the ${formatBytes(maxBytes)} size limit`,
});

const unreadable = (file: SeedFile, error: unknown): Rejection => {
  const e = error as NodeJS.ErrnoException;
  if (e.code === 'ENOENT')
    return { file: file.path, reason: 'removed while the scan was reading it' };
  return {
    file: file.path,
    reason: openFailure(e.code) ?? `could not be read: ${e.code ?? e.message}`,
  };
};

const refused = (file: SeedFile, reason: string | undefined): Rejection | undefined =>
  reason === undefined ? undefined : { file: file.path, reason };

/**
 * A buffer for a file fstat says is `size` bytes: one byte more, so that a file that grew since
 * shows it, and never more than `maxBytes + 1` (enough to know a file is over the cap).
 */
const firstBuffer = (size: number, maxBytes: number): Buffer =>
  Buffer.allocUnsafe(Math.min(size, maxBytes) + 1);

function grown(buffer: Buffer, maxBytes: number): Buffer {
  const bigger = Buffer.allocUnsafe(Math.min(maxBytes + 1, buffer.length * 2));
  buffer.copy(bigger);
  return bigger;
}

/**
 * Reads a seed's bytes, refusing files over `maxBytes` without reading them whole, and refusing
 * anything but the regular file the walk listed (see opened.ts): a link, FIFO or device swapped
 * in since, another file renamed into place, a file whose real path has left the seeds directory.
 */
export async function readSeedBytes(
  file: SeedFile,
  maxBytes: number,
): Promise<Uint8Array | Rejection> {
  if (file.size > maxBytes) return tooBig(file, file.size, maxBytes);
  const readPath = seedPath(file);
  let handle: FileHandle;
  try {
    handle = await open(readPath, SEED_OPEN_FLAGS);
  } catch (error) {
    return unreadable(file, error);
  }
  try {
    const st = await handle.stat();
    const refusal = refused(
      file,
      notRegular(st) ?? notTheWalkedFile(file, st, await realPathOf(handle.fd, readPath)),
    );
    if (refusal) return refusal;
    if (st.size > maxBytes) return tooBig(file, st.size, maxBytes);
    let buffer = firstBuffer(st.size, maxBytes);
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        // Grown since its fstat: read on, but never past the cap.
        if (length > maxBytes)
          return tooBig(file, Math.max((await handle.stat()).size, length), maxBytes);
        buffer = grown(buffer, maxBytes);
      }
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) return buffer.subarray(0, length);
      length += bytesRead;
    }
  } catch (error) {
    return unreadable(file, error);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/**
 * The same, blocking: for worker threads, where a blocking read costs nobody anything. Costs a
 * readlink and a read more than readFileSync per file (the read that sees the end): about 6 µs.
 */
export function readSeedBytesSync(file: SeedFile, maxBytes: number): Uint8Array | Rejection {
  if (file.size > maxBytes) return tooBig(file, file.size, maxBytes);
  const readPath = seedPath(file);
  let fd: number;
  try {
    fd = openSync(readPath, SEED_OPEN_FLAGS);
  } catch (error) {
    return unreadable(file, error);
  }
  try {
    const st = fstatSync(fd);
    const refusal = refused(
      file,
      notRegular(st) ?? notTheWalkedFile(file, st, realPathOfSync(fd, readPath)),
    );
    if (refusal) return refusal;
    if (st.size > maxBytes) return tooBig(file, st.size, maxBytes);
    let buffer = firstBuffer(st.size, maxBytes);
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length > maxBytes) return tooBig(file, Math.max(fstatSync(fd).size, length), maxBytes);
        buffer = grown(buffer, maxBytes);
      }
      const bytesRead = readSync(fd, buffer, length, buffer.length - length, null);
      if (bytesRead === 0) return buffer.subarray(0, length);
      length += bytesRead;
    }
  } catch (error) {
    return unreadable(file, error);
  } finally {
    closeSync(fd);
  }
}
