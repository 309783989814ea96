/** Small pure helpers for the strings that end up in feeds. */

/**
 * Everything XML 1.0 forbids (C0 controls but tab/LF/CR, U+FFFE/U+FFFF, lone surrogates), and the
 * noncharacters U+FDD0–U+FDEF, which mean nothing in text and which the renderer uses internally.
 */
const XML_ILLEGAL = /[^\t\n\r\u0020-\uD7FF\uE000-\uFDCF\uFDF0-\uFFFD\u{10000}-\u{10FFFF}]/gu;
/**
 * A code unit XML_ILLEGAL might take: outside the legal BMP ranges, surrogates (of a legal pair
 * too) included. Without the `u` flag this scans 3-4× faster, and most texts (CJK, Latin) have
 * none, so only the others are scanned again by the slower pattern.
 */
const MAYBE_ILLEGAL = /[^\t\n\r\u0020-\uD7FF\uE000-\uFDCF\uFDF0-\uFFFD]/;

export function stripXmlIllegal(text: string): string {
  return MAYBE_ILLEGAL.test(text) ? text.replace(XML_ILLEGAL, '') : text;
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
/** Characters that may belong to a grapheme with a neighbour: astral (emoji, flags), marks, joiners, selectors, Hangul. */
const GRAPHEME_JOINERS =
  /[\uD800-\uDFFF\u{10000}-\u{10FFFF}\p{M}\u200C\u200D\uFE00-\uFE0F\u1100-\u11FF\uAC00-\uD7A3]/u;

/**
 * About `max` characters of plain text, cut between graphemes (never inside a surrogate pair,
 * a combining sequence or an emoji), with an ellipsis when something was cut.
 */
export function summarize(text: string, max = 200): string {
  // Only the head matters; segmenting a whole article cost more than parsing it.
  const flat = text
    .slice(0, max * 2 + 64)
    .replace(/\s+/gu, ' ')
    .trim();
  if (flat.length <= max && text.length <= max * 2 + 64) return flat;
  const cut = Math.min(max - 1, flat.length);
  // Around most cuts (CJK, Latin) nothing can join across: no surrogate, combining mark, joiner
  // or selector. Only then is the segmenter needed, and only on a small window.
  if (!GRAPHEME_JOINERS.test(flat.slice(Math.max(0, cut - 2), cut + 2)))
    return `${flat.slice(0, cut).trimEnd()}…`;
  const windowStart = Math.max(0, cut - 32);
  let boundary = windowStart;
  for (const { index } of segmenter.segment(flat.slice(windowStart, cut + 32))) {
    if (windowStart + index > cut) break;
    boundary = windowStart + index;
  }
  return `${flat.slice(0, boundary).trimEnd()}…`;
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
