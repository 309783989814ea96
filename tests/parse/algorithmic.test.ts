/**
 * Inputs that made one file's parse take seconds to hours (a server parsing on its serving thread
 * answered nothing meanwhile): YAML aliases walked in full, a quadratic link pattern, marked's
 * nesting and emphasis, and `<tag`-without-`>` patterns. Each runs in a worker thread of its own
 * (support/off-thread.ts), so that the test's timeout, not the input, decides when it fails. Each
 * input is large enough that the old code took well over its timeout; the fixed code stays at least
 * twenty times under it when run alone.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Draft, Rejection } from '../../src/model.js';
import { MAX_BLOCK_NESTING } from '../../src/parse/markdown.js';
import { OffThreadParser } from '../support/off-thread.js';

const parser = new OffThreadParser();
beforeAll(() => parser.warm(), 30_000);
afterEach(() => parser.stopIfBusy());
afterAll(() => parser.stop());

/** Per test; the old code took longer than this on every input below (it failed by timeout). */
const TIMEOUT = 10_000;

/**
 * Parsed off-thread. Alone, each parse takes under a twentieth of its test's timeout; a tenth is
 * asserted, for the runs where other test files share the cores.
 */
async function parseTimed(
  text: string,
  file = 'hostile.md',
  timeout = TIMEOUT,
): Promise<Draft | Rejection> {
  const { result, ms } = await parser.parse(file, text);
  expect(ms, 'parse time (ms)').toBeLessThan(timeout / 10);
  return result;
}

/** The file a result is about, whichever it is: these inputs only have to finish. */
const fileOf = (result: Draft | Rejection) => ('reason' in result ? result.file : result.source);

function draftOf(result: Draft | Rejection): Draft {
  if ('reason' in result) expect.fail(`rejected: ${result.reason}`);
  return result;
}

