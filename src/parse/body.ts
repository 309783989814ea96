import { hash } from 'node:crypto';
import { sanitizeArticle } from './sanitize.js';
import { readWritten } from './sanitized-reader.js';
import { stripXmlIllegal } from './text.js';

export interface Body {
  readonly contentHtml: string;
  /** Block-aware plain text: one line per paragraph. */
  readonly text: string;
  readonly firstImage?: string;
  readonly firstHeading?: string;
  /** Images of the input that sanitizing removed with their boilerplate (QR codes, app promos, pixels). */
  readonly droppedImages: ReadonlySet<string>;
}

/**
 * Sanitizes article HTML and reads what the model needs from it, in one parse: the text, images
 * and heading come from the sanitizer's record of what it wrote, not from parsing its output.
 */
export function readHtmlBody(html: string): Body {
  const { contentHtml, written, end, imageSources } = sanitizeArticle(html);
  const { keptImages, ...read } = readWritten(written, end);
  return { contentHtml, ...read, droppedImages: dropped(imageSources, keptImages) };
}

/**
 * Images of the input that sanitizing removed with their boilerplate: every `<img>` the parse
 * opened, its `src` made what it would have been written as, less those kept.
 */
function dropped(sources: readonly string[], kept: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  for (const source of sources) {
    const src = stripXmlIllegal(source.startsWith('//') ? `https:${source}` : source);
    if (src && !kept.has(src)) out.add(src);
  }
  return out;
}

/**
 * The dedupe key: sha256 of the body's plain text with every whitespace character removed, so
 * copies that differ in markup, front matter, indentation or line breaks hash alike.
 */
export function contentHash(text: string): string {
  return hash('sha256', text.normalize('NFC').replace(/\s+/gu, ''), 'hex');
}
