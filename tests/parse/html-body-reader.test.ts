/**
 * The body reader takes text, the first image and heading, and the kept images from the
 * parser's events, without building a tree. It must read exactly what the tree walk it replaced
 * read (kept here as the reference, over cheerio): on the fixtures, the samples, the bench
 * corpus's kind of markup and random tag soup.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { load } from 'cheerio/slim';
import type { AnyNode } from 'domhandler';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { readHtmlBody } from '../../src/parse/body.js';
import { sanitizeArticleHtml } from '../../src/parse/sanitize.js';
import { droppedImagesOf } from '../support/dropped-images.js';
import { REPO } from '../support/site.js';

const BLOCK = new Set(
  'p div section article header footer blockquote pre ul ol li table tr caption h1 h2 h3 h4 h5 h6 figure figcaption hr dl dt dd'.split(
    ' ',
  ),
);

/** The tree walk as it was (src/parse/body.ts before the event reader). */
function treeRead(html: string) {
  const contentHtml = sanitizeArticleHtml(html);
  const $ = load(contentHtml, null, false);
  const lines: string[] = [];
  let current = '';
  let firstImage: string | undefined;
  let firstHeading: string | undefined;
  const breakLine = () => {
    const line = current.trim();
    if (line) lines.push(line);
    current = '';
  };
  const walk = (nodes: readonly AnyNode[], depth: number) => {
    if (depth > 500) return;
    for (const node of nodes) {
      if (node.type === 'text') current += node.data.replace(/[ \t\n\r\f]+/g, ' ');
      else if (node.type === 'tag') {
        if (node.name === 'br') breakLine();
        else if (node.name === 'img') {
          firstImage ??= node.attribs.src;
        } else {
          const block = BLOCK.has(node.name);
          if (block) breakLine();
          const before = lines.length;
          walk(node.children, depth + 1);
          if (block) breakLine();
          if (!firstHeading && /^h[1-3]$/.test(node.name) && lines.length > before)
            firstHeading = lines[lines.length - 1];
        }
      }
    }
  };
  walk($.root()[0]!.children, 0);
  breakLine();
  const droppedImages = droppedImagesOf(html, contentHtml);
  return { contentHtml, text: lines.join('\n'), firstImage, firstHeading, droppedImages };
}

const same = (html: string) => expect(readHtmlBody(html)).toEqual(treeRead(html));

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

describe('event reader = tree walk', () => {
  it('on every fixture and sample file, read whole as HTML', () => {
    const files = [
      ...filesUnder(path.join(REPO, 'tests/fixtures/hostile')),
      ...filesUnder(path.join(REPO, 'tests/fixtures/seeds')),
      ...filesUnder(path.join(REPO, 'seeds')),
    ];
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) same(readFileSync(file, 'utf8'));
  });

  it('on the cases that tell them apart if joined or nested wrongly', () => {
    for (const html of [
      '<p>a \n</p>  <p> b</p>text <b> x </b>  y',
      'a &amp; <span> b </span>&#32; c<br>d',
      '<h2>  </h2><h3>title <i>it</i></h3><h1>later</h1>',
      '<p>one<div>two</div>three</p></p></br>four',
      '<table><tr><td>a</td><td>b</td></tr></table><ul><li>x<li>y</ul>',
      '<img src="//x.example/a.png"><p><img src="https://x.example/a&amp;b.png" alt=z></p><img>',
      '<div class="share"><img src="https://x.example/qr.png">扫码</div><p>正文</p>',
      `${'<div>'.repeat(600)}deep<img src="https://x.example/d.png">${'</div>'.repeat(600)}`,
    ])
      same(html);
  });

  it('on random tag soup', () => {
    const tag = fc.constantFrom(
      'p',
      'div',
      'span',
      'b',
      'h1',
      'h2',
      'h3',
      'li',
      'ul',
      'td',
      'tr',
      'table',
      'pre',
      'a',
    );
    const piece = fc.oneof(
      tag.map((t) => `<${t}>`),
      tag.map((t) => `</${t}>`),
      fc.constantFrom(
        '<br>',
        '<hr>',
        '<img src="https://i.example/1.png">',
        '<img src="//i.example/2.png">',
        '<img>',
        '&amp;',
        '&#x20;',
        ' ',
        '\n',
        '\t',
        '  ',
      ),
      fc.string({ maxLength: 6 }),
      fc.constantFrom(
        '文字',
        'word',
        '。',
        '<p class="qrcode">',
        '<script>x</script>',
        '<!-- c -->',
      ),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        same(pieces.join(''));
      }),
      { numRuns: 1500 },
    );
  });
});
