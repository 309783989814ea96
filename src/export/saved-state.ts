import { NotingMap, type Memory } from '../catalog/memory.js';
import type { Validator } from '../render/site.js';
import type { LogOp, LogPosition } from './journal.js';

/** An output's validator as the state files hold it: render key, ETag, Last-Modified in ms. */
type SavedValidator = readonly [key: string, etag: string, lastModifiedMs: number];

/** The state's tables by their names in the log: guids and first-seen dates by hash and by path. */
export interface Tables {
  gh: Map<string, string>;
  gp: Map<string, string>;
  fh: Map<string, number>;
  fp: Map<string, number>;
  readonly v: Map<string, SavedValidator>;
}

/** The tables that save the catalog's memory (the rest, `v`, the Site's validators). */
type MemoryTable = 'gh' | 'gp' | 'fh' | 'fp';

const isString = (v: unknown): v is string => typeof v === 'string';
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isValidator = (v: unknown): v is SavedValidator =>
  Array.isArray(v) && v.length === 3 && isString(v[0]) && isString(v[1]) && isTime(v[2]);

const VALID: Record<keyof Tables, (v: unknown) => boolean> = {
  gh: isString,
  gp: isString,
  fh: isTime,
  fp: isTime,
  v: isValidator,
};

/**
 * What the state files hold, as of the last load or save: kept so that a save can find what
 * changed and append only that. The memory's tables are the memory's own maps once a save has
 * followed them (they note what changes: catalog/memory.ts), not copies: two maps of every path
 * and hash fewer. `v` is a copy: the Site's validators are other objects.
 */
export class SavedState {
  readonly tables: Tables = {
    gh: new Map(),
    gp: new Map(),
    fh: new Map(),
    fp: new Map(),
    v: new Map(),
  };
  /** Where the log on disk stands; undefined: the next save writes the snapshot whole. */
  log: LogPosition | undefined;

  get size(): number {
    const t = this.tables;
    return t.gh.size + t.gp.size + t.fh.size + t.fp.size + t.v.size;
  }

  /** Applies one change read from a file; one of an unknown table or with a bad value is skipped. */
  apply([table, key, value]: LogOp): void {
    if (!Object.hasOwn(VALID, table)) return;
    const map = this.tables[table as keyof Tables] as Map<string, unknown>;
    if (value === undefined) map.delete(key);
    else if (VALID[table as keyof Tables](value)) map.set(key, value);
  }

  /** After a load: `memory`, made of these tables, is what they are from now on (no copy kept). */
  follow(memory: Memory): void {
    this.tables.gh = followed(memory.guids.byHash);
    this.tables.gp = followed(memory.guids.byPath);
    this.tables.fh = followed(memory.firstSeen.byHash);
    this.tables.fp = followed(memory.firstSeen.byPath);
  }

  /** Brings the tables to `memory` and `validators`; returns the changes, for the log. */
  update(memory: Memory, validators: ReadonlyMap<string, Validator>): LogOp[] {
    const ops: LogOp[] = [];
    const t = this.tables;
    this.sync('gh', memory.guids.byHash, ops);
    this.sync('gp', memory.guids.byPath, ops);
    this.sync('fh', memory.firstSeen.byHash, ops);
    this.sync('fp', memory.firstSeen.byPath, ops);
    for (const [p, r] of validators) {
      const was = t.v.get(p);
      const ms = r.lastModified.getTime();
      if (was && was[0] === r.key && was[1] === r.etag && was[2] === ms) continue;
      const now: SavedValidator = [r.key, r.etag, ms];
      t.v.set(p, now);
      ops.push(['v', p, now]);
    }
    if (t.v.size !== validators.size) dropMissing('v', t.v, validators, ops);
    return ops;
  }

  /**
   * One table brought to the map it saves. The map it already is (followed) changed only where
   * it noted; another (the catalog made its memory afresh) is compared whole with the one the
   * files hold, whose own noted keys are not known to be on disk and are written again.
   */
  private sync<V>(table: MemoryTable, now: ReadonlyMap<string, V>, ops: LogOp[]) {
    const saved = this.tables[table] as Map<string, V>;
    if (saved === now) {
      for (const k of (now as NotingMap<string, V>).takeNoted()) {
        const v = now.get(k);
        ops.push(v === undefined ? [table, k] : [table, k, v]);
      }
      return;
    }
    const unsaved = saved instanceof NotingMap ? saved.takeNoted() : new Set<string>();
    for (const [k, v] of now) if (unsaved.has(k) || saved.get(k) !== v) ops.push([table, k, v]);
    for (const k of saved.keys()) if (!now.has(k) && !unsaved.has(k)) ops.push([table, k]);
    for (const k of unsaved) if (!now.has(k)) ops.push([table, k]);
    // A map that notes nothing is copied, and compared whole again next time.
    (this.tables[table] as Map<string, V>) =
      now instanceof NotingMap ? followed(now) : new Map(now);
  }
}

/** A map from now on followed: what it noted so far is saved. */
function followed<V>(map: Map<string, V>): Map<string, V> {
  if (map instanceof NotingMap) map.takeNoted();
  return map;
}

function dropMissing(
  table: string,
  saved: Map<string, unknown>,
  now: ReadonlyMap<string, unknown>,
  ops: LogOp[],
): void {
  for (const k of saved.keys()) {
    if (now.has(k)) continue;
    saved.delete(k);
    ops.push([table, k]);
  }
}
