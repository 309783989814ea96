import type { Logger } from '../log.js';
import { normaliseHost } from './allow.js';
import { Counts } from './limits.js';
import {
  loadSubscriptions,
  saveSubscriptions,
  subscriptionKey,
  type Subscription,
} from './store.js';

/** The host a callback is counted and queued under (lower case, no brackets or trailing dot). */
const callbackHost = (callback: string) =>
  normaliseHost(new URL(callback).hostname.replace(/^\[(.*)\]$/, '$1'));

/** Each subscription's callback host, parsed once: a wave to 10,000 subscribers must not parse 10,000 URLs while serving waits. */
const hosts = new WeakMap<Subscription, string>();
export function hostOf(subscription: Subscription): string {
  let host = hosts.get(subscription);
  if (host === undefined) hosts.set(subscription, (host = callbackHost(subscription.callback)));
  return host;
}

export interface SubscriptionCaps {
  readonly maxSubscriptions: number;
  readonly maxSubscriptionsPerHost: number;
}

/**
 * The hub's subscriptions by key (store.ts), the places reserved under the caps for new ones
 * still being verified, and the file they are kept in.
 */
export class SubscriptionRegistry {
  private readonly subscriptions = new Map<string, Subscription>();
  /** New subscriptions being verified: counted toward the caps so concurrency cannot overshoot them. */
  private readonly reserved = new Set<string>();
  /** Active plus reserved subscriptions per callback host. */
  private readonly perHost = new Counts();
  private saving: Promise<void> = Promise.resolve();
  private saveQueued = false;

  constructor(
    private readonly dir: string,
    private readonly caps: SubscriptionCaps,
    private readonly logger: Logger,
  ) {}

  /** Restores the persisted subscriptions; expired ones are dropped. */
  async restore(now: () => number): Promise<void> {
    for (const s of await loadSubscriptions(this.dir)) {
      if (s.expiresAt <= now()) continue;
      const key = subscriptionKey(s);
      if (!this.subscriptions.has(key)) this.perHost.add(hostOf(s));
      this.subscriptions.set(key, s);
    }
  }

  /** Active subscriptions. */
  get size(): number {
    return this.subscriptions.size;
  }

  get(key: string): Subscription | undefined {
    return this.subscriptions.get(key);
  }

  has(key: string): boolean {
    return this.subscriptions.has(key);
  }

  keys(): IterableIterator<string> {
    return this.subscriptions.keys();
  }

  entries(): IterableIterator<[string, Subscription]> {
    return this.subscriptions.entries();
  }

  values(): IterableIterator<Subscription> {
    return this.subscriptions.values();
  }

  /** A renewal keeps its count; a new one takes over its reservation's. */
  set(key: string, subscription: Subscription): void {
    this.subscriptions.set(key, subscription);
  }

  remove(key: string): void {
    const subscription = this.subscriptions.get(key);
    if (subscription) this.perHost.add(hostOf(subscription), -1);
    this.subscriptions.delete(key);
  }

  /**
   * A place under the caps for a new subscription, or why there is none (§5.2 denial). The caps
   * count subscriptions still being verified, so no number of concurrent requests takes the hub
   * past them. A renewal needs no place.
   */
  reserve(key: string, host: string): string | undefined {
    if (this.subscriptions.has(key)) return undefined;
    const maxPerHost = this.caps.maxSubscriptionsPerHost;
    if (this.subscriptions.size + this.reserved.size >= this.caps.maxSubscriptions)
      return 'the hub has as many subscriptions as it takes';
    if (this.perHost.get(host) >= maxPerHost)
      return `the hub has as many subscriptions (${maxPerHost}) for callbacks on host ${host} as it takes from one host`;
    this.reserved.add(key);
    this.perHost.add(host);
    return undefined;
  }

  isReserved(key: string): boolean {
    return this.reserved.has(key);
  }

  /** The verification ended: a place that did not become a subscription is free again. */
  release(key: string, host: string): void {
    if (this.reserved.delete(key) && !this.subscriptions.has(key)) this.perHost.add(host, -1);
  }

  /** Writes the subscriptions; writes never overlap and the last one holds the latest state. */
  save(): void {
    if (this.saveQueued) return;
    this.saveQueued = true;
    this.saving = this.saving.then(async () => {
      this.saveQueued = false;
      try {
        await saveSubscriptions(this.dir, this.subscriptions.values());
      } catch (error) {
        this.logger.error('websub_save_failed', { error: (error as Error).message });
      }
    });
  }

  /** Resolves when the writes queued so far are done. */
  saved(): Promise<void> {
    return this.saving;
  }
}
