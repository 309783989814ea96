import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

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
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}${suffix}"`;
}

/**
 * One response of the site, ready to send: bytes, type, validators. Compressed variants are made
 * once, on first demand (off the event loop, in zlib's thread pool), and kept with the resource —
 * never per request.
 */
export class Resource {
  private bytes: Uint8Array | undefined;
  private tag: string | undefined;
  /** What renders the body, until it is asked for (then dropped, with what it holds on to). */
  private render: (() => string | Uint8Array) | undefined;
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
    else this.bytes = typeof body === 'string' ? encoder.encode(body) : body;
  }

  get body(): Uint8Array {
    if (this.bytes === undefined) {
      const rendered = this.render!();
      this.bytes = typeof rendered === 'string' ? encoder.encode(rendered) : rendered;
      this.render = undefined;
    }
    return this.bytes;
  }

  get etag(): string {
    return (this.tag ??= strongEtag(this.body));
  }

  /** Feeds and the OPML list, not pages, the stylesheet or the icon. */
  get isFeed(): boolean {
    return !/^(text\/html|text\/css|image\/)/.test(this.contentType);
  }

  /** The same resource with another Last-Modified (used when the bytes did not change). */
  withLastModified(lastModified: Date): Resource {
    void this.etag; // rendered once, for both
    const copy = Object.create(Resource.prototype) as Resource;
    Object.assign(copy, this, {
      lastModified,
      encoded: new Map(this.encoded),
      done: new Map(this.done),
    });
    return copy;
  }

  variant(encoding: Encoding): Promise<Encoded> {
    let pending = this.encoded.get(encoding);
    if (!pending) {
      pending = compress(this.body, encoding, this.compression).then((body) => {
        const encoded = { body, etag: this.etag.replace(/"$/, `-${encoding}"`) };
        this.done.set(encoding, encoded);
        return encoded;
      });
      this.encoded.set(encoding, pending);
    }
    return pending;
  }

  /**
   * Starts making the variants `was` (this path's resource in the last Site) had been asked
   * for: the readers that asked before will ask again as soon as the change is served, and
   * their compression is then started ahead of the export's.
   */
  warmLike(was: Resource): void {
    for (const encoding of was.done.keys()) void this.variant(encoding);
  }

  /** The compressed variant if it is made already (no await on the hot path). */
  ready(encoding: Encoding): Encoded | undefined {
    return this.done.get(encoding);
  }
}

/**
 * Prebuilt documents are compressed once per change; the first reader of a changed feed waits
 * for it, so its cost is a part of write → served. Brotli 11 took ~630 ms for a 420 KB feed
 * (docs/deployment.md) for 5.4% of its bytes; quality 6 takes a twelfth of that for ~5.7%.
 * A document made per request (a filter's result, each distinct query paying it) is compressed
 * at lower levels still.
 */
const COMPRESSION_LEVELS = {
  full: { gzip: 9, br: 6 },
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
