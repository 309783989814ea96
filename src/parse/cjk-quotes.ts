/**
 * Quotation marks a crawler replaced with underscores: `数字化_新_升级` was `数字化“新”升级`.
 * Only a pair that encloses CJK text, with CJK (or the string's edge) outside each underscore, is
 * read as quotes: Latin text, URLs, ids and snake_case never match, and `__粗体__` is left alone.
 */

/** Han, kana, and the CJK and full-width punctuation that sits next to them in Chinese titles. */
const CJK_LETTER = String.raw`\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u30FC`;
const CJK_PUNCTUATION = String.raw`\u3000-\u303F\uFF01-\uFF0F\uFF1A-\uFF20\uFF3B\uFF3D\uFF5B-\uFF65\u2014\u2026\u2018\u2019\u201C\u201D`;
const CJK = `[${CJK_LETTER}${CJK_PUNCTUATION}]`;

/**
 * `_` + CJK text holding at least one Han or kana character + `_`, with CJK or an edge on both
 * outer sides. At most 40 characters inside: a title's quoted word, not a sentence.
 */
const QUOTED = new RegExp(
  `(?<=^|${CJK})_(?=${CJK}{0,39}[${CJK_LETTER}])(${CJK}{1,40})_(?=$|${CJK})`,
  'gu',
);

/** A token that is a URL or a host name: never rewritten, whatever it contains. */
const URL_LIKE = /^(?:[a-z][a-z0-9+.-]*:|\/\/|www\.)/i;

/** `text` with each underscore-quoted CJK phrase given its “” back. */
export function restoreCjkQuotes(text: string): string {
  if (!text.includes('_')) return text;
  return text
    .split(/(\s+)/u)
    .map((token) => (URL_LIKE.test(token) ? token : token.replace(QUOTED, '“$1”')))
    .join('');
}
