import { marked } from 'marked';

/** Block-level tags: a body that has them is HTML (the crawled posts); one without is Markdown. */
const HTML_BLOCK = /<(?:p|div|br|table|ul|ol|h[1-6]|blockquote|section|article|figure|img)\b[^>]*>/i;
const SOURCE_LINE = /^<(https?:\/\/[^\s>]+)>$/;
const MARKDOWN_LINK = /\[[^\]\n]*\]\([^)\s]*\)/g;

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
    } else if (line.match(MARKDOWN_LINK) && line.replace(MARKDOWN_LINK, '').replace(/[\s|｜·•\-–—]/gu, '') === '') {
      lines.pop();
    } else {
      break;
    }
  }
  const text = lines.join('\n');
  if (HTML_BLOCK.test(text)) return { html: text, sourceLink };
  return { html: marked.parse(text, { async: false, gfm: true }), sourceLink };
}
