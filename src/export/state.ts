import { constants } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { emptyMemory, NotingMap, type Memory } from '../catalog/memory.js';
import type { Site, Validator } from '../render/site.js';
import {
  appendLog,
  newGeneration,
  readLog,
  rewriteSnapshot,
  shouldCompact,
  type LogOp,
} from './journal.js';
import { SavedState, type Tables } from './saved-state.js';
import { JsonEntries, jsonPieces } from './json-pieces.js';

export { SavedState };

/**
 * What must survive a restart, kept in the output directory: guids (so an edited or moved article
 * keeps its identity), first-seen dates of files without a date, and the validators of every
 * output (so an unchanged feed keeps its Last-Modified and answers its old ETag with 304 after a
 * restart). A JSON snapshot plus a log of the changes since (journal.ts): a scan that changed one
 * file appends a few lines.
 */
export const STATE_FILE = '.seedfeed-state.json';
export const STATE_LOG = '.seedfeed-state.log';

interface StateFile {
  version: 1;
  generation?: string;
  guids: { byHash: Record<string, string>; byPath: Record<string, string> };
  firstSeen: { byHash: Record<string, number>; byPath: Record<string, number> };
  validators: Record<string, { key: string; etag: string; lastModified: string }>;
}

export interface State {
  readonly memory: Memory;
  readonly validators: ReadonlyMap<string, Validator>;
  /** Set when a state file was there but could not be used: it is rebuilt from scratch. */
  readonly damaged?: string;
  /** What the files hold: give it to saveState, which then appends only what changed. */
  readonly saved: SavedState;
}

const entries = <V>(record: Record<string, V> | undefined) =>
  Object.entries(typeof record === 'object' && record !== null ? record : {});

/** Reads the state; a missing or damaged file is a fresh start (`damaged` says why), never an error. */
export async function loadState(outDir: string): Promise<State> {
  let raw: Partial<StateFile>;
  try {
    // Not through a link: a parse error quotes the first bytes, and they must not be another file's.
    const flag = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0);
    raw = JSON.parse(
      await readFile(path.join(outDir, STATE_FILE), { encoding: 'utf8', flag }),
    ) as Partial<StateFile>;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
      throw new Error('not a JSON object');
    if (raw.version !== 1) throw new Error(`unknown version ${JSON.stringify(raw.version)}`);
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    return fresh(missing ? undefined : (error as Error).message);
  }
  const saved = new SavedState();
  const t = saved.tables;
  for (const [k, v] of entries(raw.guids?.byHash)) saved.apply(['gh', k, v]);
  for (const [k, v] of entries(raw.guids?.byPath)) saved.apply(['gp', k, v]);
  for (const [k, v] of entries(raw.firstSeen?.byHash)) saved.apply(['fh', k, v]);
  for (const [k, v] of entries(raw.firstSeen?.byPath)) saved.apply(['fp', k, v]);
  for (const [p, v] of entries(raw.validators))
    saved.apply(['v', p, [v?.key, v?.etag, Date.parse(v?.lastModified)]]);
  const generation = typeof raw.generation === 'string' ? raw.generation : undefined;
  const log = await readLog(path.join(outDir, STATE_LOG), generation);
  if (log.damaged) return fresh(log.damaged);
  for (const op of log.ops) saved.apply(op);
  saved.log = log.position;
  const validators = new Map<string, Validator>();
  for (const [p, [key, etag, ms]] of t.v)
    validators.set(p, { key, etag, lastModified: new Date(ms) });
  // Maps that note what the catalog changes in them, which the saved state then follows.
  const memory: Memory = {
    guids: { byHash: new NotingMap(t.gh), byPath: new NotingMap(t.gp) },
    firstSeen: { byHash: new NotingMap(t.fh), byPath: new NotingMap(t.fp) },
  };
  saved.follow(memory);
  return { memory, validators, saved };
}

function fresh(damaged: string | undefined): State {
  const saved = new SavedState();
  const memory = emptyMemory();
  return { memory, validators: new Map(), saved, ...(damaged ? { damaged } : {}) };
}

/**
 * Saves what changed since `saved` (what loadState read, or the last save returned; without it
 * the files are written whole). Returns what the files now hold, `saved` itself updated.
 */
export async function saveState(
  outDir: string,
  memory: Memory,
  site: Site,
  saved: SavedState = new SavedState(),
): Promise<SavedState> {
  const ops = saved.update(memory, site.resources);
  if (!ops.length && saved.log) return saved;
  const logFile = path.join(outDir, STATE_LOG);
  try {
    let log = shouldCompact(saved.log, ops.length, saved.size)
      ? undefined
      : await appendLog(logFile, saved.log!, ops);
    if (!log) {
      const generation = newGeneration();
      const text = jsonPieces(snapshotOf(saved.tables, generation));
      log = await rewriteSnapshot(path.join(outDir, STATE_FILE), logFile, generation, text);
    }
    saved.log = log;
  } catch (error) {
    // The tables are ahead of the files now: the next save writes them whole.
    saved.log = undefined;
    throw error;
  }
  return saved;
}

/** The state file's shape, its tables written entry by entry (jsonPieces). */
function snapshotOf(t: Tables, generation: string) {
  return {
    version: 1,
    generation,
    guids: { byHash: new JsonEntries(t.gh), byPath: new JsonEntries(t.gp) },
    firstSeen: { byHash: new JsonEntries(t.fh), byPath: new JsonEntries(t.fp) },
    validators: new JsonEntries(validatorEntries(t.v)),
  } satisfies Record<keyof StateFile, unknown>;
}

function* validatorEntries(v: Tables['v']): Generator<[string, StateFile['validators'][string]]> {
  for (const [p, [key, etag, ms]] of v)
    yield [p, { key, etag, lastModified: new Date(ms).toISOString() }];
}
