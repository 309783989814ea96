import type { PageJob, PageSettings } from '../export/article-pages.js';
import type { WorkerSlot } from './worker-slot.js';

/** Article pages sent to a worker in one request. */
const PAGES_PER_REQUEST = 256;

/**
 * Which worker holds the body of which source file, and the requests that use those bodies where
 * they are: hand some over, or write their article pages.
 */
export class BodyHolders<T> {
  /** By source: the worker, and when it was recorded — the order in which that worker stored its bodies. */
  private readonly holders = new Map<
    string,
    { readonly slot: WorkerSlot<T>; readonly n: number }
  >();
  private recorded = 0;

  holds(source: string): boolean {
    return this.holders.has(source);
  }

  record(source: string, slot: WorkerSlot<T>): void {
    this.holders.set(source, { slot, n: this.recorded++ });
  }

  /** The body is parsed again: whichever worker held it, it is no longer asked for. */
  drop(source: string): void {
    this.holders.delete(source);
  }

  /** The worker ended: the bodies it held are gone. */
  dropWorker(slot: WorkerSlot<T>): void {
    for (const [source, holder] of this.holders)
      if (holder.slot === slot) this.holders.delete(source);
  }

  clear(): void {
    this.holders.clear();
    this.recorded = 0;
  }

  /** The bodies the workers hold for these sources (one a worker lost in ending is simply missing). */
  async bodies(sources: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    await Promise.all(
      [...this.group(sources, (s) => s)].map(async ([slot, list]) => {
        const response = await slot.call({ type: 'bodies', sources: list }).catch(() => undefined);
        if (response && 'bodies' in response)
          for (const [source, html] of response.bodies) out.set(source, html);
      }),
    );
    return out;
  }

  /** Has the workers render and atomically write the article pages whose bodies they hold. */
  async writePages(
    settings: PageSettings,
    outDir: string,
    pages: readonly PageJob[],
  ): Promise<void> {
    await Promise.all(
      [...this.group(pages, (p) => p.article.bodySource)].map(async ([slot, jobs]) => {
        for (let i = 0; i < jobs.length; i += PAGES_PER_REQUEST) {
          await slot.call({
            type: 'pages',
            settings,
            outDir,
            pages: jobs.slice(i, i + PAGES_PER_REQUEST).map(withoutSummary),
          });
        }
      }),
    );
  }

  /**
   * The pages in the order their bodies were stored (those not held last): each worker then
   * reads the bodies in its spool file front to back.
   */
  inStoredOrder(pages: PageJob[]): PageJob[] {
    // Each page's place looked up once, not at every comparison (90,000 pages: 0.5 s to 0.05 s).
    const n = pages.map(
      (page) => this.holders.get(page.article.bodySource)?.n ?? Number.MAX_SAFE_INTEGER,
    );
    const order = Array.from(pages.keys()).sort((a, b) => n[a]! - n[b]! || a - b);
    return order.map((i) => pages[i]!);
  }

  private group<I>(items: readonly I[], sourceOf: (item: I) => string): Map<WorkerSlot<T>, I[]> {
    const bySlot = new Map<WorkerSlot<T>, I[]>();
    for (const item of items) {
      const slot = this.holders.get(sourceOf(item))?.slot;
      if (!slot) continue;
      const list = bySlot.get(slot);
      if (list) list.push(item);
      else bySlot.set(slot, [item]);
    }
    return bySlot;
  }
}

/**
 * A page job as it goes to a worker: its article without the summary, which a page does not show
 * and which is kept in shared words (catalog/word-arena.ts): structured cloning copied each
 * request's 256 KB chunks whole (0.6 s of this thread at 100,000 articles).
 */
function withoutSummary({ file, article }: PageJob): PageJob {
  const { summary: _summary, summaryAt: _summaryAt, ...rest } = article;
  return { file, article: { ...rest, summary: '' } };
}
