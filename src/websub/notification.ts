import { createHmac } from 'node:crypto';
import type { Previous, Site } from '../render/site.js';
import type { RetryPolicy } from './options.js';
import type { Subscription } from './store.js';
import { isFeedResource } from './topic.js';

/** One version of a feed as it is sent: every delivery of that version shares these bytes. */
export interface Content {
  readonly body: Uint8Array;
  readonly contentType: string;
}

/**
 * What a scan changed at `topicPath`: its new Content when it is a feed whose ETag is not what it
 * was (`before`: the previous Site's resources, or the validators restored at start); otherwise
 * nothing to send.
 */
export function changedContent(
  before: Previous | undefined,
  site: Site,
  topicPath: string,
): Content | undefined {
  const resource = site.resources.get(topicPath);
  const old = before?.get(topicPath);
  return resource && isFeedResource(resource) && old?.etag !== resource.etag
    ? { body: resource.body, contentType: resource.contentType }
    : undefined;
}

/** §7: the notification's headers, its Link naming the hub and the topic; §8: signed when the subscriber gave a secret. */
export function notificationHeaders(
  hubUrl: string,
  subscription: Subscription,
  content: Content,
): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Type': content.contentType,
    Link: `<${hubUrl}>; rel="hub", <${subscription.topic}>; rel="self"`,
  };
  if (subscription.secret !== undefined)
    headers['X-Hub-Signature'] =
      `sha256=${createHmac('sha256', subscription.secret).update(content.body).digest('hex')}`;
  return headers;
}

/** The wait before the next attempt after `failures` failed ones: doubling from the base, up to the maximum. */
export function retryDelay(retry: RetryPolicy, failures: number): number {
  return Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (failures - 1));
}
