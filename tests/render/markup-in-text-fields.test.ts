/**
 * Markup in text fields never reaches a reader as live markup, and titles read back exactly.
 *
 * The seeds carry a category `<img src=x onerror=alert(1)>`, a tag and an author with markup, and
 * titles with `]]>`, `<i>`, `&` and a literal `&amp;`. Every document the site makes is parsed with
 * a strict XML parser (saxes) and read the way readers read it:
 * - RSS `description` (channel and item) is HTML (RSS 2.0 spec, "entity-encoded HTML is allowed");
 * - RSS `title`, `dc:creator` and `category` say nothing of their type (RSS Best Practices Profile,
 *   "Character Data"): some readers show them as plain text, some render them as HTML, and the
 *   Universal Feed Parser guesses (HTML when the text has a close tag or an entity). Each of the
 *   three must show the same thing, and no HTML reading may find an element;
 * - Atom text constructs follow their `type` (RFC 4287 §3.1); JSON Feed strings are plain text;
 * - OPML `text`/`title` are shown by outliners and readers, often as HTML.
 * Then xmllint confirms every XML document is well-formed, and (where installed) the Universal
 * Feed Parser itself confirms the titles.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { load } from 'cheerio';
import type { Element } from 'domhandler';
import { SaxesParser } from 'saxes';
import type { Catalog } from '../../src/model.js';
import { Site } from '../../src/render/site.js';
import {
  BASE_URL,
  BUILT_AT,
  SITE_TITLE,
  expectAllWellFormed,
  loadText,
  makeTempDir,
  resourceText,
  scanCatalog,
} from '../support/site.js';

const IMG = '<img src=x onerror=alert(1)>';
const SVG = '<svg onload=alert(3)>';
const AUTHOR = '<b onmouseover=alert(2)>Mallory</b>';
const TITLE = 'a ]]> b <i>x</i> & c';
/** A title holding a literal entity: an HTML reading must not turn `&amp;` into `&`. */
const LITERAL_TITLE = 'literal &amp; and &lt;b&gt; <b>bold</b>';
/** An everyday title: a spaced `&` reads the same as text and as HTML. */
const PLAIN_TITLE = 'Tom & Jerry -> 3 > 2';

const seed = (title: string, day: number, body: string) => `---
title: ${JSON.stringify(title)}
author: ${JSON.stringify(AUTHOR)}
categories:
  - ${JSON.stringify(IMG)}
tags:
  - ${JSON.stringify(SVG)}
date: 2024-05-0${day}T10:00:00Z
---
<p>${body}</p>
`;

let temp: Awaited<ReturnType<typeof makeTempDir>>;
let catalog: Catalog;
let site: Site;

beforeAll(async () => {
  temp = await makeTempDir('seedfeed-markup-');
  await writeFile(path.join(temp.dir, 'newest.md'), seed(TITLE, 3, 'The newest body.'));
  await writeFile(path.join(temp.dir, 'middle.md'), seed(PLAIN_TITLE, 2, 'The middle body.'));
  await writeFile(path.join(temp.dir, 'oldest.md'), seed(LITERAL_TITLE, 1, 'The oldest body.'));
  catalog = await scanCatalog(temp.dir);
  // One item per feed: the older articles land on RFC 5005 archive pages (render/archive-xml.ts).
  site = await Site.create(
    catalog,
    { baseUrl: BASE_URL, siteTitle: SITE_TITLE, limit: 1, archivePageSize: 1 },
    BUILT_AT,
  );
});

afterAll(() => temp.remove());

// ---------------------------------------------------------------------------------------------
// A strict XML reading (saxes), then the readings of a feed reader.
// ---------------------------------------------------------------------------------------------

interface Node {
  readonly name: string;
  readonly attrs: Record<string, string>;
  readonly children: Node[];
  /** Character data of the element's own text and CDATA children, entities decoded. */
  text: string;
}

function parseXml(document: string): Node {
  const parser = new SaxesParser({ xmlns: false });
  const root: Node = { name: '#document', attrs: {}, children: [], text: '' };
  const stack: Node[] = [root];
  parser.on('opentag', (tag) => {
    const node: Node = {
      name: tag.name,
      attrs: { ...(tag.attributes as Record<string, string>) },
      children: [],
      text: '',
    };
    stack.at(-1)!.children.push(node);
    stack.push(node);
  });
  parser.on('closetag', () => void stack.pop());
  parser.on('text', (text) => (stack.at(-1)!.text += text));
  parser.on('cdata', (text) => (stack.at(-1)!.text += text));
  parser.on('error', (error) => {
    throw error;
  });
  parser.write(document).close();
  return root.children[0]!;
}

