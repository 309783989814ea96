import type { Catalog, SeedFile } from '../model.js';

/** What the catalog must remember across scans and restarts (saved by export/state.ts). */
export interface Memory {
  guids: { byHash: Map<string, string>; byPath: Map<string, string> };
  /** Fallback dates of files without one: first seen by content, then by path. */
  firstSeen: { byHash: Map<string, number>; byPath: Map<string, number> };
}

export const emptyMemory = (): Memory => ({
  guids: { byHash: new Map(), byPath: new Map() },
  firstSeen: { byHash: new Map(), byPath: new Map() },
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
  const guids = { byHash: new Map<string, string>(), byPath: new Map<string, string>() };
  const firstSeen = { byHash: new Map<string, number>(), byPath: new Map<string, number>() };
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
