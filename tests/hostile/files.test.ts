/**
 * A whole scan of the hostile directory (tests/hostile/corpus.ts): every file gets the outcome
 * the corpus names — an article, a duplicate of a named article, or a rejection with its reason —
 * the well-behaved articles come through intact, and everything rendered from the directory is
 * well-formed, free of XML-illegal characters and of anything executable. The export stays inside
 * its directory.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { writeSite } from '../../src/export/write-site.js';
import { CatalogScanner } from '../../src/catalog/catalog-scanner.js';
import { MAX_NAMES } from '../../src/parse/fields.js';
import { MAX_NESTING, limitNesting } from '../../src/parse/nesting.js';
import type { Article, Catalog } from '../../src/model.js';
import type { Site } from '../../src/render/site.js';
import { scanConfig } from '../support/seeds.js';
import { expectAllWellFormed, listFiles, makeSite, makeTempDir } from '../support/site.js';
import { EXPECTED, NORMAL, NORMAL_TITLE, writeHostileSeeds } from './corpus.js';
import { findExecutable } from './executable.js';
import { summaryOf } from '../../src/catalog/summary-ref.js';

/**
 * What XML 1.0 forbids (lone surrogates included: the `u` flag sees them). U+FFFD is legal, and
 * is what the HTML standard makes of `&#0;` and `&#xD800;` in a body, so it is not counted here.
 */
const XML_ILLEGAL = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

let temp: Awaited<ReturnType<typeof makeTempDir>>;
let seeds: string;
let outside: string;
let catalog: Catalog;
let site: Site;
let scanMs: number;
/** Every path of the site with its text (article pages loaded from their files). */
const outputs = new Map<string, { type: string; text: string }>();

beforeAll(async () => {
  temp = await makeTempDir('seedfeed-hostile-files-');
  ({ seeds, outside } = await writeHostileSeeds(temp.dir));
  const started = performance.now();
  ({ catalog } = await new CatalogScanner(scanConfig(seeds)).scan());
  scanMs = performance.now() - started;
  site = await makeSite(catalog);
  for (const p of site.paths()) {
    const resource = await site.load(p);
    // Text outputs only: the icon is an image.
    if (resource && !resource.contentType.startsWith('image/'))
      outputs.set(p, {
        type: resource.contentType,
        text: Buffer.from(resource.body).toString('utf8'),
      });
  }
}, 120_000);

afterAll(() => temp?.remove());

const articleOf = (file: string): Article | undefined =>
  catalog.articles.find((a) => a.sources.includes(file));
const rejectionOf = (file: string) => catalog.rejected.find((r) => r.file === file);
const ofType = (pattern: RegExp) => [...outputs].filter(([, o]) => pattern.test(o.type));

describe('every hostile file gets its defined outcome', () => {
  it('the corpus and the directory list the same files', () => {
    const onDisk = readdirSync(seeds).sort();
    expect(onDisk).toEqual(Object.keys(EXPECTED).sort());
  });

  it('every file is in exactly one article or among the rejected, never both, never lost', () => {
    const placed = [
      ...catalog.articles.flatMap((a) => a.sources),
      ...catalog.rejected.map((r) => r.file),
    ].sort();
    expect(placed).toEqual(Object.keys(EXPECTED).sort());
    expect(catalog.files).toBe(Object.keys(EXPECTED).length);
  });

  it.each(Object.entries(EXPECTED))('%j', (file, outcome) => {
    const article = articleOf(file);
    const rejection = rejectionOf(file);
    switch (outcome.kind) {
      case 'rejected':
        expect(article, `${file} should be rejected`).toBeUndefined();
        expect(rejection?.reason).toMatch(outcome.reason);
        break;
      case 'duplicate':
        expect(rejection, `${file} was rejected: ${rejection?.reason}`).toBeUndefined();
        expect(article?.sources).toContain(outcome.of);
        expect(article?.bodySource).not.toBe(file);
        break;
      case 'article':
        expect(rejection, `${file} was rejected: ${rejection?.reason}`).toBeUndefined();
        expect(article?.bodySource).toBe(file);
        // The article's own file, plus only the copies the corpus names as its duplicates.
        expect(article?.sources.filter((source) => EXPECTED[source]?.kind !== 'duplicate')).toEqual(
          [file],
        );
        if (typeof outcome.title === 'string') expect(article!.title).toBe(outcome.title);
        else if (outcome.title) expect(article!.title).toMatch(outcome.title);
        break;
    }
  });
});

