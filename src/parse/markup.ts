import { markdownToHtml } from './markdown.js';

/** Block-level tags: a body that has them is HTML (the crawled posts); one without is Markdown. */
const HTML_BLOCK_START =
  /<(?:p|div|br|table|ul|ol|h[1-6]|blockquote|section|article|figure|img)\b/i;
const SOURCE_LINE = /^<(https?:\/\/[^\s>]+)>$/;
const FOOTER_SEPARATORS = /[\s|｜·•\-–—]/gu;

export interface Markup {
  readonly html: string;
  /** The original URL, when the body ends with a bare `<https://…>` line (the Jekyll crawler's habit). */
  readonly sourceLink?: string;
}

/**
 * Turns a front-matter body into HTML. Trailing lines that hold only a source URL or only
 * Markdown navigation links (`[返回首页](//…)｜[…](…)`) are the crawler's footer, not the article.
 */
export function bodyToHtml(body: string): Markup {
  const lines = body.split('\n');
  let sourceLink: string | undefined;
  while (lines.length > 0) {
    const line = lines[lines.length - 1]!.trim();
    const source = SOURCE_LINE.exec(line);
    if (line === '') {
      lines.pop();
    } else if (source) {
      sourceLink ??= source[1];
      lines.pop();
    } else if (isLinkFooter(line)) {
      lines.pop();
    } else {
      break;
    }
  }
  const text = lines.join('\n');
  if (hasHtmlBlock(text)) return { html: text, sourceLink };
  return { html: markdownToHtml(text), sourceLink };
}

/**
 * `/<(?:p|div|…)\b[^>]*>/i.test(text)`, in linear time: a tag start is a tag when some `>` follows
 * it. (The pattern itself looked for a `>` after every `<p`: 200 KB of `<p` took minutes.)
 */
export function hasHtmlBlock(text: string): boolean {
  const lastClose = text.lastIndexOf('>');
  return lastClose !== -1 && HTML_BLOCK_START.test(text.slice(0, lastClose));
}

/** A line of Markdown links and separators only: `[a](b) | [c](d)`. */
export function isLinkFooter(line: string): boolean {
  const links = markdownLinks(line);
  if (links.length === 0) return false;
  let rest = '';
  let at = 0;
  for (const [start, end] of links) {
    rest += line.slice(at, start);
    at = end;
  }
  rest += line.slice(at);
  return rest.replace(FOOTER_SEPARATORS, '') === '';
}

/**
 * Where `/\[[^\]\n]*\]\([^)\s]*\)/g` matches in `line` (start, end), found in linear time. The
 * pattern tried every `[` against the whole rest of the line: 200 KB of `[a](` took 11.5 s. Here
 * each `[` is settled by two look-ups, "the first `]` or newline from here" and "the first `)` or
 * space from here", asked at positions that only grow, so each is answered by one forward scan.
 */
export function markdownLinks(line: string): Array<[number, number]> {
  const labelEnd = nextOf(/[\]\n]/g, line);
  const targetEnd = nextOf(/[)\s]/g, line);
  const out: Array<[number, number]> = [];
  let from = 0;
  for (let open = line.indexOf('[', from); open !== -1; open = line.indexOf('[', from)) {
    from = open + 1;
    const close = labelEnd(open + 1);
    if (close === -1) break;
    if (line[close] !== ']' || line[close + 1] !== '(') continue;
    const end = targetEnd(close + 2);
    if (end === -1 || line[end] !== ')') continue;
    out.push([open, end + 1]);
    from = end + 1;
  }
  return out;
}

/** `at => index of the first match of `pattern` at or after at` (or -1), for `at`s that never decrease. */
function nextOf(pattern: RegExp, text: string): (at: number) => number {
  let asked = -1;
  let found = -1;
  return (at) => {
    if (asked !== -1 && at >= asked && (found === -1 || at <= found)) return found;
    pattern.lastIndex = at;
    found = pattern.exec(text)?.index ?? -1;
    asked = at;
    return found;
  };
}
