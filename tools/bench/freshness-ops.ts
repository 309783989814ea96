import { unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { seedText, type FreshTree } from './fresh-tree.js';

/**
 * One change to the seeds and how long until the service shows it: write → served, from the
 * moment the write (or unlink) returned to the first response that shows the change, polling
 * every 10 ms over a kept-alive connection (fetch keeps it open). Finding the article page of
 * an edit or delete target (one filtered feed request) happens before the clock starts.
 */

export type Kind = 'new' | 'edit' | 'delete';
export const KINDS: readonly Kind[] = ['new', 'edit', 'delete'];

const POLL_MS = 10;
const GIVE_UP_MS = 120_000;

export async function get(url: string, etag?: string): Promise<Answer> {
  try {
    const response = await fetch(url, etag ? { headers: { 'If-None-Match': etag } } : {});
    return {
      status: response.status,
      text: await response.text(),
      etag: response.headers.get('etag') ?? undefined,
    };
  } catch {
    return { status: 0, text: '' }; // not listening (yet)
  }
}

interface Answer {
  readonly status: number;
  readonly text: string;
  readonly etag?: string;
}

/**
 * Milliseconds from `since` until `shows` holds for a response of `url`; undefined after
 * `giveUpMs`. Polls are conditional (If-None-Match, as feed readers ask), so an unchanged
 * resource costs the service a 304, not a body: the polling disturbs what it measures little.
 */
export async function msUntil(
  url: string,
  shows: (r: Answer) => boolean,
  since = performance.now(),
  giveUpMs = GIVE_UP_MS,
): Promise<number | undefined> {
  let etag: string | undefined;
  while (performance.now() - since < giveUpMs) {
    const answer = await get(url, etag);
    if (answer.status !== 304 && shows(answer)) return performance.now() - since;
    if (answer.status === 200) etag = answer.etag;
    await sleep(POLL_MS);
  }
  return undefined;
}

/** Waits until /healthz has said it is not scanning for `quietMs` in a row. */
export async function quiet(origin: string, quietMs = 500): Promise<void> {
  let since = performance.now();
  for (;;) {
    const { text } = await get(`${origin}/healthz`);
    const scanning = !text || (JSON.parse(text) as { scanning: boolean }).scanning;
    if (scanning) since = performance.now();
    else if (performance.now() - since >= quietMs) return;
    await sleep(50);
  }
}

/** The article page of the one article titled `title`, found through the site's search (`/?q=`). */
async function articlePage(origin: string, title: string): Promise<string> {
  const { text } = await get(`${origin}/?q=${encodeURIComponent(title)}`);
  const ids = new Set([...text.matchAll(/\/articles\/([0-9a-z]+)\//g)].map((m) => m[1]!));
  if (ids.size !== 1)
    throw new Error(`${ids.size} articles titled ${JSON.stringify(title)} are served, not 1`);
  return `${origin}/articles/${[...ids][0]!}/`;
}

export class Changes {
  private next = { new: 0, edit: 0, delete: 0 };

  constructor(
    private readonly tree: FreshTree,
    private readonly origin: string,
    private readonly sentences: readonly string[],
  ) {}

  /** Makes one change of this kind and returns its write → served milliseconds (undefined: never). */
  async make(kind: Kind): Promise<number | undefined> {
    const i = this.next[kind]++;
    const { tree, origin, sentences } = this;
    if (kind === 'new') {
      const title = `fresh-new-${i}-${tree.token}`;
      const dir = tree.dirs[(i * 13) % tree.dirs.length]!;
      // A body of its own in every run: one a file of an earlier run has would merge with it.
      const text = seedText(title, new Date(), sentences, 5000 + i + parseInt(tree.token, 16));
      await writeFile(path.join(dir, `fresh-new-${tree.token}-${i}.md`), text);
      return msUntil(`${origin}/rss.xml`, (r) => r.status === 200 && r.text.includes(title));
    }
    const target = (kind === 'edit' ? tree.editTargets : tree.deleteTargets)[i];
    if (!target) throw new Error(`only ${i} ${kind} targets were prepared`);
    const page = await articlePage(origin, target.title);
    if (kind === 'delete') {
      await unlink(target.file);
      return msUntil(page, (r) => r.status === 404);
    }
    const title = `fresh-edited-${i}-${tree.token}`;
    await writeFile(
      target.file,
      seedText(title, target.date, sentences, 9000 + i + parseInt(tree.token, 16)),
    );
    return msUntil(page, (r) => r.status === 200 && r.text.includes(title));
  }
}
