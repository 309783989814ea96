/**
 * The patterns that were quadratic on hostile text were replaced by linear code (parse/markup.ts,
 * index.ts, nesting.ts, boilerplate.ts): each gives what its pattern gave, on random strings made of the
 * characters the pattern reacts to. The patterns themselves are the oracles here.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isBoilerplateLine } from '../../src/parse/boilerplate.js';
import { htmlTitle } from '../../src/parse/index.js';
import { hasHtmlBlock, isLinkFooter, markdownLinks } from '../../src/parse/markup.js';
import { limitNesting } from '../../src/parse/nesting.js';

const textOf = (pieces: readonly string[], maxLength = 60) =>
  fc.array(fc.constantFrom(...pieces), { maxLength }).map((parts) => parts.join(''));
const RUNS = { numRuns: 3_000 };

describe('footer links: /\\[[^\\]\\n]*\\]\\([^)\\s]*\\)/g', () => {
  const OLD = /\[[^\]\n]*\]\([^)\s]*\)/g;
  const oldSpans = (line: string) =>
    [...line.matchAll(OLD)].map((m) => [m.index, m.index + m[0].length]);
  const oldFooter = (line: string) =>
    line.match(OLD) !== null && line.replace(OLD, '').replace(/[\s|｜·•\-–—]/gu, '') === '';
  const line = textOf([
    '[',
    ']',
    '(',
    ')',
    'a',
    '返回',
    ' ',
    '\u3000',
    '\t',
    '\n',
    '|',
    '｜',
    '-',
    '·',
    'http://x',
    '[a](b)',
    '](',
  ]);

  it('finds the same links', () => {
    fc.assert(
      fc.property(line, (text) => {
        expect(markdownLinks(text)).toEqual(oldSpans(text));
      }),
      RUNS,
    );
  });

  it('calls the same lines footers', () => {
    fc.assert(
      fc.property(line, (text) => {
        expect(isLinkFooter(text)).toBe(oldFooter(text));
      }),
      RUNS,
    );
  });
});

describe('<title>: /<title[^>]*>([^<]*)<\\/title>/i', () => {
  const OLD = /<title[^>]*>([^<]*)<\/title>/i;
  it('reads the same title', () => {
    const html = textOf([
      '<title',
      '<TITLE',
      '>',
      '<',
      '</title>',
      '</TITLE>',
      'a',
      ' ',
      '<p>',
      'x="y"',
      '<title>',
      '</titl',
    ]);
    fc.assert(
      fc.property(html, (text) => {
        expect(htmlTitle(text)).toBe(OLD.exec(text)?.[1]);
      }),
      RUNS,
    );
  });
});

describe('HTML or Markdown: /<(?:p|div|…)\\b[^>]*>/i', () => {
  const OLD = /<(?:p|div|br|table|ul|ol|h[1-6]|blockquote|section|article|figure|img)\b[^>]*>/i;
  it('decides alike', () => {
    const body = textOf([
      '<p',
      '<P',
      '<pre',
      '<div',
      '<h1',
      '<h7',
      '<img',
      '>',
      ' ',
      'a',
      '<b>',
      'x',
      '\n',
    ]);
    fc.assert(
      fc.property(body, (text) => {
        expect(hasHtmlBlock(text)).toBe(OLD.test(text));
      }),
      RUNS,
    );
  });
});

describe('nesting limiter: TAG only before the last ">"', () => {
  const TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9:-]*)(?:\s[^>]*)?>/g;
  /** The limiter as it was: the same walk over every match of TAG in the whole text. */
  function oldLimit(html: string, maxDepth: number): string {
    const stack: Array<{ name: string; dropped: boolean }> = [];
    let changed = false;
    const VOID = new Set([
      'area',
      'base',
      'br',
      'col',
      'embed',
      'hr',
      'img',
      'input',
      'link',
      'meta',
      'param',
      'source',
      'track',
      'wbr',
    ]);
    const SIBLINGS = new Set([
      'p',
      'li',
      'dt',
      'dd',
      'tr',
      'td',
      'th',
      'option',
      'optgroup',
      'rp',
      'rt',
    ]);
    const out = html.replace(TAG, (tag: string, slash: string, rawName: string) => {
      const name = rawName.toLowerCase();
      if (VOID.has(name) || tag.endsWith('/>')) return tag;
      if (slash === '') {
        if (SIBLINGS.has(name) && stack.at(-1)?.name === name) stack.pop();
        const dropped = stack.length >= maxDepth;
        stack.push({ name, dropped });
        if (dropped) changed = true;
        return dropped ? '' : tag;
      }
      for (let i = stack.length - 1; i >= Math.max(0, stack.length - 16); i--) {
        if (stack[i]!.name === name) {
          const { dropped } = stack[i]!;
          stack.length = i;
          return dropped ? '' : tag;
        }
      }
      return tag;
    });
    return changed ? out : html;
  }

  it('drops the same tags', () => {
    const html = textOf(
      [
        '<div>',
        '</div>',
        '<b>',
        '</b>',
        '<a ',
        '<a href=x>',
        '</a>',
        '<p>',
        '<br>',
        '<i/>',
        '>',
        '<',
        'text',
        ' ',
      ],
      120,
    );
    fc.assert(
      fc.property(html, (text) => {
        expect(limitNesting(text, 3)).toBe(oldLimit(text, 3));
      }),
      RUNS,
    );
  });
});

describe('furniture line: collapsed, then longer than 80 characters or matched by a rule', () => {
  /** isBoilerplateLine before the length was settled first: it collapsed the whole text. */
  const oldIsBoilerplateLine = (text: string) => {
    const line = text.replace(/[\s\u3000]+/gu, ' ').trim();
    if (line === '' || line.length > 80) return false;
    return isBoilerplateLine(line);
  };
  it('decides alike on texts around 80 characters', () => {
    const text = textOf(
      // prettier-ignore
      ['责任编辑：', '编辑', 'a', '张', ' ', '\u3000', '\n', '\u00a0', '😀', '\uD83D', '\t', '\v', '\u1680', '\u2009', '\u2028', '\u202f', '\ufeff', '\u200b'],
      90,
    );
    fc.assert(
      fc.property(text, (t) => {
        expect(isBoilerplateLine(t)).toBe(oldIsBoilerplateLine(t));
      }),
      RUNS,
    );
  });
});
