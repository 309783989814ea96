import { hash } from 'node:crypto';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { sketchText } from '../dedupe/sketch.js';
import type { Draft, Rejection, SeedFile } from '../model.js';
import { parseSeedWithText } from '../parse/index.js';
import { decodeSeed, readSeedBytes } from '../scan/read.js';
import type { RemoteBodies } from './content.js';

/** What the catalog takes from one file: its Draft (sketched when asked), or why it cannot be used. */
export type ParseResult = Draft | Rejection;

export interface ParseOptions {
  /** Also make the text's near-duplicate sketch (when near-duplicate detection is on). */
  readonly sketch?: boolean;
}

/** Parses many files; the default runs on this thread, a ParsePool in worker threads. */
export type ParseBatch = (
  files: readonly SeedFile[],
  maxFileBytes: number,
  options?: ParseOptions,
) => Promise<ParseResult[]>;

/**
 * One file read again: its parse and the digest of the bytes it came from (none if it could not
 * be read), or, without `result`, only the digest: the bytes are the ones the caller knew.
 */
export interface Reparse {
  readonly result?: ParseResult;
  readonly digest?: string;
}

/**
 * Parses files whose bytes may be the ones last parsed: `known[i]` is the digest of the bytes of
 * `files[i]`'s last parse, and a file whose bytes still have it is read and hashed, not parsed.
 */
export type ReparseBatch = (
  files: readonly SeedFile[],
  known: readonly (string | undefined)[],
  maxFileBytes: number,
  options?: ParseOptions,
  take?: TakeReparse,
) => Promise<Reparse[]>;

/**
 * What the caller keeps of file `index`'s Reparse, called as each one arrives: the batch's results
 * are what it returns. A big scan's raw drafts then die young, one at a time, instead of all
 * living until the last file is parsed (100,000 sketches, each its own block in the allocator).
 */
export type TakeReparse = (parsed: Reparse, index: number) => Reparse;

/**
 * How files get parsed: on this thread (a library default, for tests and one-off tools), or by a
 * ParsePool (`build`, `serve`), which also keeps the bodies of big scans.
 */
export interface Parser extends Partial<RemoteBodies> {
  readonly parseBatch: ParseBatch;
  /** The same, skipping the parse of files whose bytes are the ones known (without it, every file is parsed). */
  readonly reparseBatch?: ReparseBatch;
  /** One file parsed again, body included, when a page needs a body no longer in memory. */
  parseOne?(file: SeedFile, maxFileBytes: number): Promise<ParseResult>;
}

/** One file's text → its Draft, sketched here rather than in parse/ (which knows nothing of dedupe). Pure. */
export function draftFromText(file: string, text: string, options: ParseOptions = {}): ParseResult {
  const parsed = parseSeedWithText(file, text);
  if ('reason' in parsed) return parsed;
  return options.sketch ? { ...parsed.draft, sketch: sketchText(parsed.text) } : parsed.draft;
}

/** Decoded and parsed; pure apart from its input. */
export function parseBytes(
  file: SeedFile,
  bytes: Uint8Array | Rejection,
  options?: ParseOptions,
): ParseResult {
  if ('reason' in bytes) return bytes;
  const decoded = decodeSeed(bytes);
  if ('reason' in decoded) return { file: file.path, reason: decoded.reason };
  try {
    const result = draftFromText(file.path, decoded.text, options);
    return decoded.note && !('reason' in result)
      ? { ...result, notes: [decoded.note, ...result.notes] }
      : result;
  } catch (error) {
    // A parser bug on one odd file must not stop the scan: it is reported like any bad file.
    return {
      file: file.path,
      reason: `could not be parsed (internal error: ${(error as Error).message})`,
    };
  }
}

/** A digest of a file's raw bytes: SHA-1, 128 bits of it (~6 µs for 8 KB, against ~1 ms to parse). */
export const bytesDigest = (bytes: Uint8Array): string =>
  hash('sha1', bytes, 'base64').slice(0, 22);

/** Parsed unless its bytes have the `known` digest: equal bytes, equal parse (parse/ is pure). */
export function reparseBytes(
  file: SeedFile,
  bytes: Uint8Array | Rejection,
  known: string | undefined,
  options?: ParseOptions,
): Reparse {
  if ('reason' in bytes) return { result: bytes };
  const digest = bytesDigest(bytes);
  return digest === known ? { digest } : { result: parseBytes(file, bytes, options), digest };
}

export async function parseFile(file: SeedFile, maxFileBytes: number): Promise<ParseResult> {
  return parseBytes(file, await readSeedBytes(file, maxFileBytes));
}

const READ_AHEAD = 16;

/**
 * Parses on the calling thread, reading a few files ahead so that parsing never waits on the
 * disk, and yielding to the event loop between files so requests keep being answered.
 */
export const reparseOnThisThread: ReparseBatch = async (
  files,
  known,
  maxFileBytes,
  options,
  take = (parsed) => parsed,
) => {
  const out: Reparse[] = [];
  const reads = files.map(() => undefined as Promise<Uint8Array | Rejection> | undefined);
  const readAt = (i: number) => (reads[i] ??= readSeedBytes(files[i]!, maxFileBytes));
  for (let i = 0; i < files.length; i++) {
    for (let j = i; j < Math.min(i + READ_AHEAD, files.length); j++) readAt(j);
    const bytes = await readAt(i);
    reads[i] = undefined;
    out.push(take(reparseBytes(files[i]!, bytes, known[i], options), i));
    if (i % 8 === 7) await yieldToEventLoop();
  }
  return out;
};

export const parseOnThisThread: ParseBatch = async (files, maxFileBytes, options) =>
  (await reparseOnThisThread(files, [], maxFileBytes, options)).map((r) => r.result!);