describe('the rest of the scan is unaffected', () => {
  it('the normal article is whole: fields, body, and its five copies merged into it', () => {
    const normal = articleOf(NORMAL)!;
    expect(normal).toMatchObject({
      title: NORMAL_TITLE,
      author: 'Normal Author',
      categories: ['News'],
      bodySource: NORMAL,
    });
    expect(new Date(normal.date).toISOString()).toBe('2024-03-01T08:00:00.000Z');
    expect(normal.sources).toHaveLength(6);
    expect(summaryOf(normal)).toBe(
      'This is the normal article. It has two paragraphs. Nothing hostile lives here, and every copy of it dedupes into it.',
    );
    const page = outputs.get(`/articles/${normal.id}/`)!.text;
    expect(page).toContain('<p>This is the normal article. It has two paragraphs.</p>');
    expect(page).toContain(
      '<p>Nothing hostile lives here, and every copy of it dedupes into it.</p>',
    );
  });

  it('a category named etc keeps the slug etc; ../../etc and the others get safe slugs of their own', () => {
    const slugOf = (name: string) => catalog.categories.find((c) => c.name === name)?.slug;
    expect(slugOf('etc')).toBe('etc');
    expect(slugOf('../../etc')).toMatch(/^etc-[0-9a-f]{8}$/);
    const slugs = catalog.categories.map((c) => c.slug);
    expect(new Set(slugs).size).toBe(slugs.length);
    for (const slug of slugs) {
      expect(slug).toMatch(/^[\p{L}\p{N}\p{M}][\p{L}\p{N}\p{M}.~-]*$/u);
      expect(slug).not.toContain('..');
      expect(slug).not.toMatch(/^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i);
    }
    const hostile = articleOf('categories-hostile.md')!;
    // The empty name is dropped; every other one is a category.
    expect(hostile.categories).toEqual([
      '../../etc',
      '..',
      '/',
      'CON',
      '.',
      'nul.txt',
      '\\',
      '%2e%2e%2f',
      'a/../../b',
    ]);
  });

  it('the export writes every file inside its directory, and nothing next to it', async () => {
    const out = path.join(temp.dir, 'out');
    await mkdir(out);
    await writeSite(site, out);
    const files = await listFiles(out);
    expect(files.length).toBeGreaterThan(50);
    for (const file of files)
      expect(path.resolve(out, file).startsWith(`${out}${path.sep}`)).toBe(true);
    expect(readdirSync(temp.dir).sort()).toEqual(['out', 'outside', 'seeds']);
    expect(readdirSync(outside)).toEqual(['secret.md']);
    expect(files).toContain('categories/etc/index.html');
  });
});