const kids = (node: Node, name: string) => node.children.filter((c) => c.name === name);
const kid = (node: Node, name: string) => kids(node, name)[0];

/** What a reader that renders the text as HTML shows: the text of the parsed fragment. */
const shownAsHtml = (text: string) => load(text, null, false).root().text();
/** The elements an HTML reading of the text finds: live markup. */
const liveElements = (text: string) =>
  load(
    text,
    null,
    false,
  )('*')
    .map((_, el) => (el as Element).tagName)
    .get();
/**
 * The Universal Feed Parser's guess for RSS text with no declared type (feedparser/mixin.py,
 * lookslikehtml: a close tag or an entity reference makes it HTML).
 */
const shownByGuess = (text: string) => (/<\/\w+>|&#?\w+;/.test(text) ? shownAsHtml(text) : text);

/** The three readings of an RSS text element whose type nobody declared. */
function expectReadsAs(label: string, text: string, expected: string): void {
  expect(liveElements(text), `${label}: live markup in ${JSON.stringify(text)}`).toEqual([]);
  expect(shownAsHtml(text), `${label}: read as HTML`).toBe(expected);
  expect(shownByGuess(text), `${label}: read by guessing`).toBe(expected);
}

/** An HTML field (RSS description): no element at all, and the text the summary said. */
function expectHtmlText(label: string, text: string, expected: string): void {
  expect(liveElements(text), `${label}: live markup in ${JSON.stringify(text)}`).toEqual([]);
  expect(shownAsHtml(text), label).toBe(expected);
}

/** An Atom text construct (RFC 4287 §3.1): read by its type. */
function atomText(label: string, node: Node): string {
  const type = node.attrs.type ?? 'text';
  if (type === 'text') return node.text;
  expect(type, label).toBe('html');
  expect(liveElements(node.text), `${label}: live markup`).toEqual([]);
  return shownAsHtml(node.text);
}

const articleTitles = new Map<string, string>();
const titleOfGuid = (guid: string) => {
  if (articleTitles.size === 0)
    for (const a of catalog.articles) articleTitles.set(a.guid, a.title);
  const title = articleTitles.get(guid);
  if (title === undefined) expect.fail(`no article has guid ${guid}`);
  return title;
};

/** The feed title and description a group's documents carry (render/site.ts GROUP_TEXT). */
function groupText(sitePath: string): { title: string; description: string } {
  const archive = /\/archive\/([^/]+)\//.exec(sitePath);
  const suffix = archive ? ` (archive ${archive[1]})` : '';
  if (sitePath.startsWith('/categories/'))
    return {
      title: `${SITE_TITLE} — ${IMG}${suffix}`,
      description: `Articles in the category “${IMG}”, newest first.`,
    };
  if (sitePath.startsWith('/tags/'))
    return {
      title: `${SITE_TITLE} — tag ${SVG}${suffix}`,
      description: `Articles tagged “${SVG}”, newest first.`,
    };
  if (sitePath.startsWith('/authors/'))
    return {
      title: `${SITE_TITLE} — by ${AUTHOR}${suffix}`,
      description: `Articles by ${AUTHOR}, newest first.`,
    };
  return {
    title: `${SITE_TITLE} — all articles${suffix}`,
    description: 'All articles, newest first.',
  };
}

const documents = (ending: string) =>
  [...site.paths()].filter((p) => p.endsWith(ending) && p !== '/opml.xml');
const text = (sitePath: string) => resourceText(site, sitePath);

// ---------------------------------------------------------------------------------------------

describe('the premises', () => {
  it('three articles with the hostile author, category and tag; archive pages exist', () => {
    expect(catalog.rejected).toEqual([]);
    expect(catalog.articles.map((a) => a.title)).toEqual([TITLE, PLAIN_TITLE, LITERAL_TITLE]);
    for (const a of catalog.articles) {
      expect(a.author).toBe(AUTHOR);
      expect(a.categories).toEqual([IMG]);
      expect(a.tags).toEqual([SVG]);
    }
    const rss = documents('rss.xml');
    expect(rss.some((p) => p.startsWith('/categories/'))).toBe(true);
    expect(rss.some((p) => p.startsWith('/tags/'))).toBe(true);
    expect(rss.some((p) => p.startsWith('/authors/'))).toBe(true);
    expect(rss.some((p) => p.includes('/archive/'))).toBe(true);
  });
});

describe('RSS 2.0 (current feeds and archive pages, every group)', () => {
  it('every document is well-formed (xmllint)', async () => {
    await expectAllWellFormed(
      [...documents('rss.xml'), ...documents('atom.xml'), '/opml.xml'].map((p) => ({
        name: p,
        contents: text(p),
      })),
    );
  });

  it('channel description (HTML): the category, tag or author name is text, never markup', () => {
    for (const p of documents('rss.xml')) {
      const channel = kid(parseXml(text(p)), 'channel')!;
      expectHtmlText(
        `${p} channel description`,
        kid(channel, 'description')!.text,
        groupText(p).description,
      );
    }
  });

  it('channel title and image title: no live markup; the text reads back exactly', () => {
    for (const p of documents('rss.xml')) {
      const channel = kid(parseXml(text(p)), 'channel')!;
      const expected = groupText(p);
      expectReadsAs(`${p} channel title`, kid(channel, 'title')!.text, expected.title);
      const image = kid(channel, 'image');
      if (image) expectReadsAs(`${p} image title`, kid(image, 'title')!.text, expected.title);
    }
  });

  it('item title: no live markup; it reads back exactly, ]]> included', () => {
    const seen = new Set<string>();
    for (const p of documents('rss.xml')) {
      for (const item of kids(kid(parseXml(text(p)), 'channel')!, 'item')) {
        seen.add(kid(item, 'guid')!.text);
        expectReadsAs(
          `${p} item title`,
          kid(item, 'title')!.text,
          titleOfGuid(kid(item, 'guid')!.text),
        );
      }
    }
    expect(seen.size).toBe(catalog.articles.length);
  });

  it('dc:creator, category and item description: no live markup', () => {
    for (const p of documents('rss.xml')) {
      for (const item of kids(kid(parseXml(text(p)), 'channel')!, 'item')) {
        const guid = kid(item, 'guid')!.text;
        expectReadsAs(`${p} dc:creator`, kid(item, 'dc:creator')!.text, AUTHOR);
        for (const category of kids(item, 'category'))
          expect(liveElements(category.text), `${p} category`).toEqual([]);
        expectHtmlText(
          `${p} item description`,
          kid(item, 'description')!.text,
          summaryOf(catalog.articles.find((a) => a.guid === guid)!),
        );
      }
    }
  });

  it('an everyday title is written once-escaped: a plain-text reader shows it as it is', () => {
    const middle = catalog.articles.find((a) => a.title === PLAIN_TITLE)!;
    const page = documents('rss.xml').find((p) => text(p).includes(middle.guid))!;
    const item = kids(kid(parseXml(text(page)), 'channel')!, 'item').find(
      (i) => kid(i, 'guid')!.text === middle.guid,
    )!;
    expect(kid(item, 'title')!.text).toBe(PLAIN_TITLE);
  });
});

describe('Atom 1.0 (current feeds and archive pages, every group)', () => {
  it('feed title and subtitle, entry title (type="text"), author name and summary read back exactly', () => {
    for (const p of documents('atom.xml')) {
      const feed = parseXml(text(p));
      const expected = groupText(p);
      expect(atomText(`${p} feed title`, kid(feed, 'title')!)).toBe(expected.title);
      expect(atomText(`${p} subtitle`, kid(feed, 'subtitle')!)).toBe(expected.description);
      for (const entry of kids(feed, 'entry')) {
        const guid = kid(entry, 'id')!.text;
        const title = kid(entry, 'title')!;
        expect(title.attrs.type, `${p} entry title type`).toBe('text');
        expect(atomText(`${p} entry title`, title)).toBe(titleOfGuid(guid));
        expect(kid(kid(entry, 'author')!, 'name')!.text).toBe(AUTHOR);
        expect(atomText(`${p} summary`, kid(entry, 'summary')!)).toBe(
          summaryOf(catalog.articles.find((a) => a.guid === guid)!),
        );
        for (const category of kids(entry, 'category')) {
          expect(category.attrs.term).toBe(IMG);
          expect(category.attrs.label).toBe(IMG);
        }
      }
    }
  });
});

describe('JSON Feed 1.1', () => {
  it('title, authors and tags are the plain text itself', () => {
    for (const p of documents('feed.json')) {
      const feed = JSON.parse(text(p)) as {
        title: string;
        description: string;
        items: Array<{ id: string; title: string; authors: unknown; tags: unknown }>;
      };
      expect(feed.title).toBe(groupText(p).title);
      expect(feed.description).toBe(groupText(p).description);
      for (const item of feed.items) {
        expect(item.title).toBe(titleOfGuid(item.id));
        expect(item.authors).toEqual([{ name: AUTHOR }]);
        expect(item.tags).toEqual([IMG]);
      }
    }
  });
});

describe('OPML', () => {
  it('outline text and title: no live markup, and they read as the feed title', () => {
    const opml = parseXml(text('/opml.xml'));
    const outlines = kids(kid(opml, 'body')!, 'outline');
    expect(outlines.map((o) => shownAsHtml(o.attrs.text!))).toEqual([
      `${SITE_TITLE} — all articles`,
      `${SITE_TITLE} — ${IMG}`,
    ]);
    for (const outline of outlines) {
      for (const name of ['text', 'title']) {
        expect(liveElements(outline.attrs[name]!), `outline ${name}`).toEqual([]);
        expect(shownByGuess(outline.attrs[name]!)).toBe(shownAsHtml(outline.attrs[name]!));
      }
    }
  });
});

describe('HTML pages', () => {
  it('index, category, tag, author and article pages: the names are text, no element carries an event handler', async () => {
    const pages = [...site.paths()].filter((p) => p.endsWith('/'));
    expect(pages.length).toBeGreaterThanOrEqual(4 + catalog.articles.length);
    for (const p of pages) {
      const $ = load(await loadText(site, p));
      const handlers = $('*')
        .filter((_, el) => Object.keys((el as Element).attribs).some((a) => a.startsWith('on')))
        .map((_, el) => (el as Element).tagName)
        .get();
      expect(handlers, p).toEqual([]);
      expect($('svg, i').length, p).toBe(0);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The Universal Feed Parser itself, where it is installed (judge/setup installs Debian's).
// ---------------------------------------------------------------------------------------------

const PYTHON = '/usr/bin/python3';
const hasFeedparser =
  existsSync(PYTHON) &&
  spawnSync(PYTHON, ['-c', 'import feedparser'], { stdio: 'ignore' }).status === 0;

/** feedparser's titles, shown as judge/lib/judge_feed.py shows them (HTML decoded when its type is HTML). */
const FEEDPARSER_TITLES = String.raw`
import feedparser, html, json, re, sys
def shown(value, detail):
    if (detail or {}).get("type") in ("text/html", "application/xhtml+xml"):
        value = html.unescape(re.sub(r"<[^>]*>", "", value))
    return value
out = []
for path in sys.argv[1:]:
    d = feedparser.parse(path)
    out.append({"bozo": bool(d.bozo), "feed": shown(d.feed.get("title", ""), d.feed.get("title_detail")),
                "entries": [{"id": e.get("id"), "title": shown(e.get("title", ""), e.get("title_detail"))} for e in d.entries]})
print(json.dumps(out))
`;
import { summaryOf } from '../../src/catalog/summary-ref.js';

describe.skipIf(!hasFeedparser)('the Universal Feed Parser (python3-feedparser)', () => {
  it('reads every RSS and Atom title exactly', async () => {
    const paths = [...documents('rss.xml'), ...documents('atom.xml')];
    const files = await Promise.all(
      paths.map(async (p, i) => {
        const file = path.join(temp.dir, `doc-${i}.xml`);
        await writeFile(file, text(p));
        return file;
      }),
    );
    const run = spawnSync(PYTHON, ['-c', FEEDPARSER_TITLES, ...files], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const results = JSON.parse(run.stdout) as Array<{
      bozo: boolean;
      feed: string;
      entries: Array<{ id: string; title: string }>;
    }>;
    results.forEach((result, i) => {
      const p = paths[i]!;
      expect(result.bozo, p).toBe(false);
      expect(result.feed, `${p} feed title`).toBe(groupText(p).title);
      for (const entry of result.entries)
        expect(entry.title, `${p} entry title`).toBe(titleOfGuid(entry.id));
    });
  });
});
