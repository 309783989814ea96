/**
 * A big near-duplicate pass gives the event loop a turn between slices (a cold build of 100,000
 * articles held the main thread for 12–23 s), and the clusters it finds are the same.
 */
import { describe, expect, it } from 'vitest';
import { draftFromText } from '../../src/catalog/draft-file.js';
import { DEFAULT_NEAR_DUP_THRESHOLD } from '../../src/dedupe/defaults.js';
import { NearDupIndex } from '../../src/dedupe/near-dup-index.js';
import { Slices } from '../../src/slices.js';
import type { Draft } from '../../src/model.js';

/** Forty CJK characters, different for each n. */
function paragraph(n: number): string {
  let x = n * 2654435761 + 12345;
  let text = '';
  for (let i = 0; i < 40; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    text += String.fromCharCode(0x4e00 + ((x >>> 8) % 3000));
  }
  return `${text}。`;
}

/** Stories of twelve paragraphs; every third one a near copy of the one before (one paragraph changed). */
function drafts(count: number): Map<string, Draft> {
  const out = new Map<string, Draft>();
  for (let i = 0; i < count; i++) {
    const base = i % 3 === 2 ? i - 1 : i;
    const paragraphs = Array.from({ length: 12 }, (_, p) => paragraph(base * 100 + p));
    if (base !== i) paragraphs[5] = paragraph(i * 1000);
    const draft = draftFromText(`${i}.md`, `|故事 ${i}\n\n${paragraphs.join('\n\n')}`, {
      sketch: true,
    }) as Draft;
    out.set(draft.contentHash, draft);
  }
  return out;
}

const clustersOf = (result: { added: { hashes: readonly string[] }[] }) =>
  result.added.map((c) => c.hashes.join(',')).sort();

describe('the near-duplicate pass', () => {
  it('gives the event loop turns in a big batch and finds the same clusters', async () => {
    const batch = drafts(60);
    const whole = await new NearDupIndex(DEFAULT_NEAR_DUP_THRESHOLD).update(
      batch,
      new Slices(Number.POSITIVE_INFINITY),
    );
    let turns = 0;
    const tick = () => {
      turns++;
      if (turns < 1_000) timer = setImmediate(tick);
    };
    let timer = setImmediate(tick);
    const sliced = await new NearDupIndex(DEFAULT_NEAR_DUP_THRESHOLD).update(batch, new Slices(0));
    clearImmediate(timer);
    // A turn per draft at least: three loops each pause before every item.
    expect(turns).toBeGreaterThanOrEqual(60);
    expect(clustersOf(sliced)).toEqual(clustersOf(whole));
    // The near copies were found: 40 clusters of 60 stories.
    expect(whole.added).toHaveLength(40);
  });

  it('never pauses within its slice: a small change ends in the turn it started', async () => {
    const index = new NearDupIndex(DEFAULT_NEAR_DUP_THRESHOLD);
    await index.update(drafts(30));
    let turned = false;
    setImmediate(() => (turned = true));
    const [hash, draft] = [...drafts(31)].at(-1)!;
    await index.update(new Map([[hash, draft]]), new Slices(Number.POSITIVE_INFINITY));
    expect(turned).toBe(false);
  });
});
