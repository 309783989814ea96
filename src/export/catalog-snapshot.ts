import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import {
  decodeEntry,
  encodeEntry,
  snapshotKey,
  SNAPSHOT_VERSION,
  type SnapshotSettings,
} from '../catalog/snapshot.js';
import type { CachedResult } from '../scan/scanner.js';
import { writeChunkedAtomic } from './chunked-write.js';
import {
  appendLog,
  newGeneration,
  readLog,
  shouldCompact,
  type LogOp,
  type LogPosition,
} from './journal.js';

/**
 * The scanner's cache, kept next to the export so that a restart reads only the files that
 * changed while seedfeed was down. A snapshot of one JSON line per file between a header (format
 * version, the settings the parses depend on, the generation) and a trailer (count, SHA-1 of the
 * entry lines), plus an append-only log of the entries changed since (journal.ts): a scan that
 * changed one file appends one line. A damaged, truncated or outdated snapshot is ignored (the
 * reason is told) and every file is read.
 */
export const CATALOG_SNAPSHOT = '.seedfeed-catalog.ndjson';
export const CATALOG_LOG = '.seedfeed-catalog.log';

/** The log's table: `["e", path, entry]` a file's entry, `["e", path]` a file gone. */
const ENTRY = 'e';
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;
const LINES_PER_CHUNK = 1000;
const HASH_SLICE = 4 << 20;

/** What the files on disk hold, as loaded or last saved: a save appends only the difference. */
export class SavedSnapshot {
  /** Where the log on disk stands; undefined: the next save rewrites the snapshot whole. */
  log: LogPosition | undefined;

  constructor(readonly key: string) {}
}

export interface LoadedSnapshot {
  /** The files as the snapshot recorded them; empty when there was none or it was ignored. */
  readonly entries: ReadonlyMap<string, CachedResult>;
  /** Why a snapshot that was there was not used: every file is read instead. */
  readonly ignored?: string;
  readonly saved: SavedSnapshot;
}

const keyOf = (settings: SnapshotSettings) =>
  snapshotKey(settings, path.resolve(settings.seedsDir));

