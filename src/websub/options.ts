import type { Logger } from '../log.js';
import type { Site } from '../render/site.js';
import { parseAllowList, type AllowList } from './allow.js';
import type { QueueLimits } from './delivery-queue.js';
import type { Rate } from './limits.js';
import type { OutboundOptions } from './outbound.js';
import { DEFAULT_LEASE, type LeasePolicy } from './request.js';
import { systemResolver, type Resolver } from './resolve.js';

export interface RetryPolicy {
  /** Delivery attempts of one content before the subscription is dropped. */
  readonly attempts: number;
  /** Delay before the first retry; each further retry waits twice as long, up to maxDelayMs. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export interface HubOptions {
  /** The hub's public URL, sent in every notification's Link header. */
  readonly hubUrl: string;
  readonly baseUrl: string;
  /** The Site subscriptions are checked against (undefined before the first scan). */
  readonly site: () => Site | undefined;
  /** --hub-allow entries (allow.ts); undefined: any host whose addresses are all global. */
  readonly allow: readonly string[] | undefined;
  /** Where the subscriptions file lives (the data directory, not the export). */
  readonly dir: string;
  readonly logger: Logger;
  readonly lease?: LeasePolicy;
  readonly retry?: Partial<RetryPolicy>;
  /** Notifications (POSTs to subscribers). */
  readonly outbound?: Partial<OutboundOptions>;
  /** Verification and denial GETs: shorter, so a callback that never answers holds a slot briefly. */
  readonly verification?: Partial<OutboundOptions>;
  /** Host name resolution (tests give their own; no real DNS there). */
  readonly resolve?: Resolver;
  /** Most active subscriptions, pending ones counted; more are denied (§5.2). */
  readonly maxSubscriptions?: number;
  /** Most subscriptions, pending ones counted, whose callbacks are on one host. */
  readonly maxSubscriptionsPerHost?: number;
  /** Most requests being checked or verified at once, over all clients; more get 429. */
  readonly maxPendingVerifications?: number;
  /** Most requests one client (an IPv4 address, an IPv6 /64) has being checked or verified at once. */
  readonly clientInFlight?: number;
  /** Subscription requests one client may make: each can cost a DNS lookup and a GET. */
  readonly clientRate?: Rate;
  /** Verification and denial GETs to one target machine, whoever asks for them. */
  readonly targetRate?: Rate;
  /** Deliveries at once and per host; `pacing: false` keeps `concurrency` whatever the event loop's delay. */
  readonly delivery?: Partial<QueueLimits> & { readonly pacing?: boolean };
  readonly now?: () => number;
}

const DEFAULT_RETRY: RetryPolicy = { attempts: 8, baseDelayMs: 60_000, maxDelayMs: 3_600_000 };

/**
 * The hub's defaults; docs/websub.md ("How much one client can ask for") quotes them, and
 * docs/security.md ("The WebSub hub") points there.
 */
export const HUB_DEFAULTS = {
  outbound: { timeoutMs: 10_000, maxBodyBytes: 1024 } satisfies OutboundOptions,
  verification: { timeoutMs: 5_000, maxBodyBytes: 1024 } satisfies OutboundOptions,
  maxSubscriptions: 10_000,
  maxSubscriptionsPerHost: 1_000,
  maxPendingVerifications: 100,
  clientInFlight: 4,
  clientRate: { perSecond: 1, burst: 20 } satisfies Rate,
  targetRate: { perSecond: 1, burst: 20 } satisfies Rate,
  delivery: { concurrency: 16, perHost: 2 } satisfies QueueLimits,
  /** Deliveries back off while the event loop is this late (pacing.ts). */
  deliveryTargetDelayMs: 10,
} as const;

/** HubOptions with every default filled in: what the hub's parts are built from. */
export interface HubSettings {
  readonly hubUrl: string;
  readonly baseUrl: string;
  readonly site: () => Site | undefined;
  readonly dir: string;
  readonly logger: Logger;
  readonly allow: AllowList;
  readonly resolve: Resolver;
  readonly lease: LeasePolicy;
  readonly retry: RetryPolicy;
  readonly outbound: OutboundOptions;
  readonly verification: OutboundOptions;
  readonly maxSubscriptions: number;
  readonly maxSubscriptionsPerHost: number;
  readonly maxPendingVerifications: number;
  readonly clientInFlight: number;
  readonly clientRate: Rate;
  readonly targetRate: Rate;
  readonly delivery: QueueLimits & { readonly pacing?: boolean };
  readonly now: () => number;
}

/** Fills in the defaults; `signal` (the hub stopping) cuts every outbound request short. */
export function hubSettings(options: HubOptions, signal: AbortSignal): HubSettings {
  const allow = parseAllowList(options.allow);
  // The configuration checked the list already (config.ts); this is for other callers.
  if ('error' in allow)
    throw new Error(`--hub-allow: ${JSON.stringify(allow.entry)} ${allow.error}`);
  return {
    hubUrl: options.hubUrl,
    baseUrl: options.baseUrl,
    site: options.site,
    dir: options.dir,
    logger: options.logger,
    allow,
    resolve: options.resolve ?? systemResolver(),
    lease: options.lease ?? DEFAULT_LEASE,
    retry: { ...DEFAULT_RETRY, ...options.retry },
    outbound: { ...HUB_DEFAULTS.outbound, ...options.outbound, signal },
    verification: { ...HUB_DEFAULTS.verification, ...options.verification, signal },
    maxSubscriptions: options.maxSubscriptions ?? HUB_DEFAULTS.maxSubscriptions,
    maxSubscriptionsPerHost:
      options.maxSubscriptionsPerHost ?? HUB_DEFAULTS.maxSubscriptionsPerHost,
    maxPendingVerifications:
      options.maxPendingVerifications ?? HUB_DEFAULTS.maxPendingVerifications,
    clientInFlight: options.clientInFlight ?? HUB_DEFAULTS.clientInFlight,
    clientRate: options.clientRate ?? HUB_DEFAULTS.clientRate,
    targetRate: options.targetRate ?? HUB_DEFAULTS.targetRate,
    delivery: { ...HUB_DEFAULTS.delivery, ...options.delivery },
    now: options.now ?? Date.now,
  };
}
