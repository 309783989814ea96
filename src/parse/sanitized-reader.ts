import type { Written } from './sanitizing-writer.js';
import { stripXmlIllegal } from './text.js';

/**
 * Text, first image, first heading and kept images of sanitized HTML, read from what the writer
 * recorded writing (sanitizing-writer.ts) rather than by parsing its output again. The record is
 * replayed through the rules htmlparser2 10 reads HTML by, so this reads what a parse of the output
 * read (tests/parse/one-pass.test.ts): an element that opens can close others first
 * (`<p>a<div>` closes the `<p>`), an end tag closes what it matches and all inside it, a stray
 * `</p>` is an empty paragraph, and what is open at the end closes there. Those rules matter
 * because the output is not always nested as the input was: `<p><font><div>` is written `<p><div>`.
 */

export interface SanitizedRead {
  /** Block-aware plain text: one line per paragraph. */
  readonly text: string;
  readonly firstImage?: string;
  readonly firstHeading?: string;
  readonly keptImages: ReadonlySet<string>;
}

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

/** htmlparser2's elements without content: each closes as it opens. */
const VOID = new Set(['br', 'hr', 'img']);
const P = new Set(['p']);
const DD_DT = new Set(['dd', 'dt']);
/** htmlparser2's openImpliesClose, for the tags the allowlist has: what each closes as it opens. */
const OPEN_CLOSES: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['tr', new Set(['tr', 'th', 'td'])],
  ['th', new Set(['th'])],
  ['td', new Set(['thead', 'th', 'td'])],
  ['li', new Set(['li'])],
  ['dd', DD_DT],
  ['dt', DD_DT],
  ['tbody', new Set(['thead', 'tbody'])],
  ['tfoot', new Set(['thead', 'tbody'])],
  ...[
    'p',
    'h1',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'article',
    'blockquote',
    'div',
    'dl',
    'figcaption',
    'figure',
    'hr',
    'ol',
    'pre',
    'section',
    'table',
    'ul',
  ].map((tag): [string, ReadonlySet<string>] => [tag, P]),
]);

/**
 * Reads the record up to `end` (where the output was cut). Adjacent text is joined before its
 * whitespace is collapsed, as one text node would join it, and stripped of what XML forbids,
 * as the output is.
 */
export function readWritten(written: readonly Written[], end: number): SanitizedRead {
  const lines: string[] = [];
  let current = '';
  let pending = '';
  let firstImage: string | undefined;
  let firstHeading: string | undefined;
  const images = new Set<string>();
  /** Open elements, as the parser holds them. */
  const parsed: string[] = [];
  /** Per open element: whether it is read (within MAX_DEPTH), and the line count at its start. */
  const open: Array<{ name: string; read: boolean; before: number }> = [];
  let unread = 0; // open elements deeper than MAX_DEPTH
  const flush = () => {
    if (pending) current += stripXmlIllegal(pending).replace(/[ \t\n\r\f]+/g, ' ');
    pending = '';
  };
  const breakLine = () => {
    flush();
    const line = current.trim();
    if (line) lines.push(line);
    current = '';
  };
  const opened = (name: string, src: string | undefined) => {
    flush();
    const read = unread === 0 && open.length <= MAX_DEPTH;
    if (read) {
      if (name === 'br') breakLine();
      else if (name === 'img') {
        firstImage ??= src;
        if (src) images.add(src);
      } else if (BLOCK.has(name)) breakLine();
    }
    // Children of an element at MAX_DEPTH are not read: a tree walk stops there too.
    if (!read || open.length === MAX_DEPTH) unread++;
    open.push({ name, read, before: lines.length });
  };
  const closed = (name: string) => {
    flush();
    const element = open.pop();
    if (!element) return;
    if (!element.read || open.length === MAX_DEPTH) unread--;
    if (!element.read || name === 'br' || name === 'img') return;
    if (BLOCK.has(name)) breakLine();
    if (!firstHeading && /^h[1-3]$/.test(name) && lines.length > element.before)
      firstHeading = lines[lines.length - 1];
  };
  const openTag = (name: string, src?: string) => {
    const closes = OPEN_CLOSES.get(name);
    while (closes && parsed.length > 0 && closes.has(parsed.at(-1)!)) closed(parsed.pop()!);
    if (VOID.has(name)) {
      opened(name, src);
      closed(name);
    } else {
      parsed.push(name);
      opened(name, src);
    }
  };

  for (const item of written) {
    if (item.at >= end) break;
    if (item.kind === 'text') {
      if (unread === 0) pending += item.text;
    } else if (item.kind === 'open')
      openTag(item.name, item.src === undefined ? undefined : stripXmlIllegal(item.src));
    else {
      const at = parsed.lastIndexOf(item.name);
      if (at !== -1) while (parsed.length > at) closed(parsed.pop()!);
      else if (item.name === 'p') {
        openTag('p');
        closed(parsed.pop()!);
      }
    }
  }
  while (parsed.length > 0) closed(parsed.pop()!);
  breakLine();
  return { text: lines.join('\n'), firstImage, firstHeading, keptImages: images };
}
