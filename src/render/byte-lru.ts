import type { Resource } from './resource.js';

/**
 * A least-recently-used cache of Resources bounded by entries and by bytes: request-driven
 * variants (filters, conversions, archive pages) can never grow a Site without limit.
 */
export class ResourceLru {
  private readonly entries = new Map<string, Resource>();
  private bytes = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxBytes: number,
  ) {}

  get(key: string): Resource | undefined {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  set(key: string, resource: Resource): Resource {
    const old = this.entries.get(key);
    if (old) {
      this.entries.delete(key);
      this.bytes -= old.body.length;
    }
    this.entries.set(key, resource);
    this.bytes += resource.body.length;
    while (
      this.entries.size > 1 &&
      (this.entries.size > this.maxEntries || this.bytes > this.maxBytes)
    ) {
      const [oldest, evicted] = this.entries.entries().next().value!;
      this.entries.delete(oldest);
      this.bytes -= evicted.body.length;
    }
    return resource;
  }

  get size(): number {
    return this.entries.size;
  }
}
