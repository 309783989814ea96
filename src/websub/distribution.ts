import type { Logger } from '../log.js';
import type { Previous, Site } from '../render/site.js';
import { DeliveryQueue } from './delivery-queue.js';
import { changedContent, notificationHeaders, retryDelay, type Content } from './notification.js';
import { HUB_DEFAULTS, type HubSettings } from './options.js';
import { callOut } from './outbound.js';
import { Pacer } from './pacing.js';
import { hostOf, type SubscriptionRegistry } from './registry.js';
import type { HubCounters } from './stats.js';
import type { Subscription } from './store.js';
import { isTarget, resolveTarget } from './target.js';

/** What is waiting to go to one subscriber: only the newest content matters. */
interface Outbox {
  content?: Content;
  inFlight: boolean;
  failures: number;
  timer?: NodeJS.Timeout;
}

/** Subscriptions looked at per turn of the event loop when a scan changed feeds. */
const DISTRIBUTION_CHUNK = 1_000;

export type DistributionSettings = Pick<
  HubSettings,
  'hubUrl' | 'allow' | 'resolve' | 'retry' | 'outbound' | 'delivery' | 'now'
>;

export interface DistributionParts {
  readonly registry: SubscriptionRegistry;
  readonly counters: HubCounters;
  readonly logger: Logger;
  readonly stopped: () => boolean;
  /** Ends a subscription the hub gives up on, saying why (logged with `fields`). */
  readonly drop: (key: string, reason: string, fields?: Record<string, unknown>) => void;
}

/**
 * Content distribution (§7): when a scan changes a feed, its new bytes go to every subscriber,
 * through a bounded queue (delivery-queue.ts) whose concurrency yields to serving (pacing.ts);
 * a failed delivery is retried with exponential backoff, then the subscription is dropped.
 */
export class Distributor {
  private readonly outboxes = new Map<string, Outbox>();
  /** The last distribution pass (siteChanged); the next one starts after it. */
  private distributing: Promise<void> = Promise.resolve();
  private readonly queue: DeliveryQueue;
  private readonly pacer: Pacer | undefined;

  constructor(
    private readonly settings: DistributionSettings,
    private readonly parts: DistributionParts,
  ) {
    const { delivery } = settings;
    this.queue = new DeliveryQueue(delivery, (key) => this.deliver(key));
    this.pacer =
      delivery.pacing === false
        ? undefined
        : new Pacer(
            {
              min: 0,
              max: delivery.concurrency,
              targetDelayMs: HUB_DEFAULTS.deliveryTargetDelayMs,
            },
            (n) => this.queue.setConcurrency(n),
            () => this.queue.concurrency,
          );
  }

  /**
   * A pass over the subscriptions after a scan swapped the Site: every subscribed feed whose ETag
   * is not what it was (`before`: the previous Site's resources, or the validators restored at
   * start). Only queues, and a thousand subscriptions at a time: serving never waits on
   * deliveries, nor on 10,000 subscriptions being looked at in one go. Passes run one after
   * another, so a newer version always lands in the outboxes after an older one.
   */
  pass(before: Previous | undefined, site: Site): Promise<void> {
    const pass = this.distributing.then(() => this.distribute(before, site));
    this.distributing = pass.catch(() => undefined);
    return pass;
  }

  /** Deliveries queued or running. */
  get busy(): boolean {
    return this.queue.running > 0 || this.queue.waiting > 0;
  }

  /** Resolves when no delivery is queued or running. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  /** Forgets what waits for `key` (its subscription ended), a retry's timer included. */
  forget(key: string): void {
    const outbox = this.outboxes.get(key);
    if (outbox?.timer) clearTimeout(outbox.timer);
    this.outboxes.delete(key);
  }

  /** Stops retries, forgets queued deliveries and stops pacing; running deliveries end on their own. */
  stop(): void {
    for (const outbox of this.outboxes.values()) clearTimeout(outbox.timer);
    this.queue.clear();
    this.pacer?.stop();
  }

