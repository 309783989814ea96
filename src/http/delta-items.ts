/**
 * RFC 3229 with the "feed" instance-manipulation, the pure part: whether a request asks for a
 * delta, which version it holds, and which items are newer than that version.
 */

/** Whether an `A-IM` header accepts the `feed` instance-manipulation (q > 0), RFC 3229 §10.5.3. */
export function acceptsFeedDelta(aIm: string | undefined): boolean {
  if (!aIm) return false;
  for (const part of aIm.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (name?.trim() !== 'feed') continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  }
  return false;
}

/**
 * The one version an `If-None-Match` names, as the identity ETag (a `-gzip`/`-br` variant names
 * the same instance). Several tags or `*` name none: a cache may send the union of its own tags
 * and its client's (RFC 9111 §4.3.2), and a delta from the wrong base would lose items.
 */
export function baseVersion(ifNoneMatch: string | undefined): string | undefined {
  if (!ifNoneMatch) return undefined;
  const tag = ifNoneMatch.trim().replace(/^W\//, '');
  if (!/^"[^",]*"$/.test(tag)) return undefined;
  return tag.replace(/-(?:gzip|br)"$/, '"');
}

/**
 * The items of the current version that the base version did not have as they are now: new
 * articles and changed ones (an item is known by its fingerprint), in the feed's order.
 */
export function newerItems(
  current: readonly { readonly id: string; readonly print: string }[],
  base: ReadonlySet<string>,
): string[] {
  return current.filter((item) => !base.has(item.print)).map((item) => item.id);
}
