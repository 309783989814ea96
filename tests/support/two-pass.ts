/**
 * The sanitize-then-parse-again reader as it was before the one-pass writer (src/parse/body.ts,
 * sanitize.ts at 0f02a8b), kept verbatim as the reference the one pass must match: sanitize-html
 * with the same policy, then htmlparser2 reading its output, then a pattern finding the input's
 * images.
 */
import { createRequire } from 'node:module';
import { twoPassSanitize } from './two-pass-sanitize.js';

const { Parser } = createRequire(import.meta.url)('htmlparser2') as typeof import('htmlparser2');

export interface TwoPassBody {
  readonly contentHtml: string;
  readonly text: string;
  readonly firstImage?: string;
  readonly firstHeading?: string;
  readonly droppedImages: ReadonlySet<string>;
}

const IMG_OPEN = /<img\b/gi;
const SRC_ATTRIBUTE = /\ssrc\s*=\s*["']?([^"'\s>]+)/i;

const BLOCK = new Set([
  'p',
  'div',
  'section',
  'article',
  'header',
  'footer',
  'blockquote',
  'pre',
  'ul',
  'ol',
  'li',
  'table',
  'tr',
  'caption',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'figure',
  'figcaption',
  'hr',
  'dl',
  'dt',
  'dd',
]);
const MAX_DEPTH = 500;

/** Sanitizes article HTML and reads what the model needs from it. */
export function twoPassReadHtmlBody(html: string): TwoPassBody {
  const contentHtml = twoPassSanitize(html);
  const { keptImages, ...read } = readSanitized(contentHtml);
  return { contentHtml, ...read, droppedImages: dropped(html, keptImages) };
}

/**
 * Text, first image and first heading of sanitized HTML, read from the parser's events as they
 * come: no document tree is built (cheerio's was most of this read's cost). Adjacent text events
 * are joined before whitespace is collapsed, as a tree's text node would join them.
 */
function readSanitized(contentHtml: string) {
  const lines: string[] = [];
  let current = '';
  let pending = '';
  let firstImage: string | undefined;
  let firstHeading: string | undefined;
  /** Per open element: whether it is read (within MAX_DEPTH), and the line count at its start. */
  const open: Array<{ name: string; read: boolean; before: number }> = [];
  let unread = 0; // open elements deeper than MAX_DEPTH
  const flush = () => {
    if (pending) current += pending.replace(/[ \t\n\r\f]+/g, ' ');
    pending = '';
  };
  const breakLine = () => {
    flush();
    const line = current.trim();
    if (line) lines.push(line);
    current = '';
  };
  const parser = new Parser({
    ontext(text) {
      if (unread === 0) pending += text;
    },
    onopentag(name, attribs) {
      flush();
      const read = unread === 0 && open.length <= MAX_DEPTH;
      if (read) {
        if (name === 'br') breakLine();
        else if (name === 'img') {
          firstImage ??= attribs.src;
          if (attribs.src) images.add(attribs.src);
        } else if (BLOCK.has(name)) breakLine();
      }
      // Children of an element at MAX_DEPTH are not read: a tree walk stops there too.
      if (!read || open.length === MAX_DEPTH) unread++;
      open.push({ name, read, before: lines.length });
    },
    onclosetag(name) {
      flush();
      const element = open.pop();
      if (!element) return;
      if (!element.read || open.length === MAX_DEPTH) unread--;
      if (!element.read || name === 'br' || name === 'img') return;
      if (BLOCK.has(name)) breakLine();
      if (!firstHeading && /^h[1-3]$/.test(name) && lines.length > element.before)
        firstHeading = lines[lines.length - 1];
    },
  });
  const images = new Set<string>();
  parser.end(contentHtml);
  breakLine();
  return { text: lines.join('\n'), firstImage, firstHeading, keptImages: images };
}

/** Images of the input that sanitizing removed with their boilerplate. */
function dropped(html: string, kept: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  for (const source of imageSources(html)) {
    const src = source.startsWith('//') ? `https:${source}` : source;
    if (!kept.has(src)) out.add(src);
  }
  return out;
}

/**
 * The `src` of every `<img` in order: what `/<img\b[^>]*?\ssrc\s*=\s*["']?([^"'\s>]+)/gi` matches,
 * in linear time. A match cannot pass the tag's first `>`, so each `<img` is searched only up to it;
 * one without a `src` there leaves none for a later `<img` before that `>` either. (The pattern
 * searched on to the next `>` from every `<img`: 50,000 of them without one took minutes.)
 */
export function imageSources(html: string): string[] {
  const out: string[] = [];
  for (let from = 0; ;) {
    IMG_OPEN.lastIndex = from;
    const open = IMG_OPEN.exec(html);
    if (!open) return out;
    const attributes = open.index + open[0].length;
    const close = html.indexOf('>', attributes);
    const end = close === -1 ? html.length : close;
    const src = SRC_ATTRIBUTE.exec(html.slice(attributes, end));
    if (src) {
      out.push(src[1]!);
      from = attributes + src.index + src[0].length;
    } else {
      from = end;
    }
  }
}
