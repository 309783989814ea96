import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from './atomic.js';
import { writeChunkedAtomic } from './chunked-write.js';

/**
 * A record kept in two files: a JSON snapshot, rewritten whole only now and then, and an
 * append-only log of the changes since, one JSON line each (`[table, key, value]` sets,
 * `[table, key]` deletes). A change then costs a few appended lines, not the whole record.
 *
 * The log's first line names the snapshot it continues (its `generation`): a log left over from
 * before a snapshot was rewritten (a crash between the two steps) is ignored, never replayed over
 * newer data. A last line without its newline is a torn append (a crash, a full disk): it is
 * dropped, and the record is compacted before anything is appended again.
 */

export type LogOp = readonly [table: string, key: string, value?: unknown];

/** Where the log stands on disk: appends go on from here. */
export interface LogPosition {
  readonly generation: string;
  readonly lines: number;
  readonly bytes: number;
}

export interface ReadLog {
  readonly ops: LogOp[];
  /** Undefined when the log cannot be appended to (torn, or damaged): the record must be compacted. */
  readonly position?: LogPosition;
  /** The last line was cut short: it was dropped. */
  readonly torn: boolean;
  /** A line other than a torn last one is not a log line: none of the log can be trusted. */
  readonly damaged?: string;
}

// Not through a link: these are seedfeed's own files in this directory, or they are not ones.
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;

export const newGeneration = (): string => randomBytes(8).toString('hex');

const header = (generation: string) => `${JSON.stringify({ generation })}\n`;

/**
 * Reads the log of the snapshot whose generation is `generation` (undefined: a snapshot from
 * before logs, or none; a log is then not read). A missing or outdated log is an empty one.
 */
export async function readLog(file: string, generation: string | undefined): Promise<ReadLog> {
  const fresh = (g: string): ReadLog => ({
    ops: [],
    position: { generation: g, lines: 0, bytes: 0 },
    torn: false,
  });
  if (generation === undefined) return { ops: [], torn: false };
  let text: string;
  try {
    text = await readFile(file, { encoding: 'utf8', flag: constants.O_RDONLY | NO_FOLLOW });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return fresh(generation);
    const why = code === 'ELOOP' ? 'it is a symbolic link' : `it cannot be read: ${code}`;
    return { ops: [], torn: false, damaged: `its log ${why}` };
  }
  const end = text.lastIndexOf('\n') + 1;
  const torn = end < text.length;
  const lines = text.slice(0, end).split('\n');
  lines.pop(); // what followed the last newline: nothing, or the torn line
  const first = parseLine(lines[0] ?? '') as { generation?: unknown } | undefined;
  // Left from before the snapshot was last rewritten: the snapshot already holds all of it.
  if (first?.generation !== generation) return fresh(generation);
  const ops: LogOp[] = [];
  for (let i = 1; i < lines.length; i++) {
    const op = parseLine(lines[i]!);
    if (!isOp(op)) return { ops: [], torn, damaged: `its log's line ${i + 1} is not a change` };
    ops.push(op);
  }
  const position = { generation, lines: ops.length, bytes: Buffer.byteLength(text.slice(0, end)) };
  return torn ? { ops, torn } : { ops, position, torn };
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

function isOp(value: unknown): value is LogOp {
  return (
    Array.isArray(value) &&
    (value.length === 2 || value.length === 3) &&
    typeof value[0] === 'string' &&
    typeof value[1] === 'string'
  );
}

/**
 * Appends `ops` to the log at `position`; returns where it then stands, or undefined when the
 * file is not as `position` says (replaced, grown, cut): the caller compacts instead. A failed
 * write is cut back to `position`, so a half-written line never stays in the middle of the log.
 */
export async function appendLog(
  file: string,
  position: LogPosition,
  ops: readonly LogOp[],
): Promise<LogPosition | undefined> {
  if (!ops.length) return position;
  const lines = ops.map((op) => `${JSON.stringify(op)}\n`).join('');
  if (position.bytes === 0) {
    const text = header(position.generation) + lines;
    await writeFileAtomic(file, text);
    return { ...position, lines: ops.length, bytes: Buffer.byteLength(text) };
  }
  let handle;
  try {
    // O_NONBLOCK: a FIFO put there answers at once instead of waiting for a reader.
    handle = await open(
      file,
      constants.O_WRONLY | constants.O_APPEND | NO_FOLLOW | constants.O_NONBLOCK,
    );
  } catch {
    return undefined;
  }
  try {
    const st = await handle.stat();
    if (!st.isFile() || st.size !== position.bytes) return undefined;
    const data = Buffer.from(lines);
    try {
      await handle.write(data);
    } catch (error) {
      await handle.truncate(position.bytes).catch(() => undefined);
      throw error;
    }
    return {
      ...position,
      lines: position.lines + ops.length,
      bytes: position.bytes + data.length,
    };
  } finally {
    await handle.close();
  }
}

/**
 * Replaces the snapshot with the text of `pieces` (holding `generation`: jsonPieces) and drops
 * the log it supersedes. Returns the position of the new, empty log.
 */
export async function rewriteSnapshot(
  snapshot: string,
  log: string,
  generation: string,
  pieces: Iterable<string>,
): Promise<LogPosition> {
  await mkdir(path.dirname(snapshot), { recursive: true });
  await writeChunkedAtomic(snapshot, pieces);
  // Best effort: a log left behind names the old generation and is ignored.
  await rm(log, { force: true }).catch(() => undefined);
  return { generation, lines: 0, bytes: 0 };
}

/** Compact once the log holds more than twice the lines the record has live entries. */
export const shouldCompact = (position: LogPosition | undefined, added: number, live: number) =>
  position === undefined || position.lines + added > 2 * live;
