import { randomBytes } from 'node:crypto';
import type { Logger } from '../log.js';
import { callOut, type OutboundOptions } from './outbound.js';
import type { SubscriptionRegistry } from './registry.js';
import type { Intent } from './request.js';
import type { HubCounters } from './stats.js';
import { subscriptionKey } from './store.js';
import type { Target } from './target.js';

/** §5.3: the GET that asks the callback to confirm `intent` by echoing `challenge`. */
export function verificationUrl(intent: Intent, challenge: string): URL {
  const url = new URL(intent.callback);
  url.searchParams.set('hub.mode', intent.mode);
  url.searchParams.set('hub.topic', intent.topic);
  url.searchParams.set('hub.challenge', challenge);
  if (intent.mode === 'subscribe')
    url.searchParams.set('hub.lease_seconds', String(intent.leaseSeconds));
  return url;
}

/** §5.2: the GET that tells the callback its subscription was denied, and why. */
export function denialUrl(intent: Intent, reason: string): URL {
  const url = new URL(intent.callback);
  url.searchParams.set('hub.mode', 'denied');
  url.searchParams.set('hub.topic', intent.topic);
  url.searchParams.set('hub.reason', reason);
  return url;
}

export interface VerifierParts {
  readonly registry: SubscriptionRegistry;
  readonly counters: HubCounters;
  readonly logger: Logger;
  /** Verification and denial GETs. */
  readonly options: OutboundOptions;
  readonly now: () => number;
  readonly stopped: () => boolean;
  /** Ends a subscription (its registry entry and whatever waits to be delivered to it). */
  readonly remove: (key: string) => void;
}

/** Asks callbacks to confirm what was requested in their name, and applies what they confirm. */
export class Verifier {
  constructor(private readonly parts: VerifierParts) {}

  /** §5.3: the callback must echo hub.challenge with a 2xx before anything changes. */
  async verify(intent: Intent, target: Target): Promise<void> {
    const { registry, counters, logger } = this.parts;
    const key = subscriptionKey(intent);
    const challenge = randomBytes(24).toString('base64url');
    const answer = await callOut(
      verificationUrl(intent, challenge),
      { method: 'GET' },
      this.parts.options,
      target.addresses,
    );
    const confirmed = answer.status >= 200 && answer.status < 300 && answer.body === challenge;
    if (!confirmed || this.parts.stopped()) {
      counters.verificationsFailed++;
      logger.info('websub_unverified', {
        mode: intent.mode,
        topic: intent.topic,
        callback: intent.callback,
        status: answer.status,
        ...(answer.error ? { error: answer.error } : {}),
      });
      return;
    }
    counters.verificationsOk++;
    if (intent.mode === 'subscribe') {
      const { mode: _mode, ...rest } = intent;
      registry.set(key, { ...rest, expiresAt: this.parts.now() + intent.leaseSeconds * 1000 });
      logger.info('websub_subscribed', {
        topic: intent.topic,
        callback: intent.callback,
        lease_seconds: intent.leaseSeconds,
        signed: intent.secret !== undefined,
      });
    } else {
      this.parts.remove(key);
      logger.info('websub_unsubscribed', { topic: intent.topic, callback: intent.callback });
    }
    registry.save();
  }

  /**
   * §5.2: a subscription the hub will not take is announced to the callback with hub.mode=denied.
   * It costs what a verification costs — a token of the client's and of the target's, a slot —
   * so denials are no cheaper a way to make the hub send GETs.
   */
  async deny(intent: Intent, target: Target, reason: string): Promise<void> {
    await callOut(
      denialUrl(intent, reason),
      { method: 'GET' },
      this.parts.options,
      target.addresses,
    );
    this.parts.logger.warn('websub_denied', {
      topic: intent.topic,
      callback: intent.callback,
      reason,
    });
  }
}
