import { hash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { DocumentBudget, Evictable } from './document-budget.js';

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

export type Encoding = 'gzip' | 'br';
export type Compression = 'full' | 'bounded';

export interface Encoded {
  readonly body: Uint8Array;
  readonly etag: string;
}

const encoder = new TextEncoder();

/** Entity tags name the bytes: a strong tag from sha256, one per encoding (RFC 9110 §8.8.3). */
export function strongEtag(body: Uint8Array, suffix = ''): string {
  return `"${hash('sha256', body, 'base64url').slice(0, 27)}${suffix}"`;
}

/**
 * One response of the site, ready to send: bytes, type, validators. Compressed variants are made
 * once, on first demand (off the event loop, in zlib's thread pool), and kept with the resource —
 * never per request. A resource kept within a DocumentBudget (the Site's feeds and list pages)
 * may have its bytes and variants dropped and made again from its renderer; its ETag, length and
 * Last-Modified stay, so conditional requests never make it again.
 */
export class Resource implements Evictable {
  private bytes: Uint8Array | undefined;
  private tag: string | undefined;
  private length: number | undefined;
  /**
   * What renders the body. Without a budget it is dropped once used (with what it holds on to);
   * within one it stays, to make the bytes again after an eviction.
   */
  private render: (() => string | Uint8Array) | undefined;
  private budget: DocumentBudget | undefined;
  /** Made from the bytes held now: an eviction drops both (made again, the body may differ). */
  private readonly encoded = new Map<Encoding, Promise<Encoded>>();
  private readonly done = new Map<Encoding, Encoded>();

  constructor(
    readonly path: string,
    readonly contentType: string,
    /** The bytes, or what renders them on first use (a feed a change touched: see site-resources.ts). */
    body: string | Uint8Array | (() => string | Uint8Array),
    /** Whole seconds: HTTP dates carry no more. */
    readonly lastModified: Date,
    /** Identifies the inputs this was rendered from; equal keys mean equal bytes. */
    readonly key: string,
    /** Cache-Control max-age for this resource when it differs from the site's (full archive pages). */
    readonly maxAge?: number,
    /** 'bounded' for documents made per request (query variants): compressed at a cost-bounded level. */
    readonly compression: Compression = 'full',
  ) {
    if (typeof body === 'function') this.render = body;
    else this.hold(typeof body === 'string' ? encoder.encode(body) : body);
  }

  get body(): Uint8Array {
    let bytes = this.bytes;
    if (bytes === undefined) {
      const rendered = this.render!();
      bytes = typeof rendered === 'string' ? encoder.encode(rendered) : rendered;
      // Made again after an eviction with other bytes than its ETag names (a body read again
      // from a file that changed before the rescan): these are sent, under their own ETag, not
      // an error: a reader holding the old one gets a 200, as for any change.
      if (this.tag !== undefined && strongEtag(bytes) !== this.tag) this.tag = undefined;
      this.hold(bytes);
      if (!this.budget) this.render = undefined;
    }
    this.budget?.use(this);
    return bytes;
  }

  /** The body's length, known without the body once it has been made. */
  get size(): number {
    return this.length ?? this.body.length;
  }

  get etag(): string {
    return (this.tag ??= strongEtag(this.body));
  }

  /** The ETag of the variant in `encoding` (or of the body itself), without making it. */
  etagOf(encoding: Encoding | undefined): string {
    return encoding ? this.etag.replace(/"$/, `-${encoding}"`) : this.etag;
  }

  /** Feeds and the OPML list, not pages, the stylesheet or the icon. */
  get isFeed(): boolean {
    return !/^(text\/html|text\/css|image\/)/.test(this.contentType);
  }

  /**
   * Puts this resource's bytes under `budget`, `render` making them again after an eviction. A
   * resource the next Site takes over is given that Site's budget and renderer, which render
   * the same bytes (equal keys), so that nothing of the last Site is kept alive through it.
   */
  keepWithin(budget: DocumentBudget, render: () => string | Uint8Array): this {
    this.budget = budget; // the last Site's hands it over (DocumentBudget.takeOver)
    this.render = render;
    return this;
  }

  /** What the bytes and variants it holds now weigh (DocumentBudget). */
  get heldBytes(): number {
    let bytes = this.bytes?.length ?? 0;
    for (const variant of this.done.values()) bytes += variant.body.length;
    return bytes;
  }

  /** Drops the bytes and variants, if they can be made again (DocumentBudget). */
  evict(): void {
    if (!this.render || this.bytes === undefined) return;
    this.tag ??= strongEtag(this.bytes); // kept: a conditional request needs no bytes
    this.bytes = undefined;
    this.encoded.clear();
    this.done.clear();
  }

  variant(encoding: Encoding): Promise<Encoded> {
    let pending = this.encoded.get(encoding);
    if (!pending) {
      const source = this.body; // first: made again, its ETag may be a new one
      const etag = this.etagOf(encoding);
      pending = compress(source, encoding, this.compression).then((body) => {
        const encoded = { body, etag };
        if (this.encoded.get(encoding) === pending) {
          this.done.set(encoding, encoded);
          this.budget?.use(this);
        }
        return encoded;
      });
      this.encoded.set(encoding, pending);
    }
    return pending;
  }

  /**
   * The variant of exactly `body` if a reader's request (or warmLike) has started it: the export
   * then writes that as its sibling instead of compressing the same bytes again (precompressed.ts).
   */
  startedVariant(encoding: Encoding, body: Uint8Array): Promise<Encoded> | undefined {
    return body === this.bytes ? this.encoded.get(encoding) : undefined;
  }

  /**
   * Starts making the variants `was` (this path's resource in the last Site) had been asked
   * for: the readers that asked before will ask again as soon as the change is served, and
   * their compression is then started ahead of the export's.
   */
  warmLike(was: Resource): Promise<Encoded>[] {
    return [...was.done.keys()].map((encoding) => this.variant(encoding));
  }

  /** The compressed variant if it is made already (no await on the hot path). */
  ready(encoding: Encoding): Encoded | undefined {
    const made = this.done.get(encoding);
    if (made) this.budget?.use(this);
    return made;
  }

  private hold(bytes: Uint8Array): void {
    this.bytes = bytes;
    this.length = bytes.length;
  }
}

/**
 * gzip's level for prebuilt documents, here and in the export's `.gz` siblings, which are then
 * the same bytes (and one compression serves both: Resource.startedVariant). Level 9 gave a
 * 426 KB feed 34 bytes less than level 6 in 2.5× the time (36 against 14 ms), all of it on the
 * first reader's write → served.
 */
export const GZIP_LEVEL = 6;

/**
 * Prebuilt documents are compressed once per change; the first reader of a changed feed waits
 * for it, so its cost is a part of write → served. Brotli 11 took ~630 ms for a 420 KB feed
 * (docs/deployment.md) for 5.4% of its bytes; quality 6 takes a twelfth of that for ~5.7%.
 * A document made per request (a filter's result, each distinct query paying it) is compressed
 * at lower levels still.
 */
const COMPRESSION_LEVELS = {
  full: { gzip: GZIP_LEVEL, br: 6 },
  bounded: { gzip: 6, br: 5 },
} as const;

async function compress(
  body: Uint8Array,
  encoding: Encoding,
  compression: Compression,
): Promise<Uint8Array> {
  const levels = COMPRESSION_LEVELS[compression];
  if (encoding === 'gzip') return gzipAsync(body, { level: levels.gzip });
  return brotliAsync(body, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: levels.br,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
    },
  });
}
