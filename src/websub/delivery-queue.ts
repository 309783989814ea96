/**
 * The queue content distribution goes through: at most `concurrency` deliveries at once, at most
 * `perHost` of them to one callback host, hosts served in turn. A wave to 10,000 subscribers
 * thus holds `concurrency` requests' worth of sockets and buffers, not 10,000, and one slow or
 * popular host cannot take every slot. What waits is a key (a string the hub holds anyway).
 */
export interface QueueLimits {
  readonly concurrency: number;
  readonly perHost: number;
}

interface HostQueue {
  readonly keys: string[];
  /** Index of the next key in `keys` (shifting a long array each time would be quadratic). */
  head: number;
  active: number;
  /** In the ring of hosts with work to start. */
  ready: boolean;
}

export class DeliveryQueue {
  private readonly hosts = new Map<string, HostQueue>();
  /** Hosts with waiting keys and a free per-host slot, in turn. */
  private readonly ring: string[] = [];
  private ringHead = 0;
  private readonly queued = new Set<string>();
  private active = 0;
  private pumpScheduled = false;
  private idleWaiters: Array<() => void> = [];

  /** How many may run now: at most `limits.concurrency`, lowered while serving needs the time (pacing.ts). */
  private allowed: number;

  constructor(
    private readonly limits: QueueLimits,
    /** Delivers one key; the slot is held until the promise settles. */
    private readonly run: (key: string) => Promise<void>,
  ) {
    this.allowed = limits.concurrency;
  }

  get concurrency(): number {
    return this.allowed;
  }

  /** Runs at most `n` (0, a pause, to `limits.concurrency`) from now on; running ones are not stopped. */
  setConcurrency(n: number): void {
    this.allowed = Math.max(0, Math.min(this.limits.concurrency, n));
    this.pump();
  }

  /** Queues `key` (once: a key already waiting keeps its place). */
  push(key: string, host: string): void {
    if (this.queued.has(key)) return;
    this.queued.add(key);
    let queue = this.hosts.get(host);
    if (!queue) this.hosts.set(host, (queue = { keys: [], head: 0, active: 0, ready: false }));
    queue.keys.push(key);
    this.makeReady(host, queue);
    // Started on the next microtask: keys pushed in one go (a scan's whole wave) are then taken
    // host by host, not first come first served.
    if (!this.pumpScheduled) {
      this.pumpScheduled = true;
      queueMicrotask(() => {
        this.pumpScheduled = false;
        this.pump();
      });
    }
  }

  /** Keys waiting (not yet started). */
  get waiting(): number {
    return this.queued.size;
  }

  get running(): number {
    return this.active;
  }

  /** Resolves when nothing waits and nothing runs. */
  idle(): Promise<void> {
    if (this.active === 0 && this.queued.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Forgets every waiting key (the hub stopping); running deliveries end on their own. */
  clear(): void {
    this.hosts.clear();
    this.ring.length = 0;
    this.ringHead = 0;
    this.queued.clear();
    this.settleIdle();
  }

  private makeReady(host: string, queue: HostQueue): void {
    if (queue.ready || queue.head >= queue.keys.length || queue.active >= this.limits.perHost)
      return;
    queue.ready = true;
    this.ring.push(host);
  }

  private pump(): void {
    while (this.active < this.allowed && this.ringHead < this.ring.length) {
      const host = this.ring[this.ringHead++]!;
      if (this.ringHead > 1024 && this.ringHead * 2 > this.ring.length) {
        this.ring.splice(0, this.ringHead);
        this.ringHead = 0;
      }
      const queue = this.hosts.get(host);
      if (!queue) continue;
      queue.ready = false;
      const key = queue.keys[queue.head++]!;
      if (queue.head > 1024 && queue.head * 2 > queue.keys.length) {
        queue.keys.splice(0, queue.head);
        queue.head = 0;
      }
      this.queued.delete(key);
      queue.active++;
      this.active++;
      // Back in the ring behind the other hosts, if it has more and a free slot.
      this.makeReady(host, queue);
      void this.run(key)
        .catch(() => undefined)
        .finally(() => this.finished(host));
    }
  }

  private finished(host: string): void {
    this.active--;
    const queue = this.hosts.get(host);
    if (queue) {
      queue.active--;
      if (queue.active === 0 && queue.head >= queue.keys.length) this.hosts.delete(host);
      else this.makeReady(host, queue);
    }
    this.pump();
    this.settleIdle();
  }

  private settleIdle(): void {
    if (this.active !== 0 || this.queued.size !== 0) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
