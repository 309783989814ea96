/**
 * Requests by route and status, and response bytes by route: counted on the hot path, so the
 * labels are a fixed, bounded set (never the raw path) and counting is two array increments.
 */

export const ROUTES = [
  'feed',
  'page',
  'article',
  'opml',
  'healthz',
  'websub',
  'metrics',
  'other',
] as const;
export type Route = (typeof ROUTES)[number];

/** Route → index, for callers that count often. */
export const ROUTE = Object.fromEntries(ROUTES.map((r, i) => [r, i])) as Record<Route, number>;

/** Statuses seedfeed answers; anything else is counted as `other`. */
const STATUSES = [
  200, 202, 204, 226, 301, 304, 400, 403, 404, 405, 413, 415, 429, 500, 503,
] as const;
const SLOTS = STATUSES.length + 1;
const OTHER_STATUS = STATUSES.length;

function statusSlot(status: number): number {
  // A linear scan over 13 small integers beats building a key string or a Map lookup.
  for (let i = 0; i < STATUSES.length; i++) if (STATUSES[i] === status) return i;
  return OTHER_STATUS;
}

export interface RequestCounter {
  /** `route` is an index from ROUTE; `bytes` the body bytes sent (0 for HEAD and 304). */
  count(route: number, status: number, bytes: number): void;
}

export class RequestCounters implements RequestCounter {
  private readonly requests = new Float64Array(ROUTES.length * SLOTS);
  private readonly bytes = new Float64Array(ROUTES.length);

  count(route: number, status: number, bytes: number): void {
    this.requests[route * SLOTS + statusSlot(status)]!++;
    this.bytes[route]! += bytes;
  }

  /** Non-zero request counts with their labels. */
  requestSamples(): Array<{ labels: { route: Route; status: string }; value: number }> {
    const samples = [];
    for (let r = 0; r < ROUTES.length; r++) {
      for (let s = 0; s < SLOTS; s++) {
        const value = this.requests[r * SLOTS + s]!;
        if (value > 0)
          samples.push({
            labels: {
              route: ROUTES[r]!,
              status: s === OTHER_STATUS ? 'other' : String(STATUSES[s]),
            },
            value,
          });
      }
    }
    return samples;
  }

  byteSamples(): Array<{ labels: { route: Route }; value: number }> {
    return ROUTES.map((route, r) => ({ labels: { route }, value: this.bytes[r]! }));
  }

  /** Requests answered with `status` on the routes that serve the Site's resources. */
  siteRequests(status: number): number {
    const slot = statusSlot(status);
    let total = 0;
    for (const route of ['feed', 'page', 'article', 'opml'] as const)
      total += this.requests[ROUTE[route] * SLOTS + slot]!;
    return total;
  }
}

/** The route label of a path, for the rare responses not served from a known resource. */
export function routeOfPath(path: string): number {
  if (path === '/healthz') return ROUTE.healthz;
  if (path === '/metrics') return ROUTE.metrics;
  if (path.endsWith('/websub')) return ROUTE.websub;
  if (path.startsWith('/articles/') || path.includes('/articles/')) return ROUTE.article;
  if (path.endsWith('/opml.xml')) return ROUTE.opml;
  if (path.endsWith('.xml') || path.endsWith('.json')) return ROUTE.feed;
  return ROUTE.other;
}

/** The route label of a Site resource: a few string comparisons, no allocation. */
export function routeOfResource(resource: {
  readonly path: string;
  readonly contentType: string;
  readonly isFeed: boolean;
}): number {
  if (resource.isFeed)
    return resource.contentType.startsWith('text/x-opml') ? ROUTE.opml : ROUTE.feed;
  return resource.path.startsWith('/articles/') ? ROUTE.article : ROUTE.page;
}
