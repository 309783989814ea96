/** The types that cross module boundaries, from a seed file to a catalog. It imports nothing. */

/** One file in the seeds directory that the walker accepted as a candidate. */
export interface SeedFile {
  /** Path relative to the seeds directory, with `/` separators. */
  readonly path: string;
  /**
   * Where it is read from, a real path (for an in-tree symbolic link, its target's, as the walk
   * resolved it), when that is not `root` + `path`: the walk leaves it out for a plain file, one
   * string less per file (scan/seed-path.ts reads either).
   */
  readonly absPath?: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly ino: number;
  /**
   * With `ino`, the file the walk saw: a read refuses any other (scan/opened.ts). Set by the walk;
   * absent only where a caller made the SeedFile itself (a test reading one fixture).
   */
  readonly dev?: number;
  /** Real path of the seeds directory: a read refuses a file no longer inside it. Set by the walk, like `dev`. */
  readonly root?: string;
}

/** A file that could not be used, and why, in words a user can act on. */
export interface Rejection {
  readonly file: string;
  readonly reason: string;
}

/** What one parsed file contributes before duplicates are merged. */
export interface Draft {
  readonly source: string;
  readonly title: string;
  readonly link?: string;
  /**
   * Milliseconds since the epoch (UTC), like every article date here: a number, not a `Date` (92
   * bytes each, 100,000 articles hold two; render makes a `Date` where an output needs one).
   * Undefined when the file gave no usable date; ingest then falls back.
   */
  readonly date?: number;
  /** Milliseconds since the epoch (UTC). */
  readonly updated?: number;
  readonly author?: string;
  readonly categories: readonly string[];
  readonly tags: readonly string[];
  readonly image?: string;
  readonly contentHtml: string;
  /**
   * The summary, or with `summaryAt` the words shared with other summaries that it is in: a parse
   * gives a string, the catalog keeps it in shared words (read it through catalog/summary-ref.ts's
   * `summaryOf`).
   */
  readonly summary: string | SharedWords;
  readonly summaryAt?: number;
  /** sha256 hex of the normalized plain text of the body: the dedupe key. */
  readonly contentHash: string;
  /**
   * The text's near-duplicate sketch (dedupe/sketch.ts), or with `sketchAt` the words shared with
   * other drafts' sketches that it is in (dedupe/sketch-ref.ts: read it through `sketchOf`);
   * absent when near-dup detection is off.
   */
  readonly sketch?: Uint32Array | SharedWords;
  /** Where the sketch is in `sketch` when that is shared: offset × 2^13 + length, in words. */
  readonly sketchAt?: number;
  /** Things worth telling the user that did not stop the file from being used. */
  readonly notes: readonly string[];
}

/**
 * Words that many drafts' sketches or summaries share (catalog/word-arena.ts), in memory or in a spool file:
 * `words` gives `length` of them from `offset`, a view while they are in memory, else a copy.
 */
export interface SharedWords {
  words(offset: number, length: number): Uint32Array;
}

/** A parsed file with its date settled (its own, or the fallback ingest chose). */
export interface DatedDraft {
  readonly draft: Draft;
  /** Milliseconds since the epoch (UTC). */
  readonly date: number;
  /** The file's modification time when this draft was read, in whole seconds (ms); absent in tests. */
  readonly modified?: number;
}

export interface Article {
  /** Short content hash: the article's URL segment (`/articles/<id>/`). */
  readonly id: string;
  /** Stable RSS guid / Atom id / JSON Feed id, an absolute URI. */
  readonly guid: string;
  readonly title: string;
  readonly link?: string;
  /** Milliseconds since the epoch (UTC), as `updated`. */
  readonly date: number;
  readonly updated: number;
  /**
   * The modification time (ms, whole seconds) of the file whose body it shows when those bytes
   * first appeared: with `updated`, when its outputs last changed (render/last-modified.ts).
   */
  readonly modified: number;
  readonly author?: string;
  readonly categories: readonly string[];
  readonly tags: readonly string[];
  readonly image?: string;
  /**
   * The body is not here: it lives in Catalog.content, by contentHash (see ingest/content.ts). The
   * summary is its draft's, read through `summaryOf` (catalog/summary-ref.ts).
   */
  readonly summary: string | SharedWords;
  readonly summaryAt?: number;
  /** Relative paths of every file that produced this article, sorted. */
  readonly sources: readonly string[];
  /** The source whose body (and title, date) the article shows: the dedupe winner. */
  readonly bodySource: string;
  readonly contentHash: string;
  /** Why each source other than bodySource was merged into this article; absent for a single source. */
  readonly merges?: readonly MergeNote[];
}

