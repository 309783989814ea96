import type { Draft, LearnedLine } from '../model.js';
import { MIN_ARTICLES, MIN_SHARE, publisherOf } from './learned-boilerplate.js';
import { paragraphKeys, shortParagraphKeys } from './sketch.js';
import { sketchOf } from './sketch-ref.js';
import { U32Counts } from './u32-counts.js';

/**
 * learnBoilerplate's result kept up to date one primary at a time: per publisher, how many
 * articles have each short paragraph, which of those are learned, and the report lines, so that a
 * change recounts only its own paragraphs. The same thresholds and the same example (the article
 * with the smallest content hash that has the line) as learnBoilerplate.
 */
interface Publisher {
  /** Primaries with a sketch, by content hash. */
  readonly members: Map<string, Draft>;
  /** Articles with each short paragraph key. */
  readonly counts: U32Counts;
  /** Keys in at least MIN_ARTICLES articles: the only ones that can be learned. */
  readonly frequent: Set<number>;
  learned: ReadonlySet<number>;
  /** The learned keys' example articles (content hash), found again when one leaves. */
  readonly examples: Map<number, string>;
  lines: readonly LearnedLine[];
}

const NONE: ReadonlySet<number> = new Set();
const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function distinctShortKeys(sketch: Uint32Array): number[] {
  return [...new Set(shortParagraphKeys(sketch))];
}

export class BoilerplateCounts {
  private readonly publishers = new Map<string, Publisher>();
  private readonly touched = new Set<string>();
  private readonly withLines = new Set<string>();
  private allLines: readonly LearnedLine[] = [];

  /** Counts a primary in (a draft without a sketch counts for nothing, as in learnBoilerplate). */
  add(hash: string, draft: Draft): void {
    const sketch = sketchOf(draft);
    if (!sketch) return;
    const name = publisherOf(draft);
    let p = this.publishers.get(name);
    if (!p) {
      p = {
        members: new Map(),
        counts: new U32Counts(),
        frequent: new Set(),
        learned: NONE,
        examples: new Map(),
        lines: [],
      };
      this.publishers.set(name, p);
    }
    p.members.set(hash, draft);
    for (const key of distinctShortKeys(sketch)) {
      const n = p.counts.add(key, 1);
      if (n >= MIN_ARTICLES) p.frequent.add(key);
      const example = p.examples.get(key);
      if (example !== undefined && hash < example) p.examples.set(key, hash);
    }
    this.touched.add(name);
  }

  remove(hash: string, draft: Draft): void {
    const sketch = sketchOf(draft);
    if (!sketch) return;
    const name = publisherOf(draft);
    const p = this.publishers.get(name)!;
    p.members.delete(hash);
    for (const key of distinctShortKeys(sketch)) {
      const n = p.counts.add(key, -1);
      if (n < MIN_ARTICLES) p.frequent.delete(key);
      if (p.examples.get(key) === hash) p.examples.delete(key);
    }
    this.touched.add(name);
  }

  learnedOf(publisher: string): ReadonlySet<number> | undefined {
    const learned = this.publishers.get(publisher)?.learned;
    return learned?.size ? learned : undefined;
  }

  /** Draft (primary) by content hash, of every article of the publisher that has a sketch. */
  membersOf(publisher: string): ReadonlyMap<string, Draft> {
    return this.publishers.get(publisher)?.members ?? new Map();
  }

  /**
   * After a batch of adds and removes: the learned sets and lines of the publishers it touched.
   * Returns the publishers whose learned set changed, each with the set it had.
   */
  settle(): Map<string, ReadonlySet<number>> {
    const changed = new Map<string, ReadonlySet<number>>();
    if (this.touched.size === 0) return changed;
    let linesChanged = false;
    for (const name of this.touched) {
      const p = this.publishers.get(name)!;
      const articles = p.members.size;
      const needed = Math.max(MIN_ARTICLES, Math.ceil(articles * MIN_SHARE));
      const learned = new Set<number>();
      if (articles >= needed)
        for (const key of p.frequent) if (p.counts.get(key) >= needed) learned.add(key);
      const before = p.learned;
      if (learned.size !== before.size || [...learned].some((key) => !before.has(key))) {
        changed.set(name, before);
        p.learned = learned.size ? learned : NONE;
      }
      const hadLines = p.lines.length > 0;
      p.lines = this.linesOf(name, p);
      if (p.lines.length) this.withLines.add(name);
      else this.withLines.delete(name);
      if (articles === 0) this.publishers.delete(name);
      if (hadLines || p.lines.length) linesChanged = true;
    }
    this.touched.clear();
    if (linesChanged)
      this.allLines = [...this.withLines]
        .sort(byName)
        .flatMap((name) => this.publishers.get(name)!.lines);
    return changed;
  }

  /** learnBoilerplate(...).lines of the primaries counted so far. */
  get lines(): readonly LearnedLine[] {
    return this.allLines;
  }

  private linesOf(publisher: string, p: Publisher): LearnedLine[] {
    if (p.learned.size === 0) return [];
    const missing = [...p.learned].filter((key) => !p.examples.has(key));
    if (missing.length) {
      for (const [hash, draft] of p.members) {
        const keys = new Set(shortParagraphKeys(sketchOf(draft)!));
        for (const key of missing) {
          const known = p.examples.get(key);
          if (keys.has(key) && (known === undefined || hash < known)) p.examples.set(key, hash);
        }
      }
    }
    // learnBoilerplate meets the keys article by article in hash order, each in paragraph order.
    const placed = [...p.learned].map((key) => {
      const hash = p.examples.get(key)!;
      const draft = p.members.get(hash)!;
      return { key, hash, draft, at: shortParagraphKeys(sketchOf(draft)!).indexOf(key) };
    });
    placed.sort((a, b) => byName(a.hash, b.hash) || a.at - b.at);
    return placed.map(({ key, draft }) => ({
      publisher,
      key: key.toString(16).padStart(8, '0'),
      articles: p.counts.get(key),
      example: {
        source: draft.source,
        paragraph: paragraphKeys(sketchOf(draft)!).indexOf(key) + 1,
      },
    }));
  }
}
