import { NotingMap, type Memory } from '../catalog/memory.js';
import type { Validator } from '../render/site.js';
import type { LogOp, LogPosition } from './journal.js';

/** An output's validator as the state files hold it: render key, ETag, Last-Modified in ms. */
type SavedValidator = readonly [key: string, etag: string, lastModifiedMs: number];

/** The state's tables by their names in the log: guids and first-seen dates by hash and by path. */
export interface Tables {
  readonly gh: Map<string, string>;
  readonly gp: Map<string, string>;
  readonly fh: Map<string, number>;
  readonly fp: Map<string, number>;
  readonly v: Map<string, SavedValidator>;
}

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
 * changed and append only that. Its own copies: the catalog changes its memory in place.
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

  /** The memory's maps these tables were last brought to: then only their noted keys changed. */
  private readonly followed = new Map<string, ReadonlyMap<string, unknown>>();

  /** Brings the tables to `memory` and `validators`; returns the changes, for the log. */
  update(memory: Memory, validators: ReadonlyMap<string, Validator>): LogOp[] {
    const ops: LogOp[] = [];
    const t = this.tables;
    this.sync('gh', t.gh, memory.guids.byHash, ops);
    this.sync('gp', t.gp, memory.guids.byPath, ops);
    this.sync('fh', t.fh, memory.firstSeen.byHash, ops);
    this.sync('fp', t.fp, memory.firstSeen.byPath, ops);
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
   * One table brought to the map it saves. A map that notes its changes (catalog/memory.ts) and
   * was followed last time is looked at only where it changed; any other is compared whole.
   */
  private sync<V>(table: string, saved: Map<string, V>, now: ReadonlyMap<string, V>, ops: LogOp[]) {
    const noted = now instanceof NotingMap ? (now as NotingMap<string, V>).takeNoted() : undefined;
    if (noted && this.followed.get(table) === now) {
      for (const k of noted) {
        const v = now.get(k);
        if (v === undefined) {
          if (saved.delete(k)) ops.push([table, k]);
        } else if (saved.get(k) !== v) {
          saved.set(k, v);
          ops.push([table, k, v]);
        }
      }
      return;
    }
    syncWhole(table, saved, now, ops);
    this.followed.set(table, now);
  }
}

function syncWhole<V>(
  table: string,
  saved: Map<string, V>,
  now: ReadonlyMap<string, V>,
  ops: LogOp[],
) {
  for (const [k, v] of now) {
    if (saved.get(k) === v) continue;
    saved.set(k, v);
    ops.push([table, k, v]);
  }
  // Every key of `now` is in `saved`: equal sizes mean nothing else is.
  if (saved.size !== now.size) dropMissing(table, saved, now, ops);
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
