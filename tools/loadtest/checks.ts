import { SaxesParser } from 'saxes';
import { strongEtag } from '../../src/render/resource.js';

/**
 * What the load test verifies of every response, kept apart from the sockets: pure bookkeeping
 * over (path, time sent, time received, status, validators, body).
 */
export interface Observation {
  readonly path: string;
  readonly encoding: 'identity' | 'gzip';
  readonly sentAt: number;
  readonly receivedAt: number;
  readonly status: number;
  /** The If-None-Match sent (the client's copy), as the identity tag. */
  readonly sentEtag: string | undefined;
  readonly etag: string | undefined;
  /** The decoded body of a 200. */
  readonly body?: Buffer;
}

export interface Violation {
  readonly kind: 'status' | 'malformed' | 'etag' | 'stale-304' | 'stale-200' | 'lost-article';
  readonly path: string;
  readonly detail: string;
}

/** The identity form of one of our tags: `"abc-gzip"` → `"abc"`. */
export const identityTag = (etag: string) => etag.replace(/-(gzip|br)"$/, '"');

export function isWellFormedXml(text: string): string | undefined {
  const parser = new SaxesParser({ xmlns: false });
  let problem: string | undefined;
  parser.on('error', (error) => {
    problem ??= error.message;
  });
  parser.write(text).close();
  return problem;
}

const WRITER_TITLE = /Loadtest writer article #(\d+)/g;

/** Numbers of the writer's articles a JSON Feed lists. */
export function writerArticlesIn(feed: { items?: Array<{ title?: string }> }): Set<number> {
  const found = new Set<number>();
  for (const item of feed.items ?? [])
    for (const m of (item.title ?? '').matchAll(WRITER_TITLE)) found.add(Number(m[1]));
  return found;
}

export class Checker {
  readonly violations: Violation[] = [];
  readonly counts = { ok200: 0, notModified: 0, bytes: 0 };
  /** Per path: every identity tag seen, with when it was first received. */
  private readonly versions = new Map<string, Map<string, number>>();
  /** Per path: the newest version (latest first-seen time). */
  private readonly latest = new Map<string, { etag: string; since: number }>();
  /** Writer articles: when each was first seen in /feed.json. */
  readonly writerSeen = new Map<number, number>();
  /** Writer articles in the order they were created (newest last), to know which must be within the limit. */
  private readonly created: number[] = [];

  constructor(private readonly feedLimit: number) {}

  articleCreated(n: number): void {
    this.created.push(n);
  }

  check(o: Observation): void {
    if (o.status !== 200 && o.status !== 304)
      return this.fail('status', o.path, `HTTP ${o.status}`);
    if (!o.etag) return this.fail('etag', o.path, `HTTP ${o.status} without an ETag`);
    const tag = identityTag(o.etag);
    if (o.status === 304) {
      this.counts.notModified++;
      if (o.sentEtag === undefined || tag !== o.sentEtag)
        return this.fail('etag', o.path, `304 with ETag ${o.etag} for If-None-Match ${o.sentEtag}`);
      const latest = this.latest.get(o.path);
      if (latest && latest.etag !== o.sentEtag && latest.since < o.sentAt) {
        this.fail(
          'stale-304',
          o.path,
          `304 for ${o.sentEtag}, but ${latest.etag} was served ${(o.sentAt - latest.since).toFixed(0)} ms before this request`,
        );
      }
      return;
    }
    this.counts.ok200++;
    const body = o.body ?? Buffer.alloc(0);
    this.counts.bytes += body.length;
    const expected = strongEtag(body, o.encoding === 'gzip' ? '-gzip' : '');
    if (o.etag !== expected)
      this.fail('etag', o.path, `ETag ${o.etag} but the body hashes to ${expected}`);
    this.noteVersion(o, tag);

    const text = body.toString('utf8');
    if (o.path.endsWith('.json')) {
      let feed: { items?: Array<{ title?: string }> };
      try {
        feed = JSON.parse(text) as typeof feed;
      } catch (error) {
        return this.fail('malformed', o.path, `JSON: ${(error as Error).message}`);
      }
      if (o.path === '/feed.json') this.checkWriterArticles(o, writerArticlesIn(feed));
    } else {
      const problem = isWellFormedXml(text);
      if (problem) this.fail('malformed', o.path, `XML: ${problem}`);
    }
  }

  private noteVersion(o: Observation, tag: string): void {
    let seen = this.versions.get(o.path);
    if (!seen) this.versions.set(o.path, (seen = new Map()));
    const first = seen.get(tag);
    if (first === undefined) {
      seen.set(tag, o.receivedAt);
      const latest = this.latest.get(o.path);
      if (!latest || latest.since <= o.receivedAt)
        this.latest.set(o.path, { etag: tag, since: o.receivedAt });
      return;
    }
    // An older version, asked for after a newer one had already been served: the server went back.
    const latest = this.latest.get(o.path)!;
    if (latest.etag !== tag && first < latest.since && latest.since < o.sentAt) {
      this.fail(
        'stale-200',
        o.path,
        `served ${tag} again ${(o.sentAt - latest.since).toFixed(0)} ms after ${latest.etag} replaced it`,
      );
    }
  }

  private checkWriterArticles(o: Observation, present: Set<number>): void {
    for (const n of present) if (!this.writerSeen.has(n)) this.writerSeen.set(n, o.receivedAt);
    // Writer articles are the newest: the last `feedLimit` of them must all be there.
    const mustStay = new Set(this.created.slice(-this.feedLimit));
    for (const [n, since] of this.writerSeen) {
      if (since < o.sentAt && mustStay.has(n) && !present.has(n)) {
        this.fail(
          'lost-article',
          o.path,
          `writer article #${n}, listed since ${(o.sentAt - since).toFixed(0)} ms, is missing`,
        );
      }
    }
  }

  private fail(kind: Violation['kind'], path: string, detail: string): void {
    this.violations.push({ kind, path, detail });
  }

  /** How many distinct versions each path went through. */
  versionCount(): number {
    let n = 0;
    for (const seen of this.versions.values()) n += seen.size;
    return n;
  }
}
