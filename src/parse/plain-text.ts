import { RELATED_HEADING } from './boilerplate.js';
import { escapeHtml } from './text.js';

export interface PlainText {
  readonly title: string;
  readonly html: string;
}

/** Lines that are the crawler's furniture, not the article: an image placeholder caption. */
const PLACEHOLDER_LINES = new Set(['本文插图', '图片', '点击查看大图']);

/**
 * A plain-text article (sample 004): the first line is the title, written `|Title` by the
 * crawler that produced it; each following line is a paragraph. The crawler also echoes the
 * title as `【|Title】` inside the text and appends a "推荐阅读" (recommended reading) link list.
 */
export function readPlainText(text: string): PlainText | undefined {
  const lines = text.split('\n');
  const firstIndex = lines.findIndex((line) => line.trim() !== '');
  if (firstIndex === -1) return undefined;
  const title = lines[firstIndex]!.trim().replace(/^\|+/, '').trim();
  const echo = new RegExp(`【\\|?${escapeRegExp(title)}】`, 'g');
  const paragraphs: string[] = [];
  for (const raw of lines.slice(firstIndex + 1)) {
    const line = (raw.includes('【') ? raw.replace(echo, '') : raw).trim();
    if (RELATED_HEADING.test(line)) break;
    if (line === '' || PLACEHOLDER_LINES.has(line)) continue;
    paragraphs.push(`<p>${escapeHtml(line)}</p>`);
  }
  return { title, html: paragraphs.join('\n') };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
