/**
 * The small bookkeeping the hub's limits need, with no I/O: rates per key (token buckets) and
 * counts per key. Both forget a key as soon as it holds nothing worth remembering, and the
 * rate table is bounded, so many clients cannot grow them without end.
 */

export interface Rate {
  /** Tokens added per second (the sustained rate). */
  readonly perSecond: number;
  /** Most tokens held (the burst). */
  readonly burst: number;
}

export type Taken =
  | { readonly ok: true }
  | {
      readonly ok: false;
      /** Whole seconds until a token is there. */ readonly retryAfter: number;
    };

interface Bucket {
  tokens: number;
  at: number;
}

/** Token buckets by key (RFC 6585 §4 429 answers carry the wait as Retry-After). */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly rate: Rate,
    private readonly now: () => number,
    /** Most keys held; past it, full buckets are forgotten first, then new keys wait. */
    private readonly maxKeys = 100_000,
  ) {}

  take(key: string): Taken {
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (bucket) this.refill(bucket, now);
    else {
      if (this.buckets.size >= this.maxKeys) this.forgetFull(now);
      if (this.buckets.size >= this.maxKeys)
        return { ok: false, retryAfter: Math.ceil(1 / this.rate.perSecond) };
      this.buckets.set(key, (bucket = { tokens: this.rate.burst, at: now }));
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    return {
      ok: false,
      retryAfter: Math.max(1, Math.ceil((1 - bucket.tokens) / this.rate.perSecond)),
    };
  }

  /** Gives a token back (the request it paid for was refused before it cost anything). */
  refund(key: string): void {
    const bucket = this.buckets.get(key);
    if (bucket) bucket.tokens = Math.min(this.rate.burst, bucket.tokens + 1);
  }

  get size(): number {
    return this.buckets.size;
  }

  private refill(bucket: Bucket, now: number): void {
    bucket.tokens = Math.min(
      this.rate.burst,
      bucket.tokens + ((now - bucket.at) / 1000) * this.rate.perSecond,
    );
    bucket.at = now;
  }

  /** A full bucket is the same as none. */
  forgetFull(now = this.now()): void {
    for (const [key, bucket] of this.buckets) {
      this.refill(bucket, now);
      if (bucket.tokens >= this.rate.burst) this.buckets.delete(key);
    }
  }
}

/** How many of something each key holds (in-flight requests, subscriptions per host). */
export class Counts {
  private readonly counts = new Map<string, number>();

  get(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  add(key: string, n = 1): void {
    const next = this.get(key) + n;
    if (next <= 0) this.counts.delete(key);
    else this.counts.set(key, next);
  }

  get size(): number {
    return this.counts.size;
  }
}
