/** RFC 9110 §13 preconditions and §12.5.3 content negotiation, as small pure functions. */

/** Opaque tags of an If-None-Match list; `*` matches anything. Weak comparison (§8.8.3.2). */
export function etagMatches(header: string, etags: readonly string[]): boolean {
  if (etags.includes(header)) return true; // the common case: a reader echoing the tag it was given
  const trimmed = header.trim();
  if (trimmed === '*') return true;
  const wanted = new Set(etags.map((tag) => tag.replace(/^W\//, '')));
  for (const part of trimmed.split(',')) {
    if (wanted.has(part.trim().replace(/^W\//, ''))) return true;
  }
  return false;
}

/**
 * Whether a GET/HEAD may answer 304. If-None-Match, when present, decides alone: a server MUST
 * ignore If-Modified-Since then (§13.1.3). An unparseable date is ignored (§13.1.3).
 */
export function isNotModified(
  headers: { ifNoneMatch?: string; ifModifiedSince?: string },
  etags: readonly string[],
  lastModified: Date,
): boolean {
  if (headers.ifNoneMatch !== undefined) return etagMatches(headers.ifNoneMatch, etags);
  if (headers.ifModifiedSince !== undefined) {
    const since = Date.parse(headers.ifModifiedSince);
    return !Number.isNaN(since) && lastModified.getTime() <= since;
  }
  return false;
}

/** The best of br / gzip the client accepts (q > 0), or undefined for identity. */
export function chooseEncoding(acceptEncoding: string | undefined): 'br' | 'gzip' | undefined {
  if (!acceptEncoding) return undefined;
  const q = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = qParam ? Number(qParam.slice(2)) : 1;
    q.set(name, Number.isNaN(value) ? 0 : value);
  }
  const of = (name: string) => q.get(name) ?? (q.has('*') ? q.get('*')! : 0);
  const br = of('br');
  const gzip = Math.max(of('gzip'), of('x-gzip'));
  if (br > 0 && br >= gzip) return 'br';
  if (gzip > 0) return 'gzip';
  return undefined;
}
