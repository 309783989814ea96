/**
 * The pipeline spills the near-duplicate sketches and the summaries after each built run (serve's, through
 * `wordSpill`): a spool that cannot be opened is told to the hook, the run still serves, and
 * the next run tries again; near-duplicates then still merge against spilled sketches.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { summaryOf } from '../../src/catalog/summary-ref.js';
import type { WordSpool } from '../../src/catalog/word-arena.js';
import { Pipeline, type PipelineSettings } from '../../src/pipeline.js';
import { Spool } from '../../src/workers/spool.js';
import { articleText } from '../support/small-corpus.js';
import { BASE_URL, makeTempDir, SITE_TITLE } from '../support/site.js';

const FILES = 40;

let temp: { dir: string; remove: () => Promise<void> };
let settings: PipelineSettings;

beforeAll(async () => {
  temp = await makeTempDir('seedfeed-pipeline-spill-');
  for (let i = 0; i < FILES; i++)
    await writeFile(path.join(temp.dir, `${String(i).padStart(3, '0')}.md`), articleText(i));
  settings = {
    seedsDir: temp.dir,
    extensions: ['.md'],
    maxFileBytes: 1 << 20,
    baseUrl: BASE_URL,
    siteTitle: SITE_TITLE,
    limit: 50,
  };
});
afterAll(() => temp.remove());

describe('a pipeline with spools for sketches and summaries', () => {
  it('tells a spool it cannot open, serves anyway, and spills at the next run', async () => {
    const failures: string[] = [];
    const opened: Spool[] = [];
    let refuse = true;
    let reads = 0;
    const pipeline = new Pipeline({
      settings,
      wordSpill: {
        open: (): WordSpool => {
          if (refuse) throw new Error('EACCES: permission denied, mkdtemp');
          const spool = Spool.open();
          opened.push(spool);
          return {
            append: (bytes) => spool.append(bytes),
            view: (at, length) => {
              reads++;
              return spool.view(at, length);
            },
            close: () => spool.close(),
          };
        },
        // A sketch is 67 words here: the 40 articles fill one chunk of 2,048 and start another.
        chunkWords: 2048,
      },
      hooks: { wordsNotSpilled: (error) => failures.push(error.message) },
    });
    try {
      const first = await pipeline.run();
      expect(first.outcome).toBe('built');
      expect(failures).toEqual(['EACCES: permission denied, mkdtemp']);
      if (first.outcome !== 'built') return;
      expect(first.site.catalog.articles).toHaveLength(FILES);

      // The next built run spills (an unchanged one has nothing new to spill).
      refuse = false;
      await writeFile(path.join(temp.dir, '100.md'), articleText(100));
      expect((await pipeline.run({ paths: ['100.md'] })).outcome).toBe('built');
      expect(opened).toHaveLength(2); // the sketches' spool and the summaries'
      expect(failures).toHaveLength(1);

      // A near-copy of article 7 (a sentence more) must merge with it, whose sketch the
      // near-duplicate look-up reads back from the spool.
      await writeFile(path.join(temp.dir, 'copy-of-7.md'), articleText(7, ' Syndicated.'));
      const third = await pipeline.run({ paths: ['copy-of-7.md'] });
      expect(third.outcome).toBe('built');
      if (third.outcome !== 'built') return;
      const merged = third.site.catalog.articles.find((a) => a.sources.includes('copy-of-7.md'));
      expect(merged?.sources).toEqual(['007.md', 'copy-of-7.md']);
      expect(third.site.catalog.nearDuplicates).toBe(1);
      expect(reads).toBeGreaterThan(0);

      // Every summary, spilled or not, reads back as a pipeline that keeps all in memory has it.
      const cold = await new Pipeline({ settings }).run();
      if (cold.outcome !== 'built') throw new Error(cold.outcome);
      const shared = third.site.catalog.articles.filter((a) => typeof a.summary !== 'string');
      expect(shared).toHaveLength(third.site.catalog.articles.length);
      const readsBefore = reads;
      expect(new Map(third.site.catalog.articles.map((a) => [a.guid, summaryOf(a)]))).toEqual(
        new Map(cold.site.catalog.articles.map((a) => [a.guid, summaryOf(a)])),
      );
      expect(reads).toBeGreaterThan(readsBefore);
    } finally {
      for (const spool of opened) spool.close();
    }
  });
});
