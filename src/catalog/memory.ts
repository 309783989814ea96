import type { Article, Catalog, SeedFile } from '../model.js';

/**
 * A Map that notes which keys changed (set to another value, or deleted) since it was last asked:
 * the state file then saves what one scan changed without comparing every entry, or keeping a copy
 * to compare with (export/saved-state.ts).
 */
export class NotingMap<K, V> extends Map<K, V> {
  private noted?: Set<K>;

  override set(key: K, value: V): this {
    if (super.get(key) !== value || !super.has(key)) (this.noted ??= new Set()).add(key);
    return super.set(key, value);
  }

  override delete(key: K): boolean {
    const had = super.delete(key);
    if (had) (this.noted ??= new Set()).add(key);
    return had;
  }

  override clear(): void {
    for (const key of this.keys()) (this.noted ??= new Set()).add(key);
    super.clear();
  }

  /** The keys set or deleted since the last call (or since it was made). */
  takeNoted(): ReadonlySet<K> {
    const noted = this.noted ?? new Set<K>();
    this.noted = undefined;
    return noted;
  }
}

/** What the catalog must remember across scans and restarts (saved by export/state.ts). */
export interface Memory {
  guids: { byHash: Map<string, string>; byPath: Map<string, string> };
  /** Fallback dates of files without one: first seen by content, then by path. */
  firstSeen: { byHash: Map<string, number>; byPath: Map<string, number> };
}

/** Empty, in maps that note what changes. */
export const emptyMemory = (): Memory => ({
  guids: { byHash: new NotingMap(), byPath: new NotingMap() },
  firstSeen: { byHash: new NotingMap(), byPath: new NotingMap() },
});

/** The date of a file that gives none: when its text, or else its path, was first seen. Remembered. */
export function fallbackDate(memory: Memory, file: SeedFile, hash: string): number {
  const seen = memory.firstSeen;
  const ms =
    seen.byHash.get(hash) ?? seen.byPath.get(file.path) ?? Math.floor(file.mtimeMs / 1000) * 1000;
  seen.byHash.set(hash, ms);
  seen.byPath.set(file.path, ms);
  return ms;
}

/** Keeps only what the current catalog needs, so the memory never grows with history. */
export function rememberCatalog(memory: Memory, catalog: Catalog): void {
  const { guids, firstSeen } = emptyMemory();
  for (const article of catalog.articles) {
    guids.byHash.set(article.contentHash, article.guid);
    for (const source of article.sources) {
      guids.byPath.set(source, article.guid);
      const byPath = memory.firstSeen.byPath.get(source);
      if (byPath !== undefined) firstSeen.byPath.set(source, byPath);
    }
    const byHash = memory.firstSeen.byHash.get(article.contentHash);
    if (byHash !== undefined) firstSeen.byHash.set(article.contentHash, byHash);
  }
  // A file rejected for now (caught half-written, say) still exists: it keeps what it had, so
  // its article gets its guid and date back once the file is whole again.
  for (const { file } of catalog.rejected) {
    const guid = memory.guids.byPath.get(file);
    if (guid !== undefined && !guids.byPath.has(file)) guids.byPath.set(file, guid);
    const seen = memory.firstSeen.byPath.get(file);
    if (seen !== undefined && !firstSeen.byPath.has(file)) firstSeen.byPath.set(file, seen);
  }
  memory.guids = guids;
  memory.firstSeen = firstSeen;
}

/** What one delta build changed, for rememberDelta. */
export interface BuildChange {
  readonly gone: readonly Article[];
  readonly came: readonly Article[];
  /** Paths that came, went or changed, and paths refused before or now. */
  readonly paths: ReadonlySet<string>;
  /** Content hashes whose first-seen date was looked up by this build. */
  readonly dated: ReadonlySet<string>;
  readonly isDraft: (path: string) => boolean;
  readonly isRejected: (path: string) => boolean;
  /** Whether the hash is an article's own (its primary's). */
  readonly isPrimary: (hash: string) => boolean;
  /** The fallback date of the undated copies with this hash, if it has any. */
  readonly undatedDate: (hash: string) => number | undefined;
}

/**
 * rememberCatalog for a delta: the same maps as rememberCatalog would make of the new catalog
 * (entry order aside), changing only the entries of what changed.
 */
export function rememberDelta(memory: Memory, change: BuildChange): void {
  const { guids, firstSeen } = memory;
  const had = new Map([...change.paths].map((path) => [path, guids.byPath.get(path)]));
  const hashes = new Set(change.dated);
  for (const article of change.gone) {
    guids.byHash.delete(article.contentHash);
    hashes.add(article.contentHash);
    for (const source of article.sources) guids.byPath.delete(source);
  }
  for (const article of change.came) {
    guids.byHash.set(article.contentHash, article.guid);
    hashes.add(article.contentHash);
    for (const source of article.sources) guids.byPath.set(source, article.guid);
  }
  for (const [path, guid] of had) {
    if (change.isDraft(path)) continue;
    const rejected = change.isRejected(path);
    if (rejected && guid !== undefined) guids.byPath.set(path, guid);
    if (!rejected) {
      guids.byPath.delete(path);
      firstSeen.byPath.delete(path);
    }
  }
  for (const hash of hashes) {
    if (!change.isPrimary(hash)) {
      firstSeen.byHash.delete(hash);
      continue;
    }
    const date = change.undatedDate(hash);
    if (date !== undefined) firstSeen.byHash.set(hash, date);
  }
}
