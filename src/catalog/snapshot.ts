import { sketchOf } from '../dedupe/sketch-ref.js';
import { summaryOf } from './summary-ref.js';
import type { Draft, Rejection } from '../model.js';
import { RACY, type CachedResult, type FileResult } from '../scan/scanner.js';

/**
 * The scanner's cache as text, so that a restart need not read the files it already knows: per
 * file its stamp (size, mtime, inode, or "racy"), the digest of the bytes last parsed and that
 * parse (a Draft without its body, or a Rejection). One JSON value per file. Pure.
 *
 * Bump SNAPSHOT_VERSION whenever parse/ or the sketch would turn the same bytes into another
 * result: an outdated snapshot is ignored and the files are read again.
 */
export const SNAPSHOT_VERSION = 4;

export interface SnapshotSettings {
  readonly seedsDir: string;
  readonly maxFileBytes: number;
  readonly nearDupThreshold?: number;
}

/** What the snapshot's parses depend on besides the bytes: a snapshot made under another key is outdated. */
export function snapshotKey(settings: SnapshotSettings, seedsDirReal: string): string {
  const sketched = (settings.nearDupThreshold ?? 1) > 0;
  return JSON.stringify([SNAPSHOT_VERSION, seedsDirReal, settings.maxFileBytes, sketched]);
}

/** One file's entry: `[stamp, digest | 0, result, since | 0]`. */
export type EncodedEntry = readonly [string, string | 0, unknown, number];

export function encodeEntry(cached: CachedResult): EncodedEntry {
  return [
    stampText(cached.stamp),
    cached.digest ?? 0,
    encodeResult(cached.result),
    cached.since ?? 0,
  ];
}

const stampText = (stamp: CachedResult['stamp']) =>
  stamp === RACY ? RACY : `${stamp.size}:${stamp.mtimeMs}:${stamp.ino}`;

/** A stamp that does not read as one is "racy": the file is read and hashed again, not trusted. */
function stampOf(text: string): CachedResult['stamp'] {
  const [size, mtimeMs, ino, ...rest] = text.split(':').map(Number);
  const valid = [size, mtimeMs, ino].every((n) => Number.isFinite(n)) && rest.length === 0;
  return valid ? { size: size!, mtimeMs: mtimeMs!, ino: ino! } : RACY;
}

/** Undefined when the value is not an entry this version wrote. */
export function decodeEntry(value: unknown): CachedResult | undefined {
  if (!Array.isArray(value) || value.length !== 4) return undefined;
  const [stamp, digest, raw, since] = value as unknown[];
  if (typeof stamp !== 'string' || (digest !== 0 && typeof digest !== 'string')) return undefined;
  if (!isTime(since)) return undefined;
  const result = decodeResult(raw);
  if (!result) return undefined;
  return {
    stamp: stampOf(stamp),
    result,
    ...(digest === 0 ? {} : { digest }),
    ...(since === 0 ? {} : { since }),
  };
}

function encodeResult(result: FileResult): unknown {
  if ('reason' in result) return { file: result.file, reason: result.reason };
  const {
    contentHtml: _body,
    date,
    updated,
    sketch: _words,
    sketchAt: _at,
    summaryAt: _summaryAt,
    ...rest
  } = result;
  const sketch = sketchOf(result);
  return {
    ...rest,
    // Where the spread put it (the bytes of the format): the text, not the words it is kept in.
    summary: summaryOf(result),
    ...(date !== undefined ? { date } : {}),
    ...(updated !== undefined ? { updated } : {}),
    ...(sketch
      ? {
          sketch: Buffer.from(sketch.buffer, sketch.byteOffset, sketch.byteLength).toString(
            'base64',
          ),
        }
      : {}),
  };
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isOptionalString = (v: unknown) => v === undefined || isString(v);
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function decodeResult(raw: unknown): FileResult | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const r = raw as Record<string, unknown>;
  if ('reason' in r)
    return isString(r.file) && isString(r.reason)
      ? ({ file: r.file, reason: r.reason } satisfies Rejection)
      : undefined;
  if (
    !isString(r.source) ||
    !isString(r.title) ||
    !isString(r.summary) ||
    !isString(r.contentHash) ||
    !isStrings(r.categories) ||
    !isStrings(r.tags) ||
    !isStrings(r.notes) ||
    !isOptionalString(r.link) ||
    !isOptionalString(r.author) ||
    !isOptionalString(r.image) ||
    !(r.date === undefined || isTime(r.date)) ||
    !(r.updated === undefined || isTime(r.updated)) ||
    !isOptionalString(r.sketch)
  )
    return undefined;
  const sketch = r.sketch === undefined ? undefined : decodeSketch(r.sketch as string);
  if (r.sketch !== undefined && !sketch) return undefined;
  const draft: Draft = {
    source: r.source,
    title: r.title,
    ...(r.link !== undefined ? { link: r.link as string } : {}),
    ...(r.date !== undefined ? { date: r.date as number } : {}),
    ...(r.updated !== undefined ? { updated: r.updated as number } : {}),
    ...(r.author !== undefined ? { author: r.author as string } : {}),
    categories: r.categories,
    tags: r.tags,
    ...(r.image !== undefined ? { image: r.image as string } : {}),
    // Bodies are not kept: pages read them again from the file (catalog/content.ts).
    contentHtml: '',
    summary: r.summary,
    contentHash: r.contentHash,
    ...(sketch ? { sketch } : {}),
    notes: r.notes,
  };
  return draft;
}

function decodeSketch(base64: string): Uint32Array | undefined {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length % 4 !== 0) return undefined;
  // A copy: the decoded buffer may share a pool with unaligned offsets.
  const out = new Uint32Array(bytes.length / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}
