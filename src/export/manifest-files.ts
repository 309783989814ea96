import { exportKey } from './precompressed.js';

/** An article page's export key: it never has siblings (precompressed.ts). */
const pageKey = (siteKey: string) => exportKey(siteKey, false);

const PAGE = /^articles\/([0-9a-z]+)\/index\.html$/;
const pageFile = (id: string) => `articles/${id}/index.html`;

/**
 * The manifest's table in memory, file → render key, held between exports: one entry per
 * article page, so at 100,000 articles a plain object of them cost ~16 MB (a dictionary's
 * property table, a path string per file, a key of three joined strings per page). An article
 * page written by this process is kept under its article's id (the Article's own string) with
 * the Site's key of it (the export key without its suffix, pageKey), and its path and
 * key are made again when asked for. Every other entry — feeds, lists, and pages as read from
 * the file on disk — is kept as it is.
 */
export class ManifestFiles implements Iterable<[file: string, key: string]> {
  /** Article id → the Site's key of its page: the file is pageFile(id), its key pageKey(it). */
  private readonly pages = new Map<string, string>();
  private readonly others = new Map<string, string>();

  static from(files: Iterable<readonly [string, string]> | Record<string, string>): ManifestFiles {
    const table = new ManifestFiles();
    const entries = Symbol.iterator in files ? files : Object.entries(files);
    for (const [file, key] of entries as Iterable<readonly [string, string]>) table.set(file, key);
    return table;
  }

  get size(): number {
    return this.pages.size + this.others.size;
  }

  get(file: string): string | undefined {
    const id = PAGE.exec(file)?.[1];
    const siteKey = id === undefined ? undefined : this.pages.get(id);
    return siteKey === undefined ? this.others.get(file) : pageKey(siteKey);
  }

  has(file: string): boolean {
    const id = PAGE.exec(file)?.[1];
    return (id !== undefined && this.pages.has(id)) || this.others.has(file);
  }

  set(file: string, key: string): void {
    const id = PAGE.exec(file)?.[1];
    if (id !== undefined) this.pages.delete(id);
    this.others.set(file, key);
  }

  /** The article `id`'s page, with the key pageKey(siteKey). */
  setPage(id: string, siteKey: string): void {
    this.pages.set(id, siteKey);
    if (this.others.size) this.others.delete(pageFile(id));
  }

  delete(file: string): boolean {
    const id = PAGE.exec(file)?.[1];
    const page = id !== undefined && this.pages.delete(id);
    return this.others.delete(file) || page;
  }

  *keys(): IterableIterator<string> {
    yield* this.others.keys();
    for (const id of this.pages.keys()) yield pageFile(id);
  }

  *[Symbol.iterator](): IterableIterator<[file: string, key: string]> {
    yield* this.others;
    for (const [id, siteKey] of this.pages) yield [pageFile(id), pageKey(siteKey)];
  }

  /** As a plain object (what the snapshot on disk holds). */
  toJSON(): Record<string, string> {
    const record = Object.create(null) as Record<string, string>;
    for (const [file, key] of this) record[file] = key;
    return record;
  }
}
