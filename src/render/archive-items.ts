import { atomEntry, rssItem } from './archive-xml.js';
import type { FeedItem, FeedSpec } from './feed-model.js';
import { renderFeed } from './feed-specs.js';
import { jsonItem } from './json-feed.js';
import type { FeedFormat } from './urls.js';

/**
 * Bytes of archived items one export keeps for its later archive pages: ~10,000 articles' three
 * items at ~0.8 KB each, eight months of the 100,000-file bench corpus.
 */
export const ARCHIVE_ITEM_BYTES = 24 << 20;

/**
 * The ring for an export of `documents` documents: what a cold build needs, but no 24 MB for the
 * few archive pages a change re-renders (32 KB a document: a page's hundred items fit in it).
 */
export function archiveRingBytes(documents: number): number {
  return Math.min(ARCHIVE_ITEM_BYTES, Math.max(256 << 10, documents * (32 << 10)));
}

/** An archived item as it appears in a page of `format`: the same on every page it is on. */
export function archiveItemText(format: FeedFormat, item: FeedItem): string {
  if (format === 'rss') return rssItem(item);
  if (format === 'atom') return atomEntry(item);
  // JSON.stringify indents an item of `items` by two levels: four spaces on each of its lines.
  return `    ${JSON.stringify(jsonItem(item), null, 2).replaceAll('\n', '\n    ')}`;
}

const SENTINEL: FeedItem = {
  guid: 'urn:seedfeed:archive-frame',
  title: 'archive-frame',
  url: 'https://archive-frame.invalid/',
  published: 0,
  updated: 0,
  categories: [],
  summary: 'archive-frame',
  contentHtml: '',
};

/**
 * What comes before and after the items of an archive page of `spec` (whose own items are
 * ignored). It is cut from the page as renderFeed writes it with one item like them, so a page
 * made of frame and items is byte for byte what renderFeed makes of the whole spec.
 */
export function archiveFrame(
  format: FeedFormat,
  spec: FeedSpec,
  /** Every item names an author: an Atom feed then names none itself (atomFeedAuthor). */
  authored: boolean,
): readonly [string, string] {
  const sentinel = authored ? { ...SENTINEL, author: 'archive-frame' } : SENTINEL;
  const whole = renderFeed(format, { ...spec, items: [sentinel] }, true);
  const item = archiveItemText(format, sentinel);
  const at = whole.indexOf(item);
  if (at === -1 || whole.indexOf(item, at + 1) !== -1)
    throw new Error(`no single place for the items of a ${format} archive page`);
  return [whole.slice(0, at), whole.slice(at + item.length)];
}

const JSON_SEPARATOR = Buffer.from(',\n');
const FORMAT_INDEX = { rss: 0, atom: 1, json: 2 } as const;

interface Held {
  /** Made once for the three formats, dropped once they are. */
  item?: FeedItem;
  /** Per format (FORMAT_INDEX), where its bytes begin in the ring's running count; -1 for none. */
  readonly at: [number, number, number];
  readonly length: [number, number, number];
}

/**
 * Each archived article's item, rendered once per format for every archive page it is on: its
 * period's page in "all", and in each of its categories, tags and author (2.8 pages an article
 * in the 100,000-file bench corpus). One export's, dropped with it.
 *
 * The items' bytes are written one after the other into a ring of `ringBytes`, where the oldest
 * are overwritten: a fixed block, allocated once, instead of a Buffer and its garbage per item.
 * An export that renders archive pages in time order (Site.inRenderingOrder) asks again for the
 * items written last.
 */
export class ArchiveItems {
  /** Allocated with the first item: an export may render no archive page at all. */
  private ringBuffer: Buffer | undefined;
  /** Bytes written so far: the ring holds the last `ring.length` of them. */
  private written = 0;
  private readonly held = new Map<string, Held>();
  /** The id and start of every item written, in order, to forget what is overwritten. */
  private order: string[] = [];
  private starts: number[] = [];
  private head = 0;
  /** The oldest item in the ring the page being made uses. */
  private oldest = 0;

  constructor(private readonly ringBytes = ARCHIVE_ITEM_BYTES) {}

  private get ring(): Buffer {
    return (this.ringBuffer ??= Buffer.allocUnsafeSlow(this.ringBytes));
  }

  /** Bytes of the ring allocated so far (0 until an item is written). */
  get reserved(): number {
    return this.ringBuffer?.length ?? 0;
  }

  /**
   * The page: its frame around the items of `ids`; `itemOf` makes an item not held. Undefined
   * if the page's items do not fit in the ring together (render it whole instead).
   */
  page(
    format: FeedFormat,
    frame: readonly [string, string],
    ids: readonly string[],
    itemOf: (id: string) => FeedItem,
  ): Buffer | undefined {
    const parts: Buffer[] = [Buffer.from(frame[0])];
    this.oldest = this.written;
    for (let i = 0; i < ids.length; i++) {
      if (i > 0 && format === 'json') parts.push(JSON_SEPARATOR);
      parts.push(this.item(format, ids[i]!, itemOf));
    }
    // An item written while this page was made may have overwritten one it holds already.
    if (this.oldest < this.written - this.ring.length) return undefined;
    parts.push(Buffer.from(frame[1]));
    return Buffer.concat(parts);
  }

  /** Distinct articles held. */
  get size(): number {
    return this.held.size;
  }

  /** The item's bytes: in the ring (see `oldest`), or its own if too big for the ring. */
  private item(format: FeedFormat, id: string, itemOf: (id: string) => FeedItem): Buffer {
    const f = FORMAT_INDEX[format];
    let held = this.held.get(id);
    if (held && held.at[f] >= 0 && held.at[f] >= this.written - this.ring.length)
      return this.bytesAt(held.at[f], held.length[f]);
    held ??= { at: [-1, -1, -1], length: [0, 0, 0] };
    this.held.set(id, held);
    const item = (held.item ??= itemOf(id));
    const text = archiveItemText(format, item);
    const length = Buffer.byteLength(text);
    if (length > this.ring.length / 8) return Buffer.from(text);
    // An item is never split across the ring's end: the rest of the lap is skipped.
    let start = this.written;
    if ((start % this.ring.length) + length > this.ring.length)
      start += this.ring.length - (start % this.ring.length);
    this.ring.write(text, start % this.ring.length, length);
    this.written = start + length;
    held.at[f] = start;
    held.length[f] = length;
    if (held.at.every((a) => a >= 0)) held.item = undefined;
    this.order.push(id);
    this.starts.push(start);
    this.forgetOverwritten();
    return this.bytesAt(start, length);
  }

  private bytesAt(at: number, length: number): Buffer {
    this.oldest = Math.min(this.oldest, at);
    const offset = at % this.ring.length;
    return this.ring.subarray(offset, offset + length);
  }

  /** Forgets the articles none of whose items the ring still holds. */
  private forgetOverwritten(): void {
    const floor = this.written - this.ring.length;
    while (this.head < this.order.length && this.starts[this.head]! < floor) {
      const id = this.order[this.head++]!;
      const held = this.held.get(id);
      // Written again since, it is met again further on.
      if (held && Math.max(...held.at) < floor) this.held.delete(id);
    }
    if (this.head > 4096 && this.head * 2 > this.order.length) {
      this.order = this.order.slice(this.head);
      this.starts = this.starts.slice(this.head);
      this.head = 0;
    }
  }
}
