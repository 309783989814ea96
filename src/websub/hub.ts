import { createHmac, randomBytes } from 'node:crypto';
import type { Logger } from '../log.js';
import type { Previous, Site } from '../render/site.js';
import { callOut, type OutboundOptions } from './outbound.js';
import { DEFAULT_LEASE, isRefusal, parseIntent, type Intent, type LeasePolicy } from './request.js';
import { loadSubscriptions, saveSubscriptions, subscriptionKey, type Subscription } from './store.js';

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
  /** Callback host patterns (--hub-allow); undefined allows any host. */
  readonly allow: readonly string[] | undefined;
  /** Where the subscriptions file lives (the data directory, not the export). */
  readonly dir: string;
  readonly logger: Logger;
  readonly lease?: LeasePolicy;
  readonly retry?: Partial<RetryPolicy>;
  readonly outbound?: Partial<OutboundOptions>;
  /** Most active subscriptions; more are denied (§5.2). */
  readonly maxSubscriptions?: number;
  /** Most verifications in flight; more requests get 429, so the hub cannot be used to flood. */
  readonly maxPendingVerifications?: number;
  readonly now?: () => number;
}

export interface HubAnswer {
  readonly status: 202 | 400 | 403 | 404 | 429 | 503;
  readonly message: string;
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
const DEFAULT_OUTBOUND: OutboundOptions = { timeoutMs: 10_000, maxBodyBytes: 1024 };
const SWEEP_INTERVAL_MS = 60_000;

/**
 * The hub side of WebSub (W3C Recommendation, https://www.w3.org/TR/websub/) for seedfeed's own
 * feeds: subscription requests are answered 202 and their intent verified afterwards (§5.3); when
 * a scan changes a feed, its new bytes go to every subscriber (§7), signed when a secret was
 * given (§8), retried with exponential backoff, then the subscription is dropped.
 */
export class WebSubHub {
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly outboxes = new Map<string, Outbox>();
  private readonly tasks = new Set<Promise<void>>();
  private pendingVerifications = 0;
  private readonly counts = { verificationsOk: 0, verificationsFailed: 0, deliveriesOk: 0, deliveriesFailed: 0, dropped: 0 };
  private saving: Promise<void> = Promise.resolve();
  private saveQueued = false;
  private sweeper: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly stopping = new AbortController();
  private readonly lease: LeasePolicy;
  private readonly retry: RetryPolicy;
  private readonly outbound: OutboundOptions;
  private readonly now: () => number;

  constructor(private readonly options: HubOptions) {
    this.lease = options.lease ?? DEFAULT_LEASE;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.outbound = { ...DEFAULT_OUTBOUND, ...options.outbound, signal: this.stopping.signal };
    this.now = options.now ?? Date.now;
  }

