/**
 * When the parse workers write article pages (stage-changed.ts's PageWriter): pages going into a
 * directory the export staged are written while the main thread renders and stages the other
 * documents (nobody sees them before the export commits); pages replaced where readers look are
 * written only once every other document is staged, so a failure before leaves them as they were.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { writeArticlePages, type PageJob } from '../../src/export/article-pages.js';
import { MANIFEST } from '../../src/export/manifest.js';
import { writeSite, type PageWriter } from '../../src/export/write-site.js';
import { Pipeline } from '../../src/pipeline.js';
import type { Site } from '../../src/render/site.js';
import { fileForPath } from '../../src/render/urls.js';
import {
  BASE_URL,
  listFiles,
  SAMPLES,
  SITE_TITLE,
  siteFor,
  tempDirsRemovedAfterAll,
} from '../support/site.js';

const tempDir = tempDirsRemovedAfterAll('seedfeed-page-order-');

let site: Site;
beforeAll(async () => {
  site = (await siteFor(SAMPLES)).site;
});

/** Writes pages in this thread as a worker would, from the catalog's bodies; says when it is called. */
function recordingWriter(events: string[]): PageWriter & { called: Promise<void> } {
  let called!: () => void;
  return {
    called: new Promise<void>((resolve) => (called = resolve)),
    holds: () => true,
    writePages: async (settings, outDir, pages: readonly PageJob[]) => {
      events.push(`pages ${pages.length}`);
      called();
      writeArticlePages(settings, outDir, pages, (source) =>
        Buffer.from(site.catalog.content.get(source)!),
      );
    },
  };
}

/** The site, with `load` of its documents (not article pages) wrapped. */
function withLoad(around: (p: string, load: () => ReturnType<Site['load']>) => unknown): Site {
  return Object.create(site, {
    load: {
      value: (p: string) => (site.article(p) ? site.load(p) : around(p, () => site.load(p))),
    },
  }) as Site;
}

/**
 * The site, with its last document (but the index and the OPML list) rendered only once `until`
 * settles, failing with `failure` after 3 s; each document rendered is logged in `events`.
 */
function withLastWaiting(until: Promise<unknown>, failure: string, events: string[]): Site {
  const last = [...site.paths()].find((p) => !site.article(p) && p !== '/' && p !== '/opml.xml');
  return withLoad(async (p, load) => {
    if (p === last)
      await Promise.race([
        until,
        new Promise((_, reject) => setTimeout(() => reject(new Error(failure)), 3000)),
      ]);
    events.push('document');
    return load();
  });
}

const articlePages = () => [...site.paths()].filter((p) => site.article(p)).length;