const frontMatter = (fields: string, body: string) => `---\n${fields}\n---\n${body}\n`;
const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i}`);
/** `x_a` 400 names, `x_b` 400 aliases of `x_a`: a list of 400 × 400 × 400 names behind one more alias list. */
const ALIASES = `x_a: &a [${words(400).join(', ')}]\nx_b: &b [${Array(400).fill('*a').join(', ')}]`;
const ALIASED = `[${Array(400).fill('*b').join(', ')}]`;

describe('YAML aliases are counted, not walked', () => {
  it(
    'categories that expand to 64 million names (5.6 KB of YAML) keep the first 50, with a notice',
    async () => {
      const text = frontMatter(
        `title: Aliased categories\n${ALIASES}\ncategories: ${ALIASED}`,
        'Body.',
      );
      expect(text.length).toBeLessThan(6_000);
      const draft = draftOf(await parseTimed(text));
      expect(draft.categories).toEqual(words(50));
      expect(draft.notes.join('\n')).toMatch(
        /^categories: 64,000,000 names once YAML aliases are expanded, more than the 10,000 read; the first 50 names are used$/m,
      );
    },
    TIMEOUT,
  );

  it(
    'tags the same way',
    async () => {
      const draft = draftOf(
        await parseTimed(frontMatter(`title: Aliased tags\n${ALIASES}\ntags: ${ALIASED}`, 'Body.')),
      );
      expect(draft.tags).toEqual(words(50));
      expect(draft.notes.join('\n')).toMatch(/^tags: 64,000,000 names once YAML aliases/m);
    },
    TIMEOUT,
  );

  it(
    'a date that is such a list is no date, and is described without being expanded',
    async () => {
      const draft = draftOf(
        await parseTimed(
          frontMatter(
            `title: Aliased date\n${ALIASES}\ndate: ${ALIASED}\nupdated: ${ALIASED}`,
            'Body.',
          ),
        ),
      );
      expect(draft.date).toBeUndefined();
      expect(draft.updated).toBeUndefined();
      expect(draft.notes).toContain(
        'date "a list of 400 items" is not a real date; treated as missing',
      );
    },
    TIMEOUT,
  );

  it(
    'an author list that contains itself is no author (it was a stack overflow)',
    async () => {
      const draft = draftOf(
        await parseTimed(
          frontMatter(
            'title: Cyclic author\nauthor: &a [*a]\ncategories: &c [c1, *c, [*c]]',
            'Body.',
          ),
        ),
      );
      expect(draft.author).toBeUndefined();
      expect(draft.categories).toEqual(['c1']);
    },
    TIMEOUT,
  );
});

describe('the footer-link pattern is linear', () => {
  it(
    '200 KB of "[a](" on the last line',
    async () => {
      const draft = draftOf(
        await parseTimed(frontMatter('title: Links', `Intro.\n\n${'[a]('.repeat(50_000)}`)),
      );
      expect(draft.contentHtml).toContain('[a]([a]([a](');
    },
    TIMEOUT,
  );
});

describe('marked sees bounded nesting', () => {
  it(
    'a list nested 2,000 levels deep (4 MB): the first levels are lists, the rest their text',
    async () => {
      const body = Array.from({ length: 2_000 }, (_, i) => `${'  '.repeat(i)}- item${i}`).join(
        '\n',
      );
      const draft = draftOf(
        await parseTimed(frontMatter('title: Nested list', body), 'hostile.md', TIMEOUT * 6),
      );
      expect(draft.contentHtml).toContain('item0');
      expect(draft.contentHtml).toContain('item1999');
      expect(draft.contentHtml.match(/<ul>/g)!.length).toBe(MAX_BLOCK_NESTING);
    },
    TIMEOUT * 6,
  );

  it(
    '100,000 nested block quotes on one line (marked overflowed its stack)',
    async () => {
      const draft = draftOf(
        await parseTimed(frontMatter('title: Quotes', `${'>'.repeat(100_000)} deep`)),
      );
      expect(draft.contentHtml).toContain('deep');
      expect(draft.contentHtml.match(/<blockquote>/g)!.length).toBe(MAX_BLOCK_NESTING);
    },
    TIMEOUT,
  );

  it(
    '100,000 list markers on one line',
    async () => {
      const draft = draftOf(
        await parseTimed(frontMatter('title: Markers', `${'- '.repeat(100_000)}deep`)),
      );
      expect(draft.contentHtml).toContain('deep');
    },
    TIMEOUT,
  );
});

describe('marked inline runs', () => {
  it(
    '"_a" 60,000 times (each "_" rescanned the run for an e-mail address)',
    async () => {
      const draft = draftOf(
        await parseTimed(frontMatter('title: Underscores', '_a'.repeat(60_000))),
      );
      expect(draft.contentHtml).toBe(`<p>${'_a'.repeat(60_000)}</p>`);
    },
    TIMEOUT,
  );

  it(
    '"a._" 30,000 times (each "_" opened emphasis, and searched the rest for its closer)',
    async () => {
      const draft = draftOf(await parseTimed(frontMatter('title: Dots', 'a._'.repeat(30_000))));
      expect(draft.contentHtml).toBe(`<p>${'a._'.repeat(29_998)}a.<em>a.</em></p>`);
    },
    TIMEOUT,
  );

  it(
    '20,000 strikethrough openers and one closer at the end',
    async () => {
      const draft = draftOf(
        await parseTimed(frontMatter('title: Tildes', `${'~~a '.repeat(20_000)}a~~`)),
      );
      expect(draft.contentHtml).toBe(`<p>${'~~a '.repeat(19_999)}<del>a a</del></p>`);
    },
    TIMEOUT,
  );

  it(
    '30,000 emphasis openers and one closer at the end (each opener scanned to the end)',
    async () => {
      const draft = draftOf(
        await parseTimed(frontMatter('title: Openers', `${'*a '.repeat(30_000)}a*`)),
      );
      expect(draft.contentHtml).toBe(`<p>${'*a '.repeat(29_999)}<em>a a</em></p>`);
    },
    TIMEOUT,
  );
});

describe('tag patterns without a closing ">"', () => {
  it(
    '"<p" 100,000 times (the HTML-or-Markdown test)',
    async () => {
      draftOf(await parseTimed(frontMatter('title: P', '<p'.repeat(100_000))));
    },
    TIMEOUT,
  );

  it(
    '"<a " 70,000 times after a paragraph (the nesting limiter)',
    async () => {
      expect(fileOf(await parseTimed(frontMatter('title: A', `<p>${'<a '.repeat(70_000)}`)))).toBe(
        'hostile.md',
      );
    },
    TIMEOUT,
  );

  it(
    '"<title" 60,000 times in an HTML document',
    async () => {
      expect(fileOf(await parseTimed(`<html>${'<title'.repeat(60_000)}>`, 'hostile.html'))).toBe(
        'hostile.html',
      );
    },
    TIMEOUT,
  );

  it(
    '"<img " 70,000 times in HTML (the image-source scan)',
    async () => {
      expect(
        fileOf(await parseTimed(frontMatter('title: Img', `<p>text</p>${'<img '.repeat(70_000)}`))),
      ).toBe('hostile.md');
    },
    TIMEOUT,
  );

  it(
    '10,000 related-reading headings',
    async () => {
      const draft = draftOf(
        await parseTimed(
          frontMatter(
            'title: Related',
            `<p>Story.</p>${'<p>推荐阅读</p>'.repeat(10_000)}<p>${'x'.repeat(20)}</p>`,
          ),
        ),
      );
      expect(draft.contentHtml.startsWith('<p>Story.</p>')).toBe(true);
    },
    TIMEOUT,
  );
});