  private async distribute(before: Previous | undefined, site: Site): Promise<void> {
    const { registry, stopped } = this.parts;
    const now = this.settings.now();
    const changed = new Map<string, Content | undefined>();
    const keys = [...registry.keys()];
    for (let i = 0; i < keys.length; i++) {
      if (i > 0 && i % DISTRIBUTION_CHUNK === 0)
        await new Promise((resolve) => setImmediate(resolve));
      if (stopped()) return;
      const key = keys[i]!;
      // Looked up now: it may have been renewed or dropped since the pass began.
      const subscription = registry.get(key);
      if (!subscription) continue;
      if (subscription.expiresAt <= now) {
        this.parts.drop(key, 'lease expired');
        continue;
      }
      // One Content per feed version: every delivery of it sends these same bytes.
      if (!changed.has(subscription.topicPath))
        changed.set(subscription.topicPath, changedContent(before, site, subscription.topicPath));
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
    this.pacer?.start(() => this.busy);
  }

  /** One delivery, run by the queue (which bounds how many run at once). */
  private async deliver(key: string): Promise<void> {
    const { registry, counters, stopped, drop } = this.parts;
    const outbox = this.outboxes.get(key);
    const subscription = registry.get(key);
    if (!outbox || !outbox.content || stopped()) return;
    outbox.timer = undefined;
    if (!subscription) return void this.outboxes.delete(key);
    if (subscription.expiresAt <= this.settings.now()) return drop(key, 'lease expired');
    const content = outbox.content;
    outbox.content = undefined;
    outbox.inFlight = true;
    // Resolved and checked again for every delivery: a name verified weeks ago may point
    // elsewhere now, and the POST goes to what is checked here.
    const target = await resolveTarget(
      new URL(subscription.callback),
      this.settings.allow,
      this.settings.resolve,
    );
    if (!isTarget(target)) {
      outbox.inFlight = false;
      if (!registry.has(key) || stopped()) return;
      if (target.policy) return drop(key, target.reason);
      return this.failed(key, subscription, outbox, content, { status: 0, error: target.reason });
    }
    const headers = notificationHeaders(this.settings.hubUrl, subscription, content);
    const answer = await callOut(
      target.url,
      { method: 'POST', headers, body: content.body },
      this.settings.outbound,
      target.addresses,
    );
    outbox.inFlight = false;
    // Unsubscribed or dropped while the request was out: nothing more goes to this callback.
    // Stopping cut the request short: that is no failure of the subscriber's.
    if (!registry.has(key) || stopped()) return;

    if (answer.status >= 200 && answer.status < 300) {
      counters.deliveriesOk++;
      outbox.failures = 0;
      if (outbox.content) this.schedule(key, target.host);
      else this.outboxes.delete(key);
      return;
    }
    // §7: a 410 Gone from the callback ends the subscription.
    if (answer.status === 410) {
      counters.deliveriesFailed++;
      return drop(key, 'callback answered 410 Gone');
    }
    this.failed(key, subscription, outbox, content, {
      status: answer.status,
      ...(answer.error ? { error: answer.error } : {}),
    });
  }

  /** A failed attempt: retried with backoff, the newest content kept, dropped after `attempts`. */
  private failed(
    key: string,
    subscription: Subscription,
    outbox: Outbox,
    content: Content,
    outcome: { status: number; error?: string },
  ): void {
    this.parts.counters.deliveriesFailed++;
    outbox.failures++;
    outbox.content ??= content;
    const fields = {
      topic: subscription.topic,
      callback: subscription.callback,
      ...outcome,
      attempt: outbox.failures,
    };
    if (outbox.failures >= this.settings.retry.attempts)
      return this.parts.drop(key, `delivery failed ${outbox.failures} times`, fields);
    const delay = retryDelay(this.settings.retry, outbox.failures);
    this.parts.logger.info('websub_delivery_failed', { ...fields, retry_in_ms: delay });
    const host = hostOf(subscription);
    outbox.timer = setTimeout(() => {
      outbox.timer = undefined;
      if (!this.parts.stopped()) this.schedule(key, host);
    }, delay);
    outbox.timer.unref();
  }
}
