import { encodePath } from '../render/urls.js';

/**
 * A subscriber's request to the hub (WebSub §5.1), checked without I/O: either an intent to
 * verify, or the 4xx answer and the reason.
 */

export type Mode = 'subscribe' | 'unsubscribe';

export interface Intent {
  readonly mode: Mode;
  /** The canonical absolute URL of one of our feeds. */
  readonly topic: string;
  /** The site path of that feed (`/categories/x/rss.xml`). */
  readonly topicPath: string;
  readonly callback: string;
  readonly leaseSeconds: number;
  readonly secret?: string;
}

export interface Refusal {
  readonly status: 400 | 403 | 404;
  readonly reason: string;
}

export interface LeasePolicy {
  readonly defaultSeconds: number;
  readonly minSeconds: number;
  readonly maxSeconds: number;
}

export const DEFAULT_LEASE: LeasePolicy = {
  defaultSeconds: 10 * 24 * 3600,
  minSeconds: 60,
  maxSeconds: 30 * 24 * 3600,
};

export interface RequestContext {
  /** Public base URL without a trailing slash (`https://news.example.org/site`). */
  readonly baseUrl: string;
  /** Whether `path` is one of the current Site's feeds. */
  readonly isFeed: (path: string) => boolean;
  readonly lease: LeasePolicy;
}

const MAX_URL_LENGTH = 2048;
/** WebSub §5.1: hub.secret "MUST be less than 200 bytes in length". */
const MAX_SECRET_BYTES = 199;

export function parseIntent(form: URLSearchParams, ctx: RequestContext): Intent | Refusal {
  const mode = form.get('hub.mode');
  if (mode !== 'subscribe' && mode !== 'unsubscribe')
    return { status: 400, reason: 'hub.mode must be subscribe or unsubscribe' };

  const topicUrl = form.get('hub.topic');
  if (!topicUrl) return { status: 400, reason: 'hub.topic is missing' };
  const topicPath = topicPathOf(topicUrl, ctx.baseUrl);
  if (topicPath === undefined)
    return {
      status: 400,
      reason: `hub.topic must be one of this site's feeds under ${ctx.baseUrl}/`,
    };
  // An unsubscription may name a feed that is gone since; a subscription must name a feed that exists.
  if (mode === 'subscribe' && !ctx.isFeed(topicPath))
    return { status: 404, reason: 'hub.topic is not a feed of this site' };

  const callbackRaw = form.get('hub.callback');
  if (!callbackRaw) return { status: 400, reason: 'hub.callback is missing' };
  if (callbackRaw.length > MAX_URL_LENGTH)
    return { status: 400, reason: `hub.callback is longer than ${MAX_URL_LENGTH} characters` };
  let callback: URL;
  try {
    callback = new URL(callbackRaw);
  } catch {
    return { status: 400, reason: 'hub.callback is not an absolute URL' };
  }
  if (callback.protocol !== 'http:' && callback.protocol !== 'https:')
    return { status: 400, reason: 'hub.callback must be an http or https URL' };
  if (callback.username || callback.password)
    return { status: 400, reason: 'hub.callback must not carry credentials' };
  // Whether the host may be called is decided on its addresses, after a lookup (target.ts).
  callback.hash = '';

  const secret = form.get('hub.secret') ?? undefined;
  if (secret !== undefined && Buffer.byteLength(secret, 'utf8') > MAX_SECRET_BYTES)
    return { status: 400, reason: 'hub.secret must be less than 200 bytes' };

  const leaseRaw = form.get('hub.lease_seconds');
  let leaseSeconds = ctx.lease.defaultSeconds;
  if (leaseRaw !== null && leaseRaw !== '') {
    if (!/^\d{1,10}$/.test(leaseRaw))
      return { status: 400, reason: 'hub.lease_seconds must be a whole number of seconds' };
    // The hub chooses the lease within its bounds and says so in the verification (§5.3).
    leaseSeconds = Math.min(ctx.lease.maxSeconds, Math.max(ctx.lease.minSeconds, Number(leaseRaw)));
  }

  return {
    mode,
    topic: `${ctx.baseUrl}${encodePath(topicPath)}`,
    topicPath,
    callback: callback.href,
    leaseSeconds,
    ...(secret ? { secret } : {}),
  };
}

export function isRefusal(value: Intent | Refusal): value is Refusal {
  return 'status' in value;
}

/** The site path a topic URL names, if it lies under the base URL (no query, no fragment). */
export function topicPathOf(topic: string, baseUrl: string): string | undefined {
  let url: URL;
  let base: URL;
  try {
    url = new URL(topic);
    base = new URL(baseUrl);
  } catch {
    return undefined;
  }
  if (url.origin !== base.origin || url.search || url.hash || url.username || url.password)
    return undefined;
  const prefix = base.pathname.replace(/\/+$/, '');
  if (!url.pathname.startsWith(`${prefix}/`)) return undefined;
  try {
    return url.pathname.slice(prefix.length).split('/').map(decodeURIComponent).join('/');
  } catch {
    return undefined;
  }
}
