/**
 * Fixed rules for lines that are page furniture, not story: editor credits, source lines, app and
 * QR-code promotions, copyright notices, and the "recommended reading" list that closes many
 * crawled pages. They are removed from the body before it is hashed, summarized or shown.
 * (Repeated lines that no rule names are learned from the corpus instead: dedupe/boilerplate.ts.)
 */

/** Furniture is a line, not a paragraph of story: anything longer is kept whatever it says. */
const MAX_LINE = 80;

const LINE_RULES: readonly RegExp[] = [
  // 责任编辑：王珊珊 / 编辑：张三 / [责任编辑:李四]
  /^[【[（(]?\s*(?:责任编辑|责编|编辑|校对|审核|监制|值班编辑)\s*[：:]/u,
  // （文章来源：中国工业报） / 来源：湖南日报 at the end of an article (see isBoilerplateLine)
  /^[【[（(]\s*(?:文章|本文|稿件|新闻)?来源\s*[：:][^）)\]】]*[）)\]】]$/u,
  // 本文来源于… / 文章来源：… (without brackets)
  /^(?:文章|本文|稿件)来源(?:于)?\s*[：:]?/u,
  // app and QR-code promotions
  /(?:下载|打开|安装)[^。！？]{0,20}(?:客户端|APP|App|app)/u,
  /(?:扫描|扫码|长按|识别)[^。！？]{0,12}二维码/u,
  /^(?:关注|搜索)[^。！？]{0,20}(?:公众号|微信号|视频号)/u,
  /海量资讯[、，,]?\s*精准解读/u,
  // copyright notices
  /未经(?:许可|授权|书面授权|本网授权)[^。]{0,12}(?:不得|禁止|严禁)(?:转载|使用|复制)/u,
  /^(?:版权(?:所有|声明)|版权归[^。]{0,20}所有)/u,
  /^(?:copyright\s*)?(?:©|\(c\)|copyright)\s*(?:\d{4}|[a-z])/iu,
];

/** A heading after which only a list of other articles follows. */
export const RELATED_HEADING =
  /^(?:推荐阅读|相关阅读|延伸阅读|相关文章|相关新闻|热门推荐|更多精彩|related(?: articles| posts)?|read more)\s*[:：]?$/iu;

/** The characters `\s` matches: line terminators and Unicode's spaces. */
function isSpace(c: number): boolean {
  if (c < 0x80) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/**
 * More than MAX_LINE characters that are not whitespace: a line longer than MAX_LINE however its
 * whitespace is collapsed. Settled within the first MAX_LINE + 1 of them, where collapsing reads the
 * whole text: the sanitizer asks this of every block, and a block holding the article is all of it.
 */
function longerThanALine(text: string): boolean {
  let seen = 0;
  for (let i = 0; i < text.length; i++)
    if (!isSpace(text.charCodeAt(i)) && ++seen > MAX_LINE) return true;
  return false;
}

/** True when a whole block's text is one of the furniture lines the rules name. */
export function isBoilerplateLine(text: string): boolean {
  if (longerThanALine(text)) return false;
  const line = text.replace(/[\s\u3000]+/gu, ' ').trim();
  if (line === '' || line.length > MAX_LINE) return false;
  return LINE_RULES.some((rule) => rule.test(line));
}

/** A cheap test first: the block pattern below is slow on long bodies. */
const RELATED_WORD =
  /推荐阅读|相关阅读|延伸阅读|相关文章|相关新闻|热门推荐|更多精彩|related|read more/i;
const RELATED_BLOCK =
  /<(p|h[1-6]|div|section)>\s*(?:<(?:strong|b|span)>\s*)*([^<]{2,24}?)\s*(?:<\/(?:strong|b|span)>\s*)*<\/\1>/giu;
/**
 * How many related-reading headings are tried: each try reads the whole rest of the body, and
 * 10,000 `<p>推荐阅读</p>` took minutes. A page has one such list, two or three with neighbours.
 */
const MAX_RELATED_HEADINGS = 16;
/** What may follow a related-reading heading: links, list markup, separators, short labels. */
const MAX_NON_LINK_TEXT = 16;

/**
 * Cuts a trailing related-reading list (`<p>推荐阅读</p><ul><li><a>…</a></li>…`) from sanitized
 * HTML: the heading and everything after it, when what follows is links and little else.
 */
export function cutRelatedReading(html: string): string {
  if (!RELATED_WORD.test(html)) return html;
  let headings = 0;
  for (const m of html.matchAll(RELATED_BLOCK)) {
    if (!RELATED_HEADING.test(m[2]!.trim())) continue;
    if (++headings > MAX_RELATED_HEADINGS) break;
    const rest = html.slice(m.index + m[0].length);
    const nonLinkText = rest
      .replace(/<a\b[^>]*>[\s\S]*?<\/a>/giu, '')
      .replace(/<[^>]+>/gu, '')
      .replace(/[\s\u3000|｜·•\-–—>》，。、：:;；]+/gu, '');
    if (nonLinkText.length <= MAX_NON_LINK_TEXT) return html.slice(0, m.index).trimEnd();
  }
  return html;
}
