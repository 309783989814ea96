/** Small pure helpers for the strings that end up in feeds. */

/**
 * Everything XML 1.0 forbids (C0 controls but tab/LF/CR, U+FFFE/U+FFFF, lone surrogates), and the
 * noncharacters U+FDD0–U+FDEF, which mean nothing in text and which the renderer uses internally.
 */
const XML_ILLEGAL = /[^\t\n\r\u0020-\uD7FF\uE000-\uFDCF\uFDF0-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function stripXmlIllegal(text: string): string {
  return text.replace(XML_ILLEGAL, '');
}

/** A one-line field (title, author, category): legal characters, NFC, single spaces, trimmed. */
export function cleanLine(value: string): string {
  return stripXmlIllegal(value)
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ')
    .normalize('NFC')
    .replace(/\s+/gu, ' ')
    .trim();
}

const segmenter = new Intl.Segmenter('und', { granularity: 'grapheme' });

/**
 * About `max` characters of plain text, cut between graphemes (never inside a surrogate pair,
 * a combining sequence or an emoji), with an ellipsis when something was cut.
 */
export function summarize(text: string, max = 200): string {
  const flat = text.replace(/\s+/gu, ' ').trim();
  if (flat.length <= max) return flat;
  let out = '';
  for (const { segment } of segmenter.segment(flat)) {
    if (out.length + segment.length > max - 1) break;
    out += segment;
  }
  return `${out.trimEnd()}…`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** An absolute http(s) URL, or undefined. Protocol-relative `//host/…` is read as https. */
export function absoluteUrl(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const raw = value.trim();
  const candidate = raw.startsWith('//') ? `https:${raw}` : raw;
  if (!/^https?:\/\//i.test(candidate)) return undefined;
  try {
    return new URL(candidate).href;
  } catch {
    return undefined;
  }
}