describe('the files that used to break the pipeline', () => {
  it('the scan of the whole directory takes seconds, not minutes (100,000 nested divs, 5,000 categories)', () => {
    expect(scanMs).toBeLessThan(15_000);
  });

  it('100,000 nested divs: the text inside the nesting survives, the nesting is cut at MAX_NESTING', () => {
    const page = outputs.get(`/articles/${articleOf('nested-divs.md')!.id}/`)!.text;
    expect(page).toContain('Text before the nesting.');
    expect(page).toContain('deep text');
    expect(page).toContain('Text after the nesting.');
    // The sanitizer drops empty containers, so what remains is at most MAX_NESTING levels.
    expect(page.split('<div>').length - 1).toBeLessThanOrEqual(MAX_NESTING);
  });

  it('limitNesting keeps sibling paragraphs and list items, which are not nesting', () => {
    const siblings = `${'<p>para'.repeat(MAX_NESTING * 2)}<ul>${'<li>item'.repeat(MAX_NESTING * 2)}</ul>`;
    expect(limitNesting(siblings)).toBe(siblings);
    const deep = `${'<div>'.repeat(MAX_NESTING + 5)}x${'</div>'.repeat(MAX_NESTING + 5)}`;
    expect(limitNesting(deep)).toBe(
      `${'<div>'.repeat(MAX_NESTING)}x${'</div>'.repeat(MAX_NESTING)}`,
    );
  });

  it('5,000 categories: the first MAX_NAMES are kept, with a notice', () => {
    const article = articleOf('many-categories.md')!;
    expect(article.categories).toEqual(Array.from({ length: MAX_NAMES }, (_, i) => `cat-${i}`));
    expect(catalog.notices).toContainEqual({
      file: 'many-categories.md',
      note: `5000 categories; only the first ${MAX_NAMES} are used`,
    });
  });

  it('a 100,000-character title is cut to 500 characters', () => {
    expect(articleOf('long-title.md')!.title).toHaveLength(500);
  });

  it('raw control characters in front matter no longer reject the file; none reaches the article', () => {
    const raw = articleOf('control-raw.md')!;
    expect(raw).toMatchObject({
      title: 'Raw controls in the title',
      author: 'Raw author',
      categories: ['rawcat'],
    });
    const escaped = articleOf('control-escaped.md')!;
    expect(escaped).toMatchObject({
      title: 'Escaped controls in the title',
      author: 'Escaped author',
      categories: ['esccat'],
    });
  });

  it('a relative first image (<img src="x">) is not made the enclosure, so the feeds render', () => {
    expect(articleOf('xss-body.md')!.image).toBeUndefined();
    expect(articleOf('xss-fields.md')!.image).toBe(
      'https://img.example.com/a.png%22%3E%3Cscript%3E__pwned=1%3C/script%3E',
    );
    expect(outputs.has('/rss.xml')).toBe(true);
  });

  it('no front matter was executed and no prototype was polluted', () => {
    expect((globalThis as Record<string, unknown>).__seedfeedExecuted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('dates: the future date is kept as written, epoch 0 is a date, impossible and garbage dates fall back with a notice', () => {
    expect(new Date(articleOf('date-future.md')!.date).toISOString()).toBe(
      '2999-12-31T00:00:00.000Z',
    );
    expect(articleOf('date-epoch0.md')!.date).toBe(0);
    for (const file of ['date-impossible.md', 'date-garbage.md']) {
      expect(catalog.notices.filter((n) => n.file === file).map((n) => n.note)).toContainEqual(
        expect.stringMatching(/^no usable date; using the file's first-seen modification time/),
      );
    }
  });
});

describe('everything rendered from the hostile directory', () => {
  it('covers pages, feeds and OPML', () => {
    expect(ofType(/text\/html/).length).toBeGreaterThan(40);
    expect(ofType(/xml/).length).toBeGreaterThan(40);
    expect(ofType(/json/).length).toBeGreaterThan(20);
  });

  it('every RSS, Atom and OPML document is well-formed XML (xmllint, one run over all of them)', async () => {
    await expectAllWellFormed(ofType(/xml/).map(([p, o]) => ({ name: p, contents: o.text })));
  });

  it('every JSON Feed parses as JSON Feed 1.1', () => {
    for (const [p, o] of ofType(/json/)) {
      if (!/feed\+json/.test(o.type)) continue;
      const feed = JSON.parse(o.text) as { version: string; items: unknown[] };
      expect(feed.version, p).toBe('https://jsonfeed.org/version/1.1');
      expect(Array.isArray(feed.items), p).toBe(true);
    }
  });

  it('no output holds a character XML forbids', () => {
    for (const [p, o] of outputs) {
      const bad = XML_ILLEGAL.exec(o.text);
      expect(bad, `${p}: U+${bad?.[0].codePointAt(0)?.toString(16)}`).toBeNull();
    }
  });

  it('no page and no feed item content holds anything executable', () => {
    const found: string[] = [];
    for (const [p, o] of ofType(/text\/html/))
      for (const f of findExecutable(o.text)) found.push(`${p}: ${f}`);
    for (const [p, o] of ofType(/feed\+json/)) {
      const feed = JSON.parse(o.text) as { items: Array<{ content_html?: string }> };
      for (const item of feed.items)
        for (const f of findExecutable(item.content_html ?? '', { fragment: true }))
          found.push(`${p}: ${f}`);
    }
    expect(found).toEqual([]);
  });

  it('the checker finds what the payloads were before sanitizing (it can fail)', () => {
    const raw = `${outputs.get('/')!.text}<script>x</script><img src=x onerror=y><a href=" java\tscript:z">a</a><a href="data:text/html,x">d</a><base href="//e"><meta http-equiv="refresh" content="0"><iframe></iframe><div style="width:expression(1)"></div>`;
    expect(findExecutable(raw)).toHaveLength(8);
  });
});
