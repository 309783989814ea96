import { createHmac, randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { Logger } from '../log.js';
import type { Previous, Site } from '../render/site.js';
import { normaliseHost, parseAllowList, type AllowList } from './allow.js';
import { DeliveryQueue, type QueueLimits } from './delivery-queue.js';
import { Counts, RateLimiter, type Rate } from './limits.js';
import { Pacer } from './pacing.js';
import { callOut, type OutboundOptions } from './outbound.js';
import { DEFAULT_LEASE, isRefusal, parseIntent, type Intent, type LeasePolicy } from './request.js';
import { systemResolver, type Resolver } from './resolve.js';
import { loadSubscriptions, saveSubscriptions, subscriptionKey, type Subscription } from './store.js';
import { isTarget, machineKey, resolveTarget, type Target } from './target.js';

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

export interface HubAnswer {
  readonly status: 202 | 400 | 403 | 404 | 429 | 503;
  readonly message: string;
  /** Seconds, for a Retry-After header (429, 503). */
  readonly retryAfter?: number;
}

export interface HubStats {
  readonly active: number;
  readonly pending: number;
  readonly verifications: { readonly ok: number; readonly failed: number };
  readonly deliveries: { readonly ok: number; readonly failed: number };
  readonly dropped: number;
}

interface Content {
  readonly body: Uint8Array;
  readonly contentType: string;
}

/** What is waiting to go to one subscriber: only the newest content matters. */
interface Outbox {
  content?: Content;
  inFlight: boolean;
  failures: number;
  timer?: NodeJS.Timeout;
}

const DEFAULT_RETRY: RetryPolicy = { attempts: 8, baseDelayMs: 60_000, maxDelayMs: 3_600_000 };

/** The hub's defaults; README "WebSub" and the security model section quote them. */
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

const SWEEP_INTERVAL_MS = 60_000;
/** Subscriptions looked at per turn of the event loop when a scan changed feeds. */
const DISTRIBUTION_CHUNK = 1_000;

/** The host a callback is counted and queued under (lower case, no brackets or trailing dot). */
const callbackHost = (callback: string) => normaliseHost(new URL(callback).hostname.replace(/^\[(.*)\]$/, '$1'));

/** Each subscription's callback host, parsed once: a wave to 10,000 subscribers must not parse 10,000 URLs while serving waits. */
const hosts = new WeakMap<Subscription, string>();
function hostOf(subscription: Subscription): string {
  let host = hosts.get(subscription);
  if (host === undefined) hosts.set(subscription, (host = callbackHost(subscription.callback)));
  return host;
}

/**
 * The hub side of WebSub (W3C Recommendation, https://www.w3.org/TR/websub/) for seedfeed's own
 * feeds: subscription requests are answered 202 and their intent verified afterwards (§5.3); when
 * a scan changes a feed, its new bytes go to every subscriber (§7), signed when a secret was
 * given (§8), retried with exponential backoff, then the subscription is dropped.
 *
 * Anyone may send it requests, so it calls only callbacks whose addresses are all globally
 * routable or allowed by --hub-allow, connecting to the addresses it checked (target.ts,
 * outbound.ts); each client and each target machine has a rate and a share of the verification
 * slots; the caps count pending subscriptions; deliveries go through a bounded queue.
 */
export class WebSubHub {
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly outboxes = new Map<string, Outbox>();
  private readonly tasks = new Set<Promise<void>>();
  /** Requests being checked (DNS) or verified, and by whom. */
  private pending = 0;
  private readonly clientPending = new Counts();
  /** Keys with a verification under way: one at a time per subscription. */
  private readonly verifying = new Set<string>();
  /** New subscriptions being verified: counted toward the caps so concurrency cannot overshoot them. */
  private readonly reserved = new Set<string>();
  /** Active plus reserved subscriptions per callback host. */
  private readonly perHost = new Counts();
  private readonly counts = { verificationsOk: 0, verificationsFailed: 0, deliveriesOk: 0, deliveriesFailed: 0, dropped: 0 };
  private saving: Promise<void> = Promise.resolve();
  /** The last distribution pass (siteChanged); the next one starts after it. */
  private distributing: Promise<void> = Promise.resolve();
  private saveQueued = false;
  private sweeper: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly stopping = new AbortController();
  private readonly allow: AllowList;
  private readonly resolve: Resolver;
  private readonly lease: LeasePolicy;
  private readonly retry: RetryPolicy;
  private readonly outbound: OutboundOptions;
  private readonly verification: OutboundOptions;
  private readonly clientRate: RateLimiter;
  private readonly targetRate: RateLimiter;
  private readonly queue: DeliveryQueue;
  private readonly pacer: Pacer | undefined;
  private readonly now: () => number;

  constructor(private readonly options: HubOptions) {
    const allow = parseAllowList(options.allow);
    // The configuration checked the list already (config.ts); this is for other callers.
    if ('error' in allow) throw new Error(`--hub-allow: ${JSON.stringify(allow.entry)} ${allow.error}`);
    this.allow = allow;
    this.resolve = options.resolve ?? systemResolver();
    this.lease = options.lease ?? DEFAULT_LEASE;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    // Every request in flight listens for the stop (bounded by the queue and the slots, not by 10).
    setMaxListeners(0, this.stopping.signal);
    this.outbound = { ...HUB_DEFAULTS.outbound, ...options.outbound, signal: this.stopping.signal };
    this.verification = { ...HUB_DEFAULTS.verification, ...options.verification, signal: this.stopping.signal };
    this.now = options.now ?? Date.now;
    this.clientRate = new RateLimiter(options.clientRate ?? HUB_DEFAULTS.clientRate, this.now);
    this.targetRate = new RateLimiter(options.targetRate ?? HUB_DEFAULTS.targetRate, this.now);
    const delivery = { ...HUB_DEFAULTS.delivery, ...options.delivery };
    this.queue = new DeliveryQueue(delivery, (key) => this.deliver(key));
    this.pacer =
      delivery.pacing === false
        ? undefined
        : new Pacer({ min: 0, max: delivery.concurrency, targetDelayMs: HUB_DEFAULTS.deliveryTargetDelayMs }, (n) => this.queue.setConcurrency(n), () => this.queue.concurrency);
  }

  private get maxSubscriptions(): number {
    return this.options.maxSubscriptions ?? HUB_DEFAULTS.maxSubscriptions;
  }

  /** Restores the persisted subscriptions (expired ones are dropped) and starts the lease sweep. */
  async start(): Promise<void> {
    for (const s of await loadSubscriptions(this.options.dir)) {
      if (s.expiresAt <= this.now()) continue;
      const key = subscriptionKey(s);
      if (!this.subscriptions.has(key)) this.perHost.add(hostOf(s));
      this.subscriptions.set(key, s);
    }
    this.options.logger.info('websub_restored', { subscriptions: this.subscriptions.size });
    this.sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  /**
   * A subscriber's form-encoded request from `client` (its address): refused now (4xx, 429,
   * 503), or accepted (202) and verified later. Only a request that passed the per-client limits
   * costs a DNS lookup, and only one whose addresses passed the checks costs a GET.
   */
  async request(form: URLSearchParams, client = 'unknown'): Promise<HubAnswer> {
    const site = this.options.site();
    if (!site || this.stopped) return { status: 503, message: 'The hub starts after the first scan; try again in a moment.', retryAfter: 2 };
    const intent = parseIntent(form, { baseUrl: this.options.baseUrl, isFeed: (path) => isFeedResource(site.resources.get(path)), lease: this.lease });
    if (isRefusal(intent)) return { status: intent.status, message: intent.reason };

    const clientKey = machineKey(client);
    const key = subscriptionKey(intent);
    const limited = this.admit(clientKey, key);
    if (limited) return limited;

    // From here the request holds a slot, until its verification (or denial) ends.
    this.pending++;
    this.clientPending.add(clientKey);
    this.verifying.add(key);
    let reservedHost: string | undefined;
    const release = () => {
      this.pending--;
      this.clientPending.add(clientKey, -1);
      this.verifying.delete(key);
      if (reservedHost !== undefined && this.reserved.delete(key) && !this.subscriptions.has(key)) this.perHost.add(reservedHost, -1);
    };
    let target: Target;
    try {
      const checked = await resolveTarget(new URL(intent.callback), this.allow, this.resolve);
      if (!isTarget(checked)) {
        release();
        this.options.logger.info('websub_refused', { client: clientKey, callback: intent.callback, status: checked.status, reason: checked.reason });
        return { status: checked.status, message: checked.reason, ...(checked.status === 503 ? { retryAfter: 30 } : {}) };
      }
      target = checked;
    } catch (error) {
      release();
      throw error;
    }
    if (this.stopped) {
      release();
      return { status: 503, message: 'The hub is stopping.', retryAfter: 5 };
    }
    const targetTaken = this.targetRate.take(target.key);
    if (!targetTaken.ok) {
      release();
      return this.tooMany(clientKey, `Too many requests to ${target.host} are being verified; try again later.`, targetTaken.retryAfter);
    }

    const denial = intent.mode === 'subscribe' ? this.reserve(key, target.host) : undefined;
    if (denial === undefined && this.reserved.has(key)) reservedHost = target.host;
    this.track((denial === undefined ? this.verify(intent, target) : this.deny(intent, target, denial)).finally(release));
    return { status: 202, message: `Accepted: the ${intent.mode} request will be verified at the callback.` };
  }

  /** The limits checked before a request costs anything: the client's share and rate, the hub's slots. */
  private admit(clientKey: string, key: string): HubAnswer | undefined {
    const busy = Math.ceil(this.verification.timeoutMs / 1000);
    const clientInFlight = this.options.clientInFlight ?? HUB_DEFAULTS.clientInFlight;
    if (this.clientPending.get(clientKey) >= clientInFlight) {
      return this.tooMany(clientKey, `You have ${clientInFlight} subscription requests being verified; send more when they are done.`, busy);
    }
    if (this.pending >= (this.options.maxPendingVerifications ?? HUB_DEFAULTS.maxPendingVerifications)) {
      return this.tooMany(clientKey, 'Too many subscription requests are being verified; try again later.', busy);
    }
    if (this.verifying.has(key)) return this.tooMany(clientKey, 'A request for this subscription is being verified; try again when it is done.', busy);
    const taken = this.clientRate.take(clientKey);
    if (!taken.ok) return this.tooMany(clientKey, 'Too many subscription requests from your address; try again later.', taken.retryAfter);
    return undefined;
  }

  /**
   * A place under the caps for a new subscription, or why there is none (§5.2 denial). The caps
   * count subscriptions still being verified, so no number of concurrent requests takes the hub
   * past them. A renewal needs no place.
   */
  private reserve(key: string, host: string): string | undefined {
    if (this.subscriptions.has(key)) return undefined;
    const maxPerHost = this.options.maxSubscriptionsPerHost ?? HUB_DEFAULTS.maxSubscriptionsPerHost;
    if (this.subscriptions.size + this.reserved.size >= this.maxSubscriptions) return 'the hub has as many subscriptions as it takes';
    if (this.perHost.get(host) >= maxPerHost) return `the hub has as many subscriptions (${maxPerHost}) for callbacks on host ${host} as it takes from one host`;
    this.reserved.add(key);
    this.perHost.add(host);
    return undefined;
  }

  private tooMany(client: string, message: string, retryAfter: number): HubAnswer {
    this.options.logger.debug('websub_limited', { client, reason: message });
    return { status: 429, message, retryAfter };
  }

  /** §5.3: the callback must echo hub.challenge with a 2xx before anything changes. */
  private async verify(intent: Intent, target: Target): Promise<void> {
    const { logger } = this.options;
    const key = subscriptionKey(intent);
    const challenge = randomBytes(24).toString('base64url');
    const url = new URL(intent.callback);
    url.searchParams.set('hub.mode', intent.mode);
    url.searchParams.set('hub.topic', intent.topic);
    url.searchParams.set('hub.challenge', challenge);
    if (intent.mode === 'subscribe') url.searchParams.set('hub.lease_seconds', String(intent.leaseSeconds));
    const answer = await callOut(url, { method: 'GET' }, this.verification, target.addresses);
    const confirmed = answer.status >= 200 && answer.status < 300 && answer.body === challenge;
    if (!confirmed || this.stopped) {
      this.counts.verificationsFailed++;
      logger.info('websub_unverified', { mode: intent.mode, topic: intent.topic, callback: intent.callback, status: answer.status, ...(answer.error ? { error: answer.error } : {}) });
      return;
    }
    this.counts.verificationsOk++;
    if (intent.mode === 'subscribe') {
      const { mode: _mode, ...rest } = intent;
      // A renewal keeps its count; a new one takes over its reservation's.
      this.subscriptions.set(key, { ...rest, expiresAt: this.now() + intent.leaseSeconds * 1000 });
      logger.info('websub_subscribed', { topic: intent.topic, callback: intent.callback, lease_seconds: intent.leaseSeconds, signed: intent.secret !== undefined });
    } else {
      this.remove(key);
      logger.info('websub_unsubscribed', { topic: intent.topic, callback: intent.callback });
    }
    this.save();
  }

  /**
   * §5.2: a subscription the hub will not take is announced to the callback with hub.mode=denied.
   * It costs what a verification costs — a token of the client's and of the target's, a slot —
   * so denials are no cheaper a way to make the hub send GETs.
   */
  private async deny(intent: Intent, target: Target, reason: string): Promise<void> {
    const url = new URL(intent.callback);
    url.searchParams.set('hub.mode', 'denied');
    url.searchParams.set('hub.topic', intent.topic);
    url.searchParams.set('hub.reason', reason);
    await callOut(url, { method: 'GET' }, this.verification, target.addresses);
    this.options.logger.warn('websub_denied', { topic: intent.topic, callback: intent.callback, reason });
  }

  /**
   * Content distribution after a scan swapped the Site: every subscribed feed whose ETag is not
   * what it was (`before`: the previous Site's resources, or the validators restored at start).
   * Only queues, and a thousand subscriptions at a time: serving never waits on deliveries, nor
   * on 10,000 subscriptions being looked at in one go. Passes run one after another, so a newer
   * version always lands in the outboxes after an older one.
   */
  siteChanged(before: Previous | undefined, site: Site): void {
    if (this.stopped) return;
    const pass = this.distributing.then(() => this.distribute(before, site));
    this.distributing = pass.catch(() => undefined);
    this.track(pass);
  }

  private async distribute(before: Previous | undefined, site: Site): Promise<void> {
    const now = this.now();
    const changed = new Map<string, Content | undefined>();
    const keys = [...this.subscriptions.keys()];
    for (let i = 0; i < keys.length; i++) {
      if (i > 0 && i % DISTRIBUTION_CHUNK === 0) await new Promise((resolve) => setImmediate(resolve));
      if (this.stopped) return;
      const key = keys[i]!;
      // Looked up now: it may have been renewed or dropped since the pass began.
      const subscription = this.subscriptions.get(key);
      if (!subscription) continue;
      if (subscription.expiresAt <= now) {
        this.drop(key, 'lease expired');
        continue;
      }
      if (!changed.has(subscription.topicPath)) {
        const resource = site.resources.get(subscription.topicPath);
        const old = before?.get(subscription.topicPath);
        // One Content per feed version: every delivery of it sends these same bytes.
        changed.set(subscription.topicPath, resource && isFeedResource(resource) && old?.etag !== resource.etag ? { body: resource.body, contentType: resource.contentType } : undefined);
      }
      const content = changed.get(subscription.topicPath);
      if (content) this.enqueue(key, subscription, content);
    }
  }

  private enqueue(key: string, subscription: Subscription, content: Content): void {
    let outbox = this.outboxes.get(key);
    if (!outbox) this.outboxes.set(key, (outbox = { inFlight: false, failures: 0 }));
    // A newer version replaces one still waiting: the subscriber wants the feed as it is now.
    outbox.content = content;
    if (!outbox.inFlight && !outbox.timer) this.schedule(key, hostOf(subscription));
  }

  /** Queues a delivery; the pacer watches the event loop while any is queued or running. */
  private schedule(key: string, host: string): void {
    this.queue.push(key, host);
    this.pacer?.start(() => this.queue.running > 0 || this.queue.waiting > 0);
  }

  /** One delivery, run by the queue (which bounds how many run at once). */
  private async deliver(key: string): Promise<void> {
    const outbox = this.outboxes.get(key);
    const subscription = this.subscriptions.get(key);
    if (!outbox || !outbox.content || this.stopped) return;
    outbox.timer = undefined;
    if (!subscription) return void this.outboxes.delete(key);
    if (subscription.expiresAt <= this.now()) return this.drop(key, 'lease expired');
    const content = outbox.content;
    outbox.content = undefined;
    outbox.inFlight = true;
    // Resolved and checked again for every delivery: a name verified weeks ago may point
    // elsewhere now, and the POST goes to what is checked here.
    const target = await resolveTarget(new URL(subscription.callback), this.allow, this.resolve);
    if (!isTarget(target)) {
      outbox.inFlight = false;
      if (!this.subscriptions.has(key) || this.stopped) return;
      if (target.policy) return this.drop(key, target.reason);
      return this.failed(key, subscription, outbox, content, { status: 0, error: target.reason });
    }
    const headers: Record<string, string> = {
      'Content-Type': content.contentType,
      Link: `<${this.options.hubUrl}>; rel="hub", <${subscription.topic}>; rel="self"`,
    };
    if (subscription.secret !== undefined) headers['X-Hub-Signature'] = `sha256=${createHmac('sha256', subscription.secret).update(content.body).digest('hex')}`;
    const answer = await callOut(target.url, { method: 'POST', headers, body: content.body }, this.outbound, target.addresses);
    outbox.inFlight = false;
    // Unsubscribed or dropped while the request was out: nothing more goes to this callback.
    // Stopping cut the request short: that is no failure of the subscriber's.
    if (!this.subscriptions.has(key) || this.stopped) return;

    if (answer.status >= 200 && answer.status < 300) {
      this.counts.deliveriesOk++;
      outbox.failures = 0;
      if (outbox.content) this.schedule(key, target.host);
      else this.outboxes.delete(key);
      return;
    }
    // §7: a 410 Gone from the callback ends the subscription.
    if (answer.status === 410) {
      this.counts.deliveriesFailed++;
      return this.drop(key, 'callback answered 410 Gone');
    }
    this.failed(key, subscription, outbox, content, { status: answer.status, ...(answer.error ? { error: answer.error } : {}) });
  }

  /** A failed attempt: retried with backoff, the newest content kept, dropped after `attempts`. */
  private failed(key: string, subscription: Subscription, outbox: Outbox, content: Content, outcome: { status: number; error?: string }): void {
    this.counts.deliveriesFailed++;
    outbox.failures++;
    outbox.content ??= content;
    const fields = { topic: subscription.topic, callback: subscription.callback, ...outcome, attempt: outbox.failures };
    if (outbox.failures >= this.retry.attempts) return this.drop(key, `delivery failed ${outbox.failures} times`, fields);
    const delay = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (outbox.failures - 1));
    this.options.logger.info('websub_delivery_failed', { ...fields, retry_in_ms: delay });
    const host = hostOf(subscription);
    outbox.timer = setTimeout(() => {
      outbox.timer = undefined;
      if (!this.stopped) this.schedule(key, host);
    }, delay);
    outbox.timer.unref();
  }

  private remove(key: string): void {
    const subscription = this.subscriptions.get(key);
    if (subscription) this.perHost.add(hostOf(subscription), -1);
    this.subscriptions.delete(key);
    const outbox = this.outboxes.get(key);
    if (outbox?.timer) clearTimeout(outbox.timer);
    this.outboxes.delete(key);
  }

  private drop(key: string, reason: string, fields: Record<string, unknown> = {}): void {
    const subscription = this.subscriptions.get(key);
    if (!subscription) return;
    this.remove(key);
    this.counts.dropped++;
    this.options.logger.warn('websub_dropped', { topic: subscription.topic, callback: subscription.callback, reason, ...fields });
    this.save();
  }

  /** Drops expired leases (also done on every distribution) and forgets clients that are quiet again. */
  sweep(): void {
    const now = this.now();
    for (const [key, subscription] of this.subscriptions) if (subscription.expiresAt <= now) this.drop(key, 'lease expired');
    this.clientRate.forgetFull(now);
    this.targetRate.forgetFull(now);
  }

  /** Writes the subscriptions; writes never overlap and the last one holds the latest state. */
  private save(): void {
    if (this.saveQueued) return;
    this.saveQueued = true;
    this.saving = this.saving.then(async () => {
      this.saveQueued = false;
      try {
        await saveSubscriptions(this.options.dir, this.subscriptions.values());
      } catch (error) {
        this.options.logger.error('websub_save_failed', { error: (error as Error).message });
      }
    });
  }

  private track(task: Promise<void>): void {
    const tracked = task.catch((error: unknown) => this.options.logger.error('websub_failed', { error: (error as Error).message }));
    this.tasks.add(tracked);
    void tracked.finally(() => this.tasks.delete(tracked));
  }

  /** Resolves when no verification or delivery is queued or in flight and the file is written (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.tasks.size || this.queue.running || this.queue.waiting) await Promise.all([...this.tasks, this.queue.idle()]);
    await this.saving;
  }

  stats(): HubStats {
    const c = this.counts;
    return {
      active: this.subscriptions.size,
      pending: this.pending,
      verifications: { ok: c.verificationsOk, failed: c.verificationsFailed },
      deliveries: { ok: c.deliveriesOk, failed: c.deliveriesFailed },
      dropped: c.dropped,
    };
  }

  /** The active subscriptions (a copy), for tests and diagnostics. */
  list(): Subscription[] {
    return [...this.subscriptions.values()];
  }

  /** Stops retries and the sweep, forgets queued deliveries, cuts requests in flight short, and waits for the last write. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.sweeper);
    for (const outbox of this.outboxes.values()) clearTimeout(outbox.timer);
    this.queue.clear();
    this.pacer?.stop();
    this.stopping.abort();
    await this.idle();
  }
}

function isFeedResource(resource: { readonly isFeed: boolean; readonly contentType: string } | undefined): boolean {
  return resource !== undefined && resource.isFeed && !resource.contentType.startsWith('text/x-opml');
}