describe('article pages written by the workers', () => {
  it('on a cold export, while the feeds and lists are still being staged', async () => {
    const out = await tempDir();
    const events: string[] = [];
    const writer = recordingWriter(events);
    // One document is not rendered until the pages are on their way: before, they never were.
    const waiting = withLastWaiting(writer.called, 'pages waited for every other document', events);
    await writeSite(waiting, out, { pageWriter: writer });
    expect(events.indexOf(`pages ${articlePages()}`)).toBeLessThan(events.lastIndexOf('document'));
    const files = await listFiles(out);
    for (const p of site.paths()) {
      expect(files).toContain(fileForPath(p));
      expect(await readFile(path.join(out, fileForPath(p)))).toEqual(
        Buffer.from((await site.load(p))!.body),
      );
    }
  });

  it('replacing pages already there, only once every other document is staged', async () => {
    const out = await tempDir();
    await writeSite(site, out, { pageWriter: recordingWriter([]) });
    const page = fileForPath([...site.paths()].find((p) => site.article(p))!);
    const before = await stat(path.join(out, page));
    await rm(path.join(out, MANIFEST)); // every file is written again
    const events: string[] = [];
    const failing = withLoad((p, load) => {
      if (p === '/rss.xml')
        throw Object.assign(new Error('ENOSPC: no space left'), { code: 'ENOSPC' });
      return load();
    });
    await expect(writeSite(failing, out, { pageWriter: recordingWriter(events) })).rejects.toThrow(
      /ENOSPC/,
    );
    expect(events).toEqual([]);
    expect((await stat(path.join(out, page))).ino).toBe(before.ino);
  });

  it('says when the writer is done with its pages, before the other documents are all staged', async () => {
    const out = await tempDir();
    const events: string[] = [];
    const writer = recordingWriter(events);
    let pagesDone!: () => void;
    const released = new Promise<void>((resolve) => (pagesDone = resolve));
    // This document waits for the writer to be let go: before, it never was.
    const waiting = withLastWaiting(released, 'let go only after every document', events);
    await writeSite(waiting, out, {
      pageWriter: writer,
      afterPages: async () => {
        events.push('after pages');
        pagesDone();
      },
    });
    const at = events.indexOf('after pages');
    expect(events.filter((e) => e === 'after pages')).toHaveLength(1);
    expect(at).toBeGreaterThan(events.indexOf(`pages ${articlePages()}`));
    expect(at).toBeLessThan(events.lastIndexOf('document'));
  });

  it('with article pages to render here, lets the writer go only after them', async () => {
    const out = await tempDir();
    const events: string[] = [];
    // The first article's body is not held: its page is rendered here, and rendering it may need
    // its file parsed again, by the very workers the release would end.
    const articles = [...site.paths()].flatMap((p) => site.article(p) ?? []);
    const held = new Set(articles.slice(1).map((a) => a.bodySource));
    const writer = { ...recordingWriter(events), holds: (source: string) => held.has(source) };
    const logging = Object.create(site, {
      load: {
        value: (...args: Parameters<Site['load']>) => {
          if (site.article(args[0])) events.push('article here');
          return site.load(...args);
        },
      },
    }) as Site;
    await writeSite(logging, out, {
      pageWriter: writer,
      afterPages: async () => void events.push('after pages'),
    });
    expect(events.filter((e) => e === 'article here')).toHaveLength(1);
    expect(events.indexOf('after pages')).toBeGreaterThan(events.indexOf('article here'));
    expect(events.filter((e) => e === 'after pages')).toHaveLength(1);
  });

  it('when pages are replaced, says so only once they are written', async () => {
    const out = await tempDir();
    await writeSite(site, out, { pageWriter: recordingWriter([]) });
    await rm(path.join(out, MANIFEST)); // every file is written again
    const events: string[] = [];
    await writeSite(site, out, {
      pageWriter: recordingWriter(events),
      afterPages: async () => void events.push('after pages'),
    });
    expect(events.at(-1)).toBe('after pages');
    expect(events.filter((e) => e === 'after pages')).toHaveLength(1);
    expect(events.some((e) => e.startsWith('pages '))).toBe(true);
  });

  it("a pipeline's release comes once an export, whether it is written or fails", async () => {
    const settings = {
      seedsDir: SAMPLES,
      extensions: ['.md', '.txt', '.html'],
      maxFileBytes: 5 << 20,
      baseUrl: BASE_URL,
      siteTitle: SITE_TITLE,
      limit: 50,
    };
    const releasesOf = async (outDir: string) => {
      let releases = 0;
      const target = { outDir, state: false, pageWriter: recordingWriter([]) };
      const release = async () => void releases++;
      const run = await new Pipeline({ settings, export: { ...target, release } }).run();
      return { outcome: run.outcome, releases };
    };
    expect(await releasesOf(await tempDir())).toEqual({ outcome: 'built', releases: 1 });
    // --out is a file: the export fails before any page is written.
    const file = path.join(await tempDir(), 'out');
    await writeFile(file, '');
    expect(await releasesOf(file)).toEqual({ outcome: 'failed', releases: 1 });
  });
});
