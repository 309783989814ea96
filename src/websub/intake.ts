import { Counts, RateLimiter } from './limits.js';
import type { HubSettings } from './options.js';
import type { SubscriptionRegistry } from './registry.js';
import { isRefusal, parseIntent } from './request.js';
import { subscriptionKey } from './store.js';
import { isTarget, machineKey, resolveTarget, type Target } from './target.js';
import { isFeedResource } from './topic.js';
import type { Verifier } from './verification.js';

export interface HubAnswer {
  readonly status: 202 | 400 | 403 | 404 | 429 | 503;
  readonly message: string;
  /** Seconds, for a Retry-After header (429, 503). */
  readonly retryAfter?: number;
}

export type IntakeSettings = Pick<
  HubSettings,
  | 'baseUrl'
  | 'site'
  | 'allow'
  | 'resolve'
  | 'lease'
  | 'verification'
  | 'maxPendingVerifications'
  | 'clientInFlight'
  | 'clientRate'
  | 'targetRate'
  | 'now'
  | 'logger'
>;

export interface IntakeParts {
  readonly registry: SubscriptionRegistry;
  readonly verifier: Verifier;
  readonly stopped: () => boolean;
  /** Runs a verification or denial in the background (the hub waits for it when it stops). */
  readonly track: (task: Promise<void>) => void;
}

/**
 * Subscription requests as they arrive: refused at once when they break a rule or a limit,
 * otherwise accepted and handed to the verifier. Each client and each target machine has a rate
 * and a share of the verification slots, so the requests anyone may send cost the hub a bounded
 * number of DNS lookups and GETs.
 */
export class SubscriptionIntake {
  /** Requests being checked (DNS) or verified, and by whom. */
  private pending = 0;
  private readonly clientPending = new Counts();
  /** Keys with a verification under way: one at a time per subscription. */
  private readonly verifying = new Set<string>();
  private readonly clientRate: RateLimiter;
  private readonly targetRate: RateLimiter;

  constructor(
    private readonly settings: IntakeSettings,
    private readonly parts: IntakeParts,
  ) {
    this.clientRate = new RateLimiter(settings.clientRate, settings.now);
    this.targetRate = new RateLimiter(settings.targetRate, settings.now);
  }

  /** Requests being checked or verified now. */
  get inFlight(): number {
    return this.pending;
  }

  /**
   * A subscriber's form-encoded request from `client` (its address): refused now (4xx, 429,
   * 503), or accepted (202) and verified later. Only a request that passed the per-client limits
   * costs a DNS lookup, and only one whose addresses passed the checks costs a GET.
   */
  async request(form: URLSearchParams, client: string): Promise<HubAnswer> {
    const { registry, verifier, stopped } = this.parts;
    const site = this.settings.site();
    if (!site || stopped())
      return {
        status: 503,
        message: 'The hub starts after the first scan; try again in a moment.',
        retryAfter: 2,
      };
    const intent = parseIntent(form, {
      baseUrl: this.settings.baseUrl,
      isFeed: (path) => isFeedResource(site.resources.get(path)),
      lease: this.settings.lease,
    });
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
      if (reservedHost !== undefined) registry.release(key, reservedHost);
    };
    let target: Target;
    try {
      const checked = await resolveTarget(
        new URL(intent.callback),
        this.settings.allow,
        this.settings.resolve,
      );
      if (!isTarget(checked)) {
        release();
        this.settings.logger.info('websub_refused', {
          client: clientKey,
          callback: intent.callback,
          status: checked.status,
          reason: checked.reason,
        });
        return {
          status: checked.status,
          message: checked.reason,
          ...(checked.status === 503 ? { retryAfter: 30 } : {}),
        };
      }
      target = checked;
    } catch (error) {
      release();
      throw error;
    }
    if (stopped()) {
      release();
      return { status: 503, message: 'The hub is stopping.', retryAfter: 5 };
    }
    const targetTaken = this.targetRate.take(target.key);
    if (!targetTaken.ok) {
      release();
      return this.tooMany(
        clientKey,
        `Too many requests to ${target.host} are being verified; try again later.`,
        targetTaken.retryAfter,
      );
    }

    const denial = intent.mode === 'subscribe' ? registry.reserve(key, target.host) : undefined;
    if (denial === undefined && registry.isReserved(key)) reservedHost = target.host;
    this.parts.track(
      (denial === undefined
        ? verifier.verify(intent, target)
        : verifier.deny(intent, target, denial)
      ).finally(release),
    );
    return {
      status: 202,
      message: `Accepted: the ${intent.mode} request will be verified at the callback.`,
    };
  }

  /** Forgets clients and targets whose rate allowance is full again (the hub's sweep). */
  forgetQuiet(now: number): void {
    this.clientRate.forgetFull(now);
    this.targetRate.forgetFull(now);
  }

  /** The limits checked before a request costs anything: the client's share and rate, the hub's slots. */
  private admit(clientKey: string, key: string): HubAnswer | undefined {
    const busy = Math.ceil(this.settings.verification.timeoutMs / 1000);
    const clientInFlight = this.settings.clientInFlight;
    if (this.clientPending.get(clientKey) >= clientInFlight) {
      return this.tooMany(
        clientKey,
        `You have ${clientInFlight} subscription requests being verified; send more when they are done.`,
        busy,
      );
    }
    if (this.pending >= this.settings.maxPendingVerifications) {
      return this.tooMany(
        clientKey,
        'Too many subscription requests are being verified; try again later.',
        busy,
      );
    }
    if (this.verifying.has(key))
      return this.tooMany(
        clientKey,
        'A request for this subscription is being verified; try again when it is done.',
        busy,
      );
    const taken = this.clientRate.take(clientKey);
    if (!taken.ok)
      return this.tooMany(
        clientKey,
        'Too many subscription requests from your address; try again later.',
        taken.retryAfter,
      );
    return undefined;
  }

  private tooMany(client: string, message: string, retryAfter: number): HubAnswer {
    this.settings.logger.debug('websub_limited', { client, reason: message });
    return { status: 429, message, retryAfter };
  }
}
