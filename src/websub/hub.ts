import { setMaxListeners } from 'node:events';
import type { Logger } from '../log.js';
import type { Previous, Site } from '../render/site.js';
import { Distributor } from './distribution.js';
import { SubscriptionIntake, type HubAnswer } from './intake.js';
import { hubSettings, type HubOptions } from './options.js';
import { SubscriptionRegistry } from './registry.js';
import { hubStats, newCounters, type HubStats } from './stats.js';
import type { Subscription } from './store.js';
import { Verifier } from './verification.js';

export type { HubOptions } from './options.js';
export type { HubAnswer } from './intake.js';
export type { HubStats } from './stats.js';

const SWEEP_INTERVAL_MS = 60_000;

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
 *
 * This class wires the parts together and owns their lifecycle: requests (intake.ts), their
 * verification (verification.ts), the subscriptions and their file (registry.ts), deliveries
 * (distribution.ts).
 */
export class WebSubHub {
  private readonly registry: SubscriptionRegistry;
  private readonly intake: SubscriptionIntake;
  private readonly distributor: Distributor;
  private readonly counters = newCounters();
  private readonly tasks = new Set<Promise<void>>();
  private readonly logger: Logger;
  private readonly now: () => number;
  private sweeper: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly stopping = new AbortController();

  constructor(options: HubOptions) {
    const settings = hubSettings(options, this.stopping.signal);
    // Every request in flight listens for the stop (bounded by the queue and the slots, not by 10).
    setMaxListeners(0, this.stopping.signal);
    this.logger = settings.logger;
    this.now = settings.now;
    const stopped = () => this.stopped;
    const { counters, logger } = this;
    const registry = (this.registry = new SubscriptionRegistry(settings.dir, settings, logger));
    const verifier = new Verifier({
      registry,
      counters,
      logger,
      options: settings.verification,
      now: settings.now,
      stopped,
      remove: (key) => this.remove(key),
    });
    this.intake = new SubscriptionIntake(settings, {
      registry,
      verifier,
      stopped,
      track: (task) => this.track(task),
    });
    this.distributor = new Distributor(settings, {
      registry,
      counters,
      logger,
      stopped,
      drop: (key, reason, fields) => this.drop(key, reason, fields),
    });
  }

  /** Restores the persisted subscriptions (expired ones are dropped) and starts the lease sweep. */
  async start(): Promise<void> {
    await this.registry.restore(this.now);
    this.logger.info('websub_restored', { subscriptions: this.registry.size });
    this.sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  /**
   * A subscriber's form-encoded request from `client` (its address): refused now (4xx, 429,
   * 503), or accepted (202) and verified later (intake.ts).
   */
  request(form: URLSearchParams, client = 'unknown'): Promise<HubAnswer> {
    return this.intake.request(form, client);
  }

  /** Content distribution after a scan swapped the Site (distribution.ts); serving never waits on it. */
  siteChanged(before: Previous | undefined, site: Site): void {
    if (this.stopped) return;
    this.track(this.distributor.pass(before, site));
  }

  /** Drops expired leases (also done on every distribution) and forgets clients that are quiet again. */
  sweep(): void {
    const now = this.now();
    for (const [key, subscription] of this.registry.entries())
      if (subscription.expiresAt <= now) this.drop(key, 'lease expired');
    this.intake.forgetQuiet(now);
  }

  /** Resolves when no verification or delivery is queued or in flight and the file is written (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.tasks.size || this.distributor.busy)
      await Promise.all([...this.tasks, this.distributor.idle()]);
    await this.registry.saved();
  }

  stats(): HubStats {
    return hubStats(this.counters, this.registry.size, this.intake.inFlight);
  }

  /** The active subscriptions (a copy), for tests and diagnostics. */
  list(): Subscription[] {
    return [...this.registry.values()];
  }

  /** Stops retries and the sweep, forgets queued deliveries, cuts requests in flight short, and waits for the last write. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.sweeper);
    this.distributor.stop();
    this.stopping.abort();
    await this.idle();
  }

  /** Ends a subscription: nothing more is delivered to it, a retry waiting included. */
  private remove(key: string): void {
    this.registry.remove(key);
    this.distributor.forget(key);
  }

  private drop(key: string, reason: string, fields: Record<string, unknown> = {}): void {
    const subscription = this.registry.get(key);
    if (!subscription) return;
    this.remove(key);
    this.counters.dropped++;
    this.logger.warn('websub_dropped', {
      topic: subscription.topic,
      callback: subscription.callback,
      reason,
      ...fields,
    });
    this.registry.save();
  }

  private track(task: Promise<void>): void {
    const tracked = task.catch((error: unknown) =>
      this.logger.error('websub_failed', { error: (error as Error).message }),
    );
    this.tasks.add(tracked);
    void tracked.finally(() => this.tasks.delete(tracked));
  }
}
