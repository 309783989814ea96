/**
 * The bounded marked (parse/markdown.ts) gives exactly what marked gives for documents within its
 * bounds: nesting up to MAX_BLOCK_NESTING, e-mail local parts up to 64 characters. Checked on
 * random text made of the characters Markdown reacts to, dense enough in `*`, `_` and `~` that
 * the opener guard (parse/emphasis.ts) is at work in most paragraphs, and on the fixtures.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { marked } from 'marked';
import { MAX_BLOCK_NESTING, markdownToHtml } from '../../src/parse/markdown.js';
import { FIXTURES } from '../support/seeds.js';

const plain = (text: string) => marked.parse(text, { async: false, gfm: true });

/** Markdown's characters, weighted towards delimiters, with words and line breaks between. */
const piece = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('*', '**', '***', '_', '__', '~', '~~', '~~~') },
  { weight: 6, arbitrary: fc.constantFrom('a', 'b', 'word', '中文', 'é', '1', 'x_y') },
  { weight: 4, arbitrary: fc.constantFrom(' ', ' ', ' ', '  ', '\n', '\t') },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '.',
      ',',
      '!',
      '?',
      '(',
      ')',
      '[',
      ']',
      '"',
      "'",
      '-',
      ':',
      '#',
      '`',
      '<',
      '>',
      '\\',
      '|',
      '&',
      '@',
      '/',
      '“',
      '”',
      '。',
    ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '[a](b)',
      '`code`',
      '<b>',
      '</b>',
      'a@b.co',
      'http://x.org/a_b',
      '![i](j)',
      '\n\n',
      '\n- ',
      '\n> ',
      '\n1. ',
      '\n    ',
      '\n```\n',
    ),
  },
);
/** Mostly openers and few closers: the text where the guard refuses openers (a third of them, measured). */
const openerPiece = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.constantFrom(
      ' *a',
      ' _a',
      ' **a',
      ' ~~a',
      ' ~a',
      ' (*a',
      ' "_a',
      ' ***a',
      ' __a',
      ' *_a',
      ' _*a',
    ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'a*',
      'a_',
      'a**',
      'a~~',
      'a~',
      'a*)',
      ' * ',
      'a***',
      'a__',
      '.*',
      '._',
      'a*a',
      'a_a',
      'a~a',
    ),
  },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      ' a',
      ' ',
      '.',
      ',',
      '\n',
      'a_b',
      '*_',
      '_*',
      '__',
      '**',
      '~',
      '"',
      '(',
      ')',
      '`',
    ),
  },
);
const markdown = (minPieces: number, maxPieces: number) =>
  fc.array(piece, { minLength: minPieces, maxLength: maxPieces }).map((parts) => parts.join(''));

describe('markdownToHtml is marked within the bounds', () => {
  it('random delimiter-dense text (the opener guard at work from the fifth opener of a paragraph)', () => {
    fc.assert(
      fc.property(markdown(300, 1_000), (text) => {
        expect(markdownToHtml(text)).toBe(plain(text));
      }),
      { numRuns: 600 },
    );
  });

  it('random text of many openers and few closers (openers refused without a walk)', () => {
    fc.assert(
      fc.property(
        fc.array(openerPiece, { minLength: 100, maxLength: 600 }).map((parts) => parts.join('')),
        (text) => {
          expect(markdownToHtml(text)).toBe(plain(text));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('runs of one shape repeated, with and without a closer at the end', () => {
    const units = [
      '*a ',
      '_a ',
      'a._',
      '*a **b ',
      '~~a ',
      '~a ',
      'a* ',
      '**a*',
      '*a**',
      '_*',
      '*_',
      '__a',
      'a__ ',
      '*a_ ',
      '(*a) ',
      '"_a" ',
      '**a ',
      '* a ',
      'a *b* ',
    ];
    const ends = ['', 'a*', 'a_', 'a**', 'a~~', 'a~', '*', '_', ' b*.'];
    for (const unit of units) {
      for (const end of ends) {
        for (const n of [1, 31, 33, 80]) {
          const text = `${unit.repeat(n)}${end}`;
          expect(markdownToHtml(text), JSON.stringify(text)).toBe(plain(text));
        }
      }
    }
  });

  it('nesting up to the bound is unchanged; deeper levels are the text of the deepest', () => {
    const list = (depth: number) =>
      Array.from({ length: depth }, (_, i) => `${'  '.repeat(i)}- item${i}`).join('\n');
    expect(markdownToHtml(list(MAX_BLOCK_NESTING))).toBe(plain(list(MAX_BLOCK_NESTING)));
    const quotes = `${'>'.repeat(MAX_BLOCK_NESTING)} deep`;
    expect(markdownToHtml(quotes)).toBe(plain(quotes));
    const deeper = markdownToHtml(list(MAX_BLOCK_NESTING + 5));
    expect(deeper.match(/<ul>/g)).toHaveLength(MAX_BLOCK_NESTING);
    expect(deeper).toContain(`item${MAX_BLOCK_NESTING + 4}`);
  });

  it('e-mail addresses up to the longest local part are links as before', () => {
    for (const local of ['a', 'first.last', 'x_y+tag', 'a'.repeat(64), `${'a_'.repeat(31)}ab`]) {
      const text = `Write to ${local}@example.org or _${local}@example.org_ today.`;
      expect(markdownToHtml(text)).toBe(plain(text));
      expect(markdownToHtml(text)).toContain(`href="mailto:${local}@example.org"`);
    }
  });

  it('every Markdown fixture', () => {
    const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.md'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const text = readFileSync(path.join(FIXTURES, file), 'utf8');
      expect(markdownToHtml(text), file).toBe(plain(text));
    }
  });
});
