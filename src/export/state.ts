import { constants } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from './atomic.js';
import { emptyMemory, type Memory } from '../catalog/memory.js';
import type { Site, Validator } from '../render/site.js';

/**
 * What must survive a restart, kept in one small JSON file in the output directory: guids (so an
 * edited or moved article keeps its identity), first-seen dates of files without a date, and the
 * validators of every output (so an unchanged feed keeps its Last-Modified and answers its old
 * ETag with 304 after a restart).
 */
export const STATE_FILE = '.seedfeed-state.json';

interface StateFile {
  version: 1;
  guids: { byHash: Record<string, string>; byPath: Record<string, string> };
  firstSeen: { byHash: Record<string, number>; byPath: Record<string, number> };
  validators: Record<string, { key: string; etag: string; lastModified: string }>;
}

export interface State {
  readonly memory: Memory;
  readonly validators: ReadonlyMap<string, Validator>;
  /** Set when a state file was there but could not be used: it is rebuilt from scratch. */
  readonly damaged?: string;
}

const toMap = <V>(record: Record<string, V> | undefined, valid: (v: unknown) => boolean) =>
  new Map(Object.entries(record ?? {}).filter(([, v]) => valid(v)));

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
    return {
      memory: emptyMemory(),
      validators: new Map(),
      ...(missing ? {} : { damaged: (error as Error).message }),
    };
  }
  const isString = (v: unknown) => typeof v === 'string';
  const isNumber = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  const validators = new Map<string, Validator>();
  for (const [p, v] of Object.entries(raw.validators ?? {})) {
    const lastModified = new Date(v?.lastModified);
    if (isString(v?.key) && isString(v?.etag) && !Number.isNaN(lastModified.getTime()))
      validators.set(p, { key: v.key, etag: v.etag, lastModified });
  }
  return {
    memory: {
      guids: {
        byHash: toMap(raw.guids?.byHash, isString),
        byPath: toMap(raw.guids?.byPath, isString),
      },
      firstSeen: {
        byHash: toMap(raw.firstSeen?.byHash, isNumber),
        byPath: toMap(raw.firstSeen?.byPath, isNumber),
      },
    },
    validators,
  };
}

export async function saveState(outDir: string, memory: Memory, site: Site): Promise<void> {
  const validators: StateFile['validators'] = {};
  for (const [p, r] of site.resources)
    validators[p] = { key: r.key, etag: r.etag, lastModified: r.lastModified.toISOString() };
  const state: StateFile = {
    version: 1,
    guids: {
      byHash: Object.fromEntries(memory.guids.byHash),
      byPath: Object.fromEntries(memory.guids.byPath),
    },
    firstSeen: {
      byHash: Object.fromEntries(memory.firstSeen.byHash),
      byPath: Object.fromEntries(memory.firstSeen.byPath),
    },
    validators,
  };
  await writeFileAtomic(path.join(outDir, STATE_FILE), `${JSON.stringify(state)}\n`);
}
