import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../export/atomic.js';

/**
 * Active WebSub subscriptions, kept in the data directory (`--data-dir`, never the export) so they
 * survive a restart. The file holds the subscribers' secrets: it is written readable by its owner
 * only.
 */
export const SUBSCRIPTIONS_FILE = '.seedfeed-websub.json';

export interface Subscription {
  readonly topic: string;
  readonly topicPath: string;
  readonly callback: string;
  readonly secret?: string;
  readonly leaseSeconds: number;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
}

interface SubscriptionsFile {
  version: 1;
  subscriptions: Subscription[];
}

export const subscriptionKey = (s: { topic: string; callback: string }) =>
  `${s.topic}\n${s.callback}`;

/** Reads the subscriptions; a missing or damaged file is no subscription, never an error. */
export async function loadSubscriptions(dir: string): Promise<Subscription[]> {
  let raw: Partial<SubscriptionsFile>;
  try {
    raw = JSON.parse(
      await readFile(path.join(dir, SUBSCRIPTIONS_FILE), 'utf8'),
    ) as Partial<SubscriptionsFile>;
  } catch {
    return [];
  }
  if (raw.version !== 1 || !Array.isArray(raw.subscriptions)) return [];
  const str = (v: unknown): v is string => typeof v === 'string' && v !== '';
  const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  return raw.subscriptions.filter(
    (s) =>
      s &&
      str(s.topic) &&
      str(s.topicPath) &&
      str(s.callback) &&
      num(s.leaseSeconds) &&
      num(s.expiresAt) &&
      (s.secret === undefined || str(s.secret)),
  );
}

export async function saveSubscriptions(
  dir: string,
  subscriptions: Iterable<Subscription>,
): Promise<void> {
  const file: SubscriptionsFile = { version: 1, subscriptions: [...subscriptions] };
  await writeFileAtomic(path.join(dir, SUBSCRIPTIONS_FILE), `${JSON.stringify(file, null, 1)}\n`, {
    mode: 0o600,
  });
}