/** Reads the snapshot and its log; never throws. */
export async function loadCatalogSnapshot(
  outDir: string,
  settings: SnapshotSettings,
): Promise<LoadedSnapshot> {
  const key = keyOf(settings);
  const nothing = (ignored?: string): LoadedSnapshot => ({
    entries: new Map(),
    saved: new SavedSnapshot(key),
    ...(ignored ? { ignored } : {}),
  });
  let bytes: Buffer;
  try {
    bytes = await readFile(path.join(outDir, CATALOG_SNAPSHOT), {
      flag: constants.O_RDONLY | NO_FOLLOW,
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? nothing() : nothing(`it cannot be read: ${code}`);
  }
  const decoded = await decodeSnapshot(bytes, key);
  if (typeof decoded === 'string') return nothing(decoded);
  const log = await readLog(path.join(outDir, CATALOG_LOG), decoded.generation);
  if (log.damaged) return nothing(log.damaged);
  for (const [table, file, value] of log.ops) {
    if (table !== ENTRY) return nothing(`its log has a line of table ${JSON.stringify(table)}`);
    if (value === undefined) {
      decoded.entries.delete(file);
      continue;
    }
    const entry = decodeEntry(value);
    if (!entry) return nothing(`its log's entry of ${JSON.stringify(file)} is not valid`);
    decoded.entries.set(file, entry);
  }
  const saved = new SavedSnapshot(key);
  saved.log = log.position;
  return { entries: decoded.entries, saved };
}

/**
 * The entries and generation of a snapshot file, or why it cannot be used. Hashed and decoded a
 * slice at a time: meanwhile the last export answers requests (live/exported-site.ts).
 */
async function decodeSnapshot(
  bytes: Buffer,
  key: string,
): Promise<{ entries: Map<string, CachedResult>; generation: string } | string> {
  const headerEnd = bytes.indexOf(10);
  if (headerEnd < 0 || bytes[bytes.length - 1] !== 10) return 'it is truncated';
  const trailerStart = bytes.lastIndexOf(10, bytes.length - 2) + 1;
  if (trailerStart <= headerEnd) return 'it is truncated';
  const header = parse(bytes.subarray(0, headerEnd).toString('utf8')) as Record<string, unknown>;
  const trailer = parse(bytes.subarray(trailerStart, bytes.length - 1).toString('utf8')) as Record<
    string,
    unknown
  >;
  if (typeof header?.version !== 'number' || typeof header.generation !== 'string')
    return 'its header is not valid';
  if (header.version !== SNAPSHOT_VERSION)
    return `it is outdated (format ${header.version}, now ${SNAPSHOT_VERSION})`;
  if (header.key !== key) return 'it was made with other settings or another seeds directory';
  if (typeof trailer?.entries !== 'number' || typeof trailer.sha1 !== 'string')
    return 'it is truncated';
  const body = bytes.subarray(headerEnd + 1, trailerStart);
  const sha1 = createHash('sha1');
  for (let at = 0; at < body.length; at += HASH_SLICE) {
    sha1.update(body.subarray(at, at + HASH_SLICE));
    await yieldToEventLoop();
  }
  if (sha1.digest('hex') !== trailer.sha1) return 'its checksum does not match: it is damaged';
  const entries = new Map<string, CachedResult>();
  // Line by line from the bytes: a snapshot of 1,000,000 entries would not fit in one string.
  let start = 0;
  while (start < body.length) {
    if (entries.size % LINES_PER_CHUNK === LINES_PER_CHUNK - 1) await yieldToEventLoop();
    const end = body.indexOf(10, start);
    const line = parse(body.toString('utf8', start, end)) as unknown[] | undefined;
    start = end + 1;
    const entry = Array.isArray(line) && typeof line[0] === 'string' && decodeEntry(line.slice(1));
    if (!entry) return `its line ${entries.size + 2} is not a valid entry`;
    entries.set(line[0] as string, entry);
  }
  if (entries.size !== trailer.entries) return 'its entry count does not match: it is damaged';
  return { entries, generation: header.generation };
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Brings the files to `entries`: appends the entries of the `changed` paths (set or gone since
 * the last save) to the log, or rewrites the snapshot whole (the first time, when the log has
 * grown past twice the entries, or when it is not as `saved` left it). Returns what the files
 * now hold.
 */
export async function saveCatalogSnapshot(
  outDir: string,
  entries: ReadonlyMap<string, CachedResult>,
  changed: ReadonlySet<string>,
  saved: SavedSnapshot,
): Promise<SavedSnapshot> {
  if (!changed.size && saved.log) return saved;
  try {
    // A rewrite needs no lines of the changes: the first save of 100,000 files made them all for nothing.
    let log = shouldCompact(saved.log, changed.size, entries.size)
      ? undefined
      : await appendLog(path.join(outDir, CATALOG_LOG), saved.log!, changedOps(entries, changed));
    log ??= await rewrite(outDir, saved.key, entries);
    saved.log = log;
  } catch (error) {
    // The files may be behind now: the next save writes them whole.
    saved.log = undefined;
    throw error;
  }
  return saved;
}

function changedOps(
  entries: ReadonlyMap<string, CachedResult>,
  changed: ReadonlySet<string>,
): LogOp[] {
  const ops: LogOp[] = [];
  for (const file of changed) {
    const entry = entries.get(file);
    ops.push(entry ? [ENTRY, file, encodeEntry(entry)] : [ENTRY, file]);
  }
  return ops;
}

async function rewrite(
  outDir: string,
  key: string,
  entries: ReadonlyMap<string, CachedResult>,
): Promise<LogPosition> {
  const generation = newGeneration();
  // Line by line into one buffer: 100,000 entries never become one string, nor many large ones.
  await writeChunkedAtomic(
    path.join(outDir, CATALOG_SNAPSHOT),
    snapshotLines(key, generation, entries),
  );
  // Best effort: a log left behind names the old generation and is ignored.
  await rm(path.join(outDir, CATALOG_LOG), { force: true }).catch(() => undefined);
  return { generation, lines: 0, bytes: 0 };
}

function* snapshotLines(
  key: string,
  generation: string,
  entries: ReadonlyMap<string, CachedResult>,
): Generator<string> {
  yield `${JSON.stringify({ version: SNAPSHOT_VERSION, key, generation })}\n`;
  const sha1 = createHash('sha1');
  for (const [file, entry] of entries) {
    const line = `${JSON.stringify([file, ...encodeEntry(entry)])}\n`;
    sha1.update(line);
    yield line;
  }
  yield `${JSON.stringify({ entries: entries.size, sha1: sha1.digest('hex') })}\n`;
}
