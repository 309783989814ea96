import type { Catalog, DatedDraft, Draft, Notice, Rejection, SeedFile } from '../model.js';
import type { FileResult, Scan, ScannedFile } from '../scan/scanner.js';
import { compareStrings } from '../scan/walk.js';
import type { CatalogIndex } from './catalog-index.js';
import type { ContentStore } from './content.js';
import { fallbackDate, type Memory } from './memory.js';
import type { FileChange } from './scan-delta.js';
import { applySorted } from './sorted.js';

const byFile = (a: { file: string }, b: { file: string }) => compareStrings(a.file, b.file);
export const isDraft = (result: FileResult | undefined): result is Draft =>
  result !== undefined && !('reason' in result);

/**
 * What the builder keeps between scans to build the next Catalog from the change alone: each
 * file's dated draft, notices and rejection, their sorted lists, and the CatalogIndex the dated
 * drafts go through.
 */
export class Ledger {
  files: readonly ScannedFile[] = [];
  readonly dated = new Map<string, DatedDraft>();
  /** A file's notices: one alone (most) as itself, several as an array of their exact length. */
  readonly noticed = new Map<string, Notice | readonly Notice[]>();
  notices: readonly Notice[] = [];
  readonly rejections = new Map<string, Rejection>();
  rejectionList: readonly Rejection[] = [];
  refused: readonly Rejection[] = [];
  /** The memory maps this ledger keeps in step; anything else and the next build starts afresh. */
  guids?: Memory['guids'];
  firstSeen?: Memory['firstSeen'];

  constructor(
    readonly index: CatalogIndex,
    private readonly memory: Memory,
    private readonly content: ContentStore,
  ) {}

  /** Whether the next build can start from this ledger: its guids unique, the memory's maps its own. */
  get current(): boolean {
    const { memory } = this;
    return this.index.unique && this.guids === memory.guids && this.firstSeen === memory.firstSeen;
  }

  /**
   * Takes in a scan's changed files (every file, `redate`: a copy's fallback date moved) and
   * gives the Catalog they make with the rest, and what changed for the memory and the Site.
   */
  async apply(scan: Scan, changes: readonly FileChange[], redate: boolean) {
    const { memory, content } = this;
    const removed: DatedDraft[] = [];
    const added: DatedDraft[] = [];
    const noticesGone: Notice[] = [];
    const noticesCame: Notice[] = [];
    const rejectionsGone: Rejection[] = [];
    const rejectionsCame: Rejection[] = [];
    const paths = new Set<string>();
    const dated = new Set<string>();

    const forget = (path: string) => {
      const old = this.dated.get(path);
      if (old) removed.push(old);
      this.dated.delete(path);
      const noticed = this.noticed.get(path);
      if (Array.isArray(noticed)) noticesGone.push(...(noticed as readonly Notice[]));
      else if (noticed) noticesGone.push(noticed as Notice);
      this.noticed.delete(path);
      const rejection = this.rejections.get(path);
      if (rejection) rejectionsGone.push(rejection);
      this.rejections.delete(path);
    };
    const settle = (file: SeedFile, result: FileResult, modified: number | undefined) => {
      if (!isDraft(result)) {
        this.rejections.set(file.path, result);
        rejectionsCame.push(result);
        return;
      }
      let notices: readonly Notice[] = result.notes.map((note) => ({ file: file.path, note }));
      let date = result.date;
      if (date === undefined) {
        date = fallbackDate(memory, file, result.contentHash);
        dated.add(result.contentHash);
        // concat, not push: the array stays its exact length (a push grows it to 17 slots).
        notices = notices.concat({
          file: file.path,
          note: `no usable date; using the file's first-seen modification time ${new Date(date).toISOString()}`,
        });
      }
      const d = {
        draft: result,
        date,
        modified: modified ?? Math.floor(file.mtimeMs / 1000) * 1000,
      };
      this.dated.set(file.path, d);
      added.push(d);
      if (notices.length) this.noticed.set(file.path, notices.length === 1 ? notices[0]! : notices);
      noticesCame.push(...notices);
    };

    if (redate) {
      const changed = new Set(changes.map((c) => c.path));
      for (const c of changes) if (!c.after) forget(c.path);
      for (const { file, result, modified } of scan.files) {
        if (!changed.has(file.path)) {
          if (!isDraft(result) || result.date !== undefined) continue;
          const date = fallbackDate(memory, file, result.contentHash);
          dated.add(result.contentHash);
          if (date === this.dated.get(file.path)!.date) continue;
        }
        forget(file.path);
        settle(file, result, modified);
      }
    } else {
      for (const { path, file, after, modified } of changes) {
        forget(path);
        if (after) settle(file!, after, modified);
      }
    }
    for (const c of changes) paths.add(c.path);
    for (const r of [...this.refused, ...scan.refused]) paths.add(r.file);

    this.files = scan.files;
    this.notices = applySorted(this.notices, noticesGone, noticesCame, byFile);
    this.rejectionList = applySorted(this.rejectionList, rejectionsGone, rejectionsCame, byFile);
    this.refused = scan.refused;
    const rejected = scan.refused.length
      ? [...scan.refused, ...this.rejectionList].sort(byFile)
      : this.rejectionList;

    const indexed = await this.index.apply(removed, added, memory.guids);
    const refused = new Set(scan.refused.map((r) => r.file));
    const catalog: Catalog = {
      content,
      articles: indexed.articles,
      articleIds: indexed.articleIds,
      byId: indexed.byId,
      categories: indexed.categories,
      tags: indexed.tags,
      authors: indexed.authors,
      rejected,
      notices: this.notices,
      files: scan.files.length + scan.refused.length,
      duplicates: indexed.duplicates,
      nearDuplicates: indexed.nearDuplicates,
      boilerplate: indexed.boilerplate,
    };
    const change = {
      gone: indexed.gone,
      came: indexed.came,
      paths,
      dated,
      isDraft: (path: string) => this.dated.has(path),
      isRejected: (path: string) => this.rejections.has(path) || refused.has(path),
      isPrimary: (hash: string) => this.index.isPrimary(hash),
      undatedDate: (hash: string) => this.index.undatedDate(hash),
    };
    return { catalog, change };
  }
}
