import { parseFeedQuery } from '../render/filters.js';
import { isOpenccVariant } from '../render/opencc.js';
import type { Resource } from '../render/resource.js';
import { MAX_QUERY_LENGTH } from '../render/search.js';
import type { Site } from '../render/site.js';
import type { FilterGate } from './filter-gate.js';

/** The answer when too many filter scans wait already: a 503 with Retry-After. */
export const BUSY = Symbol('busy');

/**
 * What a query string asks of a found resource: on a feed, filters, `limit` and `opencc`
 * (render/filters.ts), its filter scan and the render of its result run through `gate`; on a
 * page, `opencc`, and on the index `q` (search). Returns the resource to send, an error message
 * for a 400, or BUSY. Parameters that mean nothing here are ignored.
 */
export async function answerQuery(
  site: Site,
  path: string,
  resource: Resource,
  search: string,
  maxLimit: number,
  gate: FilterGate,
): Promise<Resource | string | typeof BUSY> {
  if (resource.isFeed) {
    const parsed = parseFeedQuery(search, maxLimit);
    if ('error' in parsed) return parsed.error;
    if (parsed.query.key === '') return resource;
    const now = Date.now();
    const variant = () => site.feedVariant(resource.path, parsed.query, now, search) ?? resource;
    const scan = site.filterScan(resource.path, parsed.query, now);
    if (!scan) return variant();
    // The render of a new selection is the scan's last step: it counts in the gate's budget.
    let answer = resource;
    const work = (function* () {
      yield* scan;
      yield;
      answer = variant();
    })();
    return (await gate.run(work)) ? answer : BUSY;
  }
  const params = new URLSearchParams(search);
  const opencc = params.get('opencc') ?? undefined;
  if (opencc !== undefined && !isOpenccVariant(opencc))
    return 'opencc must be one of s2t, t2s, s2tw, s2hk, tw2s, hk2s.';
  const q = path === '/' ? params.get('q') : null;
  if (q !== null && q.trim() !== '') {
    if (q.length > MAX_QUERY_LENGTH) return `q is longer than ${MAX_QUERY_LENGTH} characters.`;
    return site.search(q, opencc);
  }
  return opencc ? ((await site.pageVariant(path, opencc)) ?? resource) : resource;
}
