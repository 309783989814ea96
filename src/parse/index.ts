import type { Draft, Rejection } from '../model.js';
import { contentHash, readHtmlBody } from './body.js';
import { restoreCjkQuotes } from './cjk-quotes.js';
import { readFields } from './fields.js';
import { readFrontMatter } from './front-matter.js';
import { bodyToHtml } from './markup.js';
import { readPlainText } from './plain-text.js';
import { absoluteUrl, cleanLine, stripXmlIllegal, summarize } from './text.js';

/** Which reader a file gets, decided from its content, never from its extension. */
export type SeedShape = 'front-matter' | 'html' | 'markdown' | 'plain-text';

const HTML_START = /^<(?:!doctype|html|head|body|article|div|p|h[1-6]|section|main)\b/i;

export function detectShape(text: string): SeedShape {
  const start = text.trimStart();
  if (start.startsWith('---') && !/^-{4,}/.test(start)) return 'front-matter';
  if (HTML_START.test(start)) return 'html';
  if (/^#{1,6}\s/.test(start)) return 'markdown';
  return 'plain-text';
}

/** Text as read from disk → text every reader can rely on: no BOM, `\n` line endings. */
export function normalizeNewlines(text: string): string {
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}

interface Parts {
  title?: string;
  html: string;
  link?: string;
  fields?: ReturnType<typeof readFields>;
}

function split(text: string, file: string): Parts | Rejection {
  switch (detectShape(text)) {
    case 'front-matter': {
      const fm = readFrontMatter(text);
      if (fm.kind === 'error') return { file, reason: fm.reason };
      if (fm.kind === 'none') return { html: bodyToHtml(text).html };
      const fields = readFields(fm.data);
      const markup = bodyToHtml(fm.body);
      return {
        title: fields.title,
        html: markup.html,
        link: fields.link ?? markup.sourceLink,
        fields,
      };
    }
    case 'html': {
      const title = htmlTitle(text);
      return { title: title ? cleanLine(decodeBasicEntities(title)) : undefined, html: text };
    }
    case 'markdown':
      return { html: bodyToHtml(text).html };
    case 'plain-text': {
      const plain = readPlainText(text);
      return plain
        ? { title: plain.title, html: plain.html }
        : { file, reason: 'file has no text' };
    }
  }
}

/**
 * `/<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1]` in linear time. The pattern, failing at one
 * `<title`, tried the next one again up to the same `>`: 100 KB of `<title` took seconds. Every
 * `<title` before that `>` fails the same way, so the search goes on after it.
 */
export function htmlTitle(text: string): string | undefined {
  const open = /<title/gi;
  for (let from = 0; ;) {
    open.lastIndex = from;
    const start = open.exec(text)?.index;
    if (start === undefined) return undefined;
    const close = text.indexOf('>', start + 6);
    if (close === -1) return undefined;
    const next = text.indexOf('<', close + 1);
    if (next === -1) return undefined;
    if (/^<\/title>/i.test(text.slice(next, next + 8))) return text.slice(close + 1, next);
    from = close + 1;
  }
}

function decodeBasicEntities(text: string): string {
  return text.replace(
    /&(amp|lt|gt|quot|#39);/g,
    (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e] ?? '',
  );
}

/** A Draft with the normalized plain text of its body, which its contentHash is the hash of. */
export interface ParsedSeed {
  readonly draft: Draft;
  /** What a caller derives more from (the near-duplicate sketch) without reading the body again. */
  readonly text: string;
}

/**
 * One seed file's text → a Draft, or a Rejection saying why it cannot be used. Pure: the same
 * text always gives the same result, which is what lets it run in worker threads and be cached.
 */
export function parseSeed(file: string, rawText: string): Draft | Rejection {
  const parsed = parseSeedWithText(file, rawText);
  return 'reason' in parsed ? parsed : parsed.draft;
}

/** parseSeed, also giving the body's plain text. */
export function parseSeedWithText(file: string, rawText: string): ParsedSeed | Rejection {
  // Characters XML forbids go before anything reads the text: YAML refuses a raw control
  // character in a quoted title, which would reject a whole article over one stray byte.
  const text = stripXmlIllegal(normalizeNewlines(rawText));
  if (text.trim() === '') return { file, reason: 'file is empty' };
  const parts = split(text, file);
  if ('reason' in parts) return parts;
  const body = readHtmlBody(parts.html);
  if (body.text === '')
    return { file, reason: 'file has no text: the body is empty once markup is removed' };

  const fields = parts.fields;
  const notes: string[] = [...(fields?.notes ?? [])];
  const title = restoreCjkQuotes(
    cleanLine(parts.title ?? body.firstHeading ?? body.text.split('\n')[0]!).slice(0, 500),
  );
  if (!parts.title) notes.push(`no title given; using "${summarize(title, 40)}" from the text`);
  let date: number | undefined;
  if (fields?.date && 'date' in fields.date) date = fields.date.date;
  if (fields?.date && 'invalid' in fields.date)
    notes.push(`date "${fields.date.invalid.slice(0, 60)}" is not a real date; treated as missing`);
  const updated = fields?.updated && 'date' in fields.updated ? fields.updated.date : undefined;

  const draft: Draft = {
    source: file,
    title,
    link: parts.link,
    date,
    updated: updated !== undefined && date !== undefined && updated < date ? date : updated,
    author: fields?.author,
    categories: fields?.categories ?? [],
    tags: fields?.tags ?? [],
    // A front-matter image that the body only shows inside boilerplate (sample 001: the app's QR
    // promo) is the site's logo, not the article's picture.
    // Only an absolute http(s) URL can be an enclosure (`feed` throws on a relative one).
    image:
      fields?.image && !body.droppedImages.has(fields.image)
        ? fields.image
        : absoluteUrl(body.firstImage),
    contentHtml: body.contentHtml,
    summary: summarize(body.text),
    contentHash: contentHash(body.text),
    notes,
  };
  return { draft, text: body.text };
}
