/**
 * readFrontMatter hands gray-matter the front-matter block alone and cuts the body itself: the
 * data and the body must be what gray-matter gives for the whole file, for any text after the
 * block, fences that only begin like one ("----", "---x") included.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import matter from 'gray-matter';
import { readFrontMatter } from '../../src/parse/front-matter.js';

/** Line breaks, dashes and spaces: what moves a closing fence. */
const piece = fc.constantFrom('\n', '\r', '-', '---', ' ', 'a', 'b: 1', '正文', '\n---', '\t');
const tail = fc.array(piece, { maxLength: 12 }).map((p) => p.join(''));
const line = fc.constantFrom('title: 标题', 'n: 2', 'tags: [a, b]', '# comment', '', 'x: "--- y"');

describe('front matter cut before gray-matter sees it', () => {
  it('gives gray-matter’s data and body for the whole text', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('', '\n', '\n\n'),
        fc.constantFrom('', 'yaml', ' yml '),
        fc.array(line, { maxLength: 4 }),
        tail,
        tail,
        (lead, language, lines, afterFence, body) => {
          const text = `${lead}---${language}\n${lines.join('\n')}\n---${afterFence}${body}`;
          const ours = readFrontMatter(text);
          if (ours.kind !== 'data') return;
          // The options object keeps gray-matter's cache out of it; YAML's default schema agrees
          // with the core one on these lines.
          const whole = matter(text.replace(/^\s+/, ''), { excerpt: false });
          expect(ours.body).toBe(whole.content);
          expect(ours.data).toEqual(whole.data);
        },
      ),
      { numRuns: 2000, seed: 20261205 },
    );
  });

  it('still reads the samples’ shapes', () => {
    const hexo = readFrontMatter('\n---\ntitle: 标题\ncategories:\n - 新闻\n---\n\n<p>正文</p>\n');
    expect(hexo).toEqual({
      kind: 'data',
      data: { title: '标题', categories: ['新闻'] },
      body: '\n<p>正文</p>\n',
    });
    const empty = readFrontMatter('---\n---\nbody');
    expect(empty).toEqual({ kind: 'data', data: {}, body: 'body' });
  });
});
