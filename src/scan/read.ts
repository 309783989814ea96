import { isUtf8 } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Rejection, SeedFile } from '../model.js';

export type Decoded = { readonly text: string } | { readonly reason: string };

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
  const nul = bytes.indexOf(0);
  if (nul !== -1) return { reason: `binary file: contains a NUL byte at offset ${nul}` };
  // isUtf8 is simdutf in C++: validating first and then decoding is ~2× faster than a fatal TextDecoder.
  if (isUtf8(bytes)) return { text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8').replace(/^\uFEFF/, '') };
  return { reason: `not valid UTF-8 (at byte ${firstInvalidUtf8(bytes)}); legacy encodings such as GBK are not guessed — save the file as UTF-8` };
}

function decodeUtf16(bytes: Uint8Array, label: 'utf-16le' | 'utf-16be'): Decoded {
  try {
    const text = new TextDecoder(label, { fatal: true }).decode(bytes);
    return text.includes('\0') ? { reason: `binary file: contains NUL characters (${label})` } : { text };
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
  if (e.code === 'ENOENT') return { file: file.path, reason: 'removed while the scan was reading it' };
  return { file: file.path, reason: `could not be read: ${e.code ?? e.message}` };
};

/** Reads a seed's bytes, refusing files over `maxBytes` without reading them whole. */
export async function readSeedBytes(file: SeedFile, maxBytes: number): Promise<Uint8Array | Rejection> {
  if (file.size > maxBytes) return tooBig(file, file.size, maxBytes);
  try {
    const bytes = await readFile(file.absPath);
    // The file may have grown since it was listed.
    return bytes.length > maxBytes ? tooBig(file, bytes.length, maxBytes) : bytes;
  } catch (error) {
    return unreadable(file, error);
  }
}

/** The same, blocking: for worker threads, where a blocking read costs nobody anything. */
export function readSeedBytesSync(file: SeedFile, maxBytes: number): Uint8Array | Rejection {
  if (file.size > maxBytes) return tooBig(file, file.size, maxBytes);
  try {
    const bytes = readFileSync(file.absPath);
    return bytes.length > maxBytes ? tooBig(file, bytes.length, maxBytes) : bytes;
  } catch (error) {
    return unreadable(file, error);
  }
}