/** Why a source was merged into an article whose body another source (the primary) gives. */
export interface MergeNote {
  readonly source: string;
  /** `exact`: the same text hash as the primary; `near`: a near-duplicate of it. */
  readonly reason: 'exact' | 'near';
  /** Estimated Jaccard similarity of the texts' 5-character shingles to the primary's (1 for exact). */
  readonly similarity: number;
  /** Where the text differs from the primary's, by paragraphs (near only). */
  readonly diff?: TextDiff;
  /** The copy's own title, when it differs from the primary's. */
  readonly title?: string;
}

export interface TextDiff {
  /** Paragraphs found in both. */
  readonly same: number;
  readonly onlyInPrimary: number;
  readonly onlyInCopy: number;
  /** Position (1-based) of the copy's first paragraph that the primary does not have. */
  readonly firstDifferentParagraph?: number;
}

export interface Category {
  readonly name: string;
  readonly slug: string;
  /** Article ids, newest first. */
  readonly articleIds: readonly string[];
}

export interface LearnedLine {
  readonly publisher: string;
  /** The paragraph's key (see sketch.ts) in hex. */
  readonly key: string;
  /** Distinct articles of the publisher that have it. */
  readonly articles: number;
  /** One of them, and the paragraph's position there (1-based), to look it up. */
  readonly example: { readonly source: string; readonly paragraph: number };
}

/**
 * Article bodies, by the source file they come from, kept apart from the metadata so that a catalog of 100,000
 * articles need not hold 100,000 bodies: after each scan only the bodies the feeds show stay in
 * memory ("hot"); any other is read and parsed again from its source file when a page needs it.
 */
export interface ContentSource {
  /** The sanitized HTML of a source file's body, if it is in memory. */
  get(source: string): string | undefined;
  /** An article's sanitized HTML, reading its body's source file again if needed. */
  require(
    article: Pick<Article, 'bodySource' | 'contentHash' | 'summary' | 'summaryAt'>,
  ): Promise<string>;
  /** Brings many articles' bodies into memory at once. */
  requireMany(
    articles: ReadonlyArray<Pick<Article, 'bodySource' | 'contentHash' | 'summary' | 'summaryAt'>>,
  ): Promise<void>;
}

export interface Notice {
  readonly file: string;
  readonly note: string;
}

/** The whole result of one scan: everything render needs and everything the report shows. */
export interface Catalog {
  /** Article bodies by source file; only some are kept in memory (see ingest/content.ts). */
  readonly content: ContentSource;
  /** Newest first; ties broken by guid so the order never depends on the file system. */
  readonly articles: readonly Article[];
  /** The articles' ids, in their order; absent: derived (catalog/groups.ts). */
  readonly articleIds?: readonly string[];
  readonly byId: ReadonlyMap<string, Article>;
  /** Sorted by name. */
  readonly categories: readonly Category[];
  /** Tags and authors like categories (by name, each newest first); absent: derived (catalog/groups.ts). */
  readonly tags?: readonly Category[];
  readonly authors?: readonly Category[];
  readonly rejected: readonly Rejection[];
  readonly notices: readonly Notice[];
  readonly files: number;
  readonly duplicates: number;
  /** Of `duplicates`, the sources merged as near-duplicates (not the same text hash as their primary). */
  readonly nearDuplicates?: number;
  /** Boilerplate lines learned from the corpus (see dedupe/learned-boilerplate.ts). */
  readonly boilerplate?: readonly LearnedLine[];
  /** How it differs from the catalog it was updated from; absent when it was built whole. */
  readonly change?: CatalogChange;
}

/**
 * The articles that left and came between two catalogs (an Article in neither is the same
 * object in both). Groups no article of the change is in are the same objects in both too.
 */
export interface CatalogChange {
  /** The catalog this one was updated from; weak, so that a chain of catalogs is not kept alive. */
  readonly base: WeakRef<Catalog>;
  readonly gone: readonly Article[];
  readonly came: readonly Article[];
}