  /** Restores the persisted subscriptions (expired ones are dropped) and starts the lease sweep. */
  async start(): Promise<void> {
    for (const s of await loadSubscriptions(this.options.dir)) {
      if (s.expiresAt > this.now()) this.subscriptions.set(subscriptionKey(s), s);
    }
    this.options.logger.info('websub_restored', { subscriptions: this.subscriptions.size });
    this.sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  /** A subscriber's form-encoded request: refused now (4xx), or accepted and verified later. */
  request(form: URLSearchParams): HubAnswer {
    const site = this.options.site();
    if (!site) return { status: 503, message: 'The hub starts after the first scan; try again in a moment.' };
    const intent = parseIntent(form, {
      baseUrl: this.options.baseUrl,
      isFeed: (path) => isFeedResource(site.resources.get(path)),
      allow: this.options.allow,
      lease: this.lease,
    });
    if (isRefusal(intent)) return { status: intent.status, message: intent.reason };
    if (this.pendingVerifications >= (this.options.maxPendingVerifications ?? 100)) {
      return { status: 429, message: 'Too many subscription requests are being verified; try again later.' };
    }
    this.pendingVerifications++;
    this.track(this.verify(intent).finally(() => this.pendingVerifications--));
    return { status: 202, message: `Accepted: the ${intent.mode} request will be verified at the callback.` };
  }

  /** §5.3: the callback must echo hub.challenge with a 2xx before anything changes. */
  private async verify(intent: Intent): Promise<void> {
    const { logger } = this.options;
    const key = subscriptionKey(intent);
    if (intent.mode === 'subscribe' && !this.subscriptions.has(key) && this.subscriptions.size >= (this.options.maxSubscriptions ?? 10_000)) {
      await this.deny(intent, 'the hub has as many subscriptions as it takes');
      return;
    }
    const challenge = randomBytes(24).toString('base64url');
    const url = new URL(intent.callback);
    url.searchParams.set('hub.mode', intent.mode);
    url.searchParams.set('hub.topic', intent.topic);
    url.searchParams.set('hub.challenge', challenge);
    if (intent.mode === 'subscribe') url.searchParams.set('hub.lease_seconds', String(intent.leaseSeconds));
    const answer = await callOut(url.href, { method: 'GET' }, this.outbound);
    const confirmed = answer.status >= 200 && answer.status < 300 && answer.body === challenge;
    if (!confirmed || this.stopped) {
      this.counts.verificationsFailed++;
      logger.info('websub_unverified', { mode: intent.mode, topic: intent.topic, callback: intent.callback, status: answer.status, ...(answer.error ? { error: answer.error } : {}) });
      return;
    }
    this.counts.verificationsOk++;
    if (intent.mode === 'subscribe') {
      const { mode: _mode, ...rest } = intent;
      this.subscriptions.set(key, { ...rest, expiresAt: this.now() + intent.leaseSeconds * 1000 });
      logger.info('websub_subscribed', { topic: intent.topic, callback: intent.callback, lease_seconds: intent.leaseSeconds, signed: intent.secret !== undefined });
    } else {
      this.remove(key);
      logger.info('websub_unsubscribed', { topic: intent.topic, callback: intent.callback });
    }
    this.save();
  }

  /** §5.2: a subscription the hub will not take is announced to the callback with hub.mode=denied. */
  private async deny(intent: Intent, reason: string): Promise<void> {
    const url = new URL(intent.callback);
    url.searchParams.set('hub.mode', 'denied');
    url.searchParams.set('hub.topic', intent.topic);
    url.searchParams.set('hub.reason', reason);
    await callOut(url.href, { method: 'GET' }, this.outbound);
    this.options.logger.warn('websub_denied', { topic: intent.topic, callback: intent.callback, reason });
  }

  /**
   * Content distribution after a scan swapped the Site: every subscribed feed whose ETag is not
   * what it was (`before`: the previous Site's resources, or the validators restored at start).
   */
  siteChanged(before: Previous | undefined, site: Site): void {
    if (this.stopped) return;
    const now = this.now();
    const changed = new Map<string, Content | undefined>();
    for (const [key, subscription] of this.subscriptions) {
      if (subscription.expiresAt <= now) {
        this.drop(key, 'lease expired');
        continue;
      }
      if (!changed.has(subscription.topicPath)) {
        const resource = site.resources.get(subscription.topicPath);
        const old = before?.get(subscription.topicPath);
        changed.set(subscription.topicPath, resource && isFeedResource(resource) && old?.etag !== resource.etag ? { body: resource.body, contentType: resource.contentType } : undefined);
      }
      const content = changed.get(subscription.topicPath);
      if (content) this.enqueue(key, content);
    }
  }

  private enqueue(key: string, content: Content): void {
    let outbox = this.outboxes.get(key);
    if (!outbox) this.outboxes.set(key, (outbox = { inFlight: false, failures: 0 }));
    // A newer version replaces one still waiting: the subscriber wants the feed as it is now.
    outbox.content = content;
    if (!outbox.inFlight && !outbox.timer) this.track(this.deliver(key));
  }

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
    const headers: Record<string, string> = {
      'Content-Type': content.contentType,
      Link: `<${this.options.hubUrl}>; rel="hub", <${subscription.topic}>; rel="self"`,
    };
    if (subscription.secret !== undefined) headers['X-Hub-Signature'] = `sha256=${createHmac('sha256', subscription.secret).update(content.body).digest('hex')}`;
    const answer = await callOut(subscription.callback, { method: 'POST', headers, body: content.body }, this.outbound);
    outbox.inFlight = false;
    // Unsubscribed or dropped while the request was out: nothing more goes to this callback.
    // Stopping cut the request short: that is no failure of the subscriber's.
    if (!this.subscriptions.has(key) || this.stopped) return;

    if (answer.status >= 200 && answer.status < 300) {
      this.counts.deliveriesOk++;
      outbox.failures = 0;
      if (outbox.content) this.track(this.deliver(key));
      else this.outboxes.delete(key);
      return;
    }
    this.counts.deliveriesFailed++;
    // §7: a 410 Gone from the callback ends the subscription.
    if (answer.status === 410) return this.drop(key, 'callback answered 410 Gone');
    outbox.failures++;
    outbox.content ??= content;
    const fields = { topic: subscription.topic, callback: subscription.callback, status: answer.status, ...(answer.error ? { error: answer.error } : {}), attempt: outbox.failures };
    if (outbox.failures >= this.retry.attempts) return this.drop(key, `delivery failed ${outbox.failures} times`, fields);
    const delay = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (outbox.failures - 1));
    this.options.logger.info('websub_delivery_failed', { ...fields, retry_in_ms: delay });
    outbox.timer = setTimeout(() => this.track(this.deliver(key)), delay);
    outbox.timer.unref();
  }

  private remove(key: string): void {
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

  /** Drops expired leases (also done on every distribution). */
  sweep(): void {
    const now = this.now();
    for (const [key, subscription] of this.subscriptions) if (subscription.expiresAt <= now) this.drop(key, 'lease expired');
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

  /** Resolves when no verification or delivery is in flight and the file is written (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.tasks.size) await Promise.all([...this.tasks]);
    await this.saving;
  }

  stats(): HubStats {
    const c = this.counts;
    return {
      active: this.subscriptions.size,
      pending: this.pendingVerifications,
      verifications: { ok: c.verificationsOk, failed: c.verificationsFailed },
      deliveries: { ok: c.deliveriesOk, failed: c.deliveriesFailed },
      dropped: c.dropped,
    };
  }

  /** The active subscriptions (a copy), for tests and diagnostics. */
  list(): Subscription[] {
    return [...this.subscriptions.values()];
  }

  /** Stops retries and the sweep, cuts requests in flight short, and waits for the last write. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.sweeper);
    for (const outbox of this.outboxes.values()) clearTimeout(outbox.timer);
    this.stopping.abort();
    await this.idle();
  }
}

function isFeedResource(resource: { readonly isFeed: boolean; readonly contentType: string } | undefined): boolean {
  return resource !== undefined && resource.isFeed && !resource.contentType.startsWith('text/x-opml');
}
