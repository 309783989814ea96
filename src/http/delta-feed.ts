import type { Context } from 'hono';
import type { Encoded, Resource } from '../render/resource.js';
import type { Site } from '../render/site.js';
import { chooseEncoding } from './conditional.js';
import { acceptsFeedDelta, baseVersion, newerItems } from './delta-items.js';
import { requestHeader } from './representation.js';
import { routeOfResource, type RequestCounter } from './request-counters.js';

/** Versions kept per feed, and item entries kept in all (an entry is a pointer to a shared string). */
const VERSIONS_PER_FEED = 8;
const ITEM_ENTRIES = 250_000;
/** Deltas rendered recently, by (current version, base version): many readers poll alike. */
const DELTAS_KEPT = 64;
const MIN_COMPRESS_BYTES = 512;

interface Version {
  readonly path: string;
  readonly prints: ReadonlySet<string>;
}

/**
 * The item lists of the last few versions of each feed, by ETag: what a delta is computed from.
 * Only versions this process served are kept (a client holds no other), bounded per feed and
 * in all, least recently used dropped first.
 */
export class FeedVersions {
  private readonly byEtag = new Map<string, Version>();
  private readonly byPath = new Map<string, string[]>();
  private entries = 0;

  remember(path: string, etag: string, prints: readonly string[]): void {
    const known = this.byEtag.get(etag);
    if (known) {
      this.byEtag.delete(etag); // most recently used last
      this.byEtag.set(etag, known);
      return;
    }
    this.byEtag.set(etag, { path, prints: new Set(prints) });
    this.entries += prints.length;
    const ofPath = this.byPath.get(path) ?? [];
    ofPath.push(etag);
    this.byPath.set(path, ofPath);
    if (ofPath.length > VERSIONS_PER_FEED) this.forget(ofPath[0]!);
    while (this.entries > ITEM_ENTRIES && this.byEtag.size > 1)
      this.forget(this.byEtag.keys().next().value!);
  }

  /** The items of a version of the feed at `path`, if it is still kept. */
  prints(path: string, etag: string): ReadonlySet<string> | undefined {
    const version = this.byEtag.get(etag);
    return version?.path === path ? version.prints : undefined;
  }

  get size(): number {
    return this.byEtag.size;
  }

  private forget(etag: string): void {
    const version = this.byEtag.get(etag)!;
    this.byEtag.delete(etag);
    this.entries -= version.prints.size;
    const ofPath = this.byPath.get(version.path)!.filter((e) => e !== etag);
    if (ofPath.length) this.byPath.set(version.path, ofPath);
    else this.byPath.delete(version.path);
  }
}

/**
 * RFC 3229 delta feeds (the "feed" instance-manipulation): a GET of a current feed with
 * `A-IM: feed` and an `If-None-Match` naming a version still kept is answered `226 IM Used` with
 * only the items that version lacks. Anything else is left to the usual 200/304.
 */
export class DeltaFeeds {
  private readonly versions = new FeedVersions();
  private readonly rendered = new Map<string, Resource>();
  private readonly noted = new WeakSet<Resource>();

  constructor(private readonly requests: RequestCounter) {}

  async answer(
    c: Context,
    site: Site,
    path: string,
    current: Resource,
  ): Promise<Response | undefined> {
    if (!current.isFeed) return undefined;
    this.note(site, path, current);
    if (!acceptsFeedDelta(requestHeader(c, 'a-im'))) return undefined;
    const base = baseVersion(requestHeader(c, 'if-none-match'));
    if (base === undefined || base === current.etag) return undefined;
    const known = this.versions.prints(path, base);
    const items = known && site.feedItems(path);
    if (!items) return undefined;
    const delta = this.delta(site, path, current, base, () => newerItems(items, known));
    return delta && this.respond(c, current, delta);
  }

  /**
   * Keeps the item list of a feed version when it is first served, to any client: a reader's
   * first fetch carries no A-IM (it has no version yet), its later polls do. A WeakSet look-up
   * per request after that.
   */
  private note(site: Site, path: string, current: Resource): void {
    if (this.noted.has(current)) return;
    this.noted.add(current);
    const items = site.feedItems(path);
    if (items)
      this.versions.remember(
        path,
        current.etag,
        items.map((item) => item.print),
      );
  }

  private delta(
    site: Site,
    path: string,
    current: Resource,
    base: string,
    ids: () => string[],
  ): Resource | undefined {
    const key = `${path} ${current.etag} ${base}`;
    let delta = this.rendered.get(key);
    if (!delta) {
      delta = site.feedWithOnly(path, ids());
      if (!delta) return undefined;
      this.rendered.set(key, delta);
      if (this.rendered.size > DELTAS_KEPT)
        this.rendered.delete(this.rendered.keys().next().value!);
    }
    return delta;
  }

  private async respond(c: Context, current: Resource, delta: Resource): Promise<Response> {
    const accepted = chooseEncoding(requestHeader(c, 'accept-encoding'));
    // The ETag names the current instance (RFC 3229 §10.5.3): the one a full 200 would carry.
    const fullEncoding = current.size >= MIN_COMPRESS_BYTES ? accepted : undefined;
    const etag = current.etagOf(fullEncoding);
    const encoding = delta.body.length >= MIN_COMPRESS_BYTES ? accepted : undefined;
    const body = encoding ? (await variantOf(delta, encoding)).body : delta.body;
    const head = c.req.method === 'HEAD';
    this.requests.count(routeOfResource(current), 226, head ? 0 : body.length);
    return new Response(head ? null : (body as Uint8Array<ArrayBuffer>), {
      status: 226,
      headers: {
        IM: 'feed',
        ETag: etag,
        'Last-Modified': current.lastModified.toUTCString(),
        // No cache may answer a later request with this part of a feed (docs/http.md, RFC 3229).
        'Cache-Control': 'no-store, im',
        Vary: 'Accept-Encoding, A-IM, If-None-Match',
        'Content-Type': current.contentType,
        'Content-Length': String(body.length),
        ...(encoding ? { 'Content-Encoding': encoding } : {}),
        'Access-Control-Allow-Origin': '*',
        'X-Content-Type-Options': 'nosniff',
      },
    });
  }
}

function variantOf(resource: Resource, encoding: 'gzip' | 'br'): Promise<Encoded> | Encoded {
  return resource.ready(encoding) ?? resource.variant(encoding);
}
