import type { Logger } from '../log.js';
import type { Previous, Site } from '../render/site.js';
import { callOut } from './outbound.js';
import { isFeedResource } from './topic.js';

/**
 * With an external hub (`--hub URL`), tells it which feeds changed after a scan, the way hubs
 * commonly take it (WebSub leaves publishing to the hub: `hub.mode=publish`, `hub.url=<topic>`,
 * as Google's and Superfeedr's hubs and websub.rocks accept). One request per changed feed, one
 * at a time, each with a deadline; a failure is logged, and the hub still has its own polling.
 */
export class HubPinger {
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly hubUrl: string,
    private readonly logger: Logger,
    private readonly timeoutMs = 10_000,
  ) {}

  siteChanged(before: Previous | undefined, site: Site): void {
    // A first start has nothing to compare with: every feed would look new.
    if (!before || before.size === 0) return;
    const topics: string[] = [];
    for (const [path, resource] of site.resources) {
      if (!isFeedResource(resource)) continue;
      if (before.get(path)?.etag !== resource.etag) topics.push(site.urls.absolute(path));
    }
    for (const topic of topics) this.queue = this.queue.then(() => this.ping(topic));
  }

  private async ping(topic: string): Promise<void> {
    const body = new TextEncoder().encode(
      new URLSearchParams({ 'hub.mode': 'publish', 'hub.url': topic }).toString(),
    );
    const answer = await callOut(
      new URL(this.hubUrl),
      { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body },
      { timeoutMs: this.timeoutMs, maxBodyBytes: 512 },
    );
    if (answer.status >= 200 && answer.status < 300)
      this.logger.debug('websub_published', { hub: this.hubUrl, topic });
    else
      this.logger.warn('websub_publish_failed', {
        hub: this.hubUrl,
        topic,
        status: answer.status,
        ...(answer.error ? { error: answer.error } : {}),
      });
  }

  /** Resolves when every ping queued so far was sent (tests, shutdown). */
  idle(): Promise<void> {
    return this.queue;
  }
}
