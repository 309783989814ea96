/** What a DocumentBudget can hold: something whose bytes can be dropped and made again. */
export interface Evictable {
  /** The bytes it holds now (the document and its compressed variants). */
  readonly heldBytes: number;
  /** Drops them; the next use makes them again. */
  evict(): void;
}

/**
 * A least-recently-used bound on the bytes a Site's rendered feeds and list pages hold, their
 * compressed variants included. A document past the bound is dropped and made again when next
 * asked for (resource.ts); its ETag, length and Last-Modified stay, so a conditional GET of it
 * is answered without making it.
 */
export class DocumentBudget {
  /** Insertion order is recency: the first entry is the least recently used. */
  private readonly held = new Map<Evictable, number>();
  private total = 0;

  constructor(readonly maxBytes: number) {}

  /** `doc` was used, or what it holds changed: it becomes the most recent, and older ones may go. */
  use(doc: Evictable): void {
    this.remove(doc);
    const bytes = doc.heldBytes;
    this.held.set(doc, bytes);
    this.total += bytes;
    for (const [oldest, size] of this.held) {
      if (this.total <= this.maxBytes) break;
      if (oldest === doc) continue; // the one in use stays, however big
      this.held.delete(oldest);
      this.total -= size;
      oldest.evict();
    }
  }

  /** `doc` no longer counts here (it holds nothing, or another budget holds it now). */
  remove(doc: Evictable): void {
    const was = this.held.get(doc);
    if (was === undefined) return;
    this.held.delete(doc);
    this.total -= was;
  }

  /**
   * Takes over, least recently used first, what `from` (the last Site's budget) holds of `docs`
   * (this Site's resources: those it took over from the last).
   */
  takeOver(from: DocumentBudget, docs: ReadonlySet<Evictable>): void {
    for (const doc of [...from.held.keys()]) {
      if (!docs.has(doc)) continue;
      from.remove(doc);
      this.use(doc);
    }
  }

  /** Bytes held now. */
  get bytes(): number {
    return this.total;
  }

  /** Documents holding bytes, least recently used first. */
  documents(): IterableIterator<Evictable> {
    return this.held.keys();
  }
}
