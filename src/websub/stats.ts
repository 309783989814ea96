/** What the hub has done since it started, for /metrics (metrics.ts). */
export interface HubStats {
  readonly active: number;
  readonly pending: number;
  readonly verifications: { readonly ok: number; readonly failed: number };
  readonly deliveries: { readonly ok: number; readonly failed: number };
  readonly dropped: number;
}

/** The running totals the hub's parts add to. */
export interface HubCounters {
  verificationsOk: number;
  verificationsFailed: number;
  deliveriesOk: number;
  deliveriesFailed: number;
  dropped: number;
}

export const newCounters = (): HubCounters => ({
  verificationsOk: 0,
  verificationsFailed: 0,
  deliveriesOk: 0,
  deliveriesFailed: 0,
  dropped: 0,
});

/** `active`: subscriptions in force; `pending`: requests being checked or verified. */
export function hubStats(counters: HubCounters, active: number, pending: number): HubStats {
  return {
    active,
    pending,
    verifications: { ok: counters.verificationsOk, failed: counters.verificationsFailed },
    deliveries: { ok: counters.deliveriesOk, failed: counters.deliveriesFailed },
    dropped: counters.dropped,
  };
}
