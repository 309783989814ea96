/**
 * sanitize-html with the policy src/parse/sanitize.ts gave it before the one-pass writer (at
 * 0f02a8b), kept verbatim: the reference the writer's output must match byte for byte.
 */
import sanitizeHtml from 'sanitize-html';
import { cutRelatedReading, isBoilerplateLine } from '../../src/parse/boilerplate.js';
import { limitNesting } from '../../src/parse/nesting.js';
import { stripXmlIllegal } from '../../src/parse/text.js';

const ALLOWED_TAGS = [
  'p',
  'br',
  'hr',
  'div',
  'span',
  'section',
  'article',
  'figure',
  'figcaption',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'strong',
  'b',
  'em',
  'i',
  'u',
  's',
  'del',
  'ins',
  'mark',
  'small',
  'sub',
  'sup',
  'abbr',
  'cite',
  'q',
  'time',
  'a',
  'img',
  'ul',
  'ol',
  'li',
  'dl',
  'dt',
  'dd',
  'blockquote',
  'pre',
  'code',
  'table',
  'caption',
  'thead',
  'tbody',
  'tfoot',
  'tr',
  'th',
  'td',
];

/** Tags whose text is never content (sanitize-html would otherwise keep it as bare text). */
const DROP_WITH_CONTENT = [
  'script',
  'style',
  'noscript',
  'template',
  'textarea',
  'option',
  'select',
  'button',
  'iframe',
  'object',
  'embed',
  'svg',
  'math',
  'head',
  'title',
  'canvas',
  'video',
  'audio',
];

/** Class tokens of blocks that are page furniture, not article: QR-code promos, editor credits, share bars. */
const BOILERPLATE_CLASS =
  /^(?:appendqr|qrcode|qr-code|qr_code|article-editor|share|social-share|advert)/i;

const withScheme = (url: string | undefined) => (url?.startsWith('//') ? `https:${url}` : url);

function isBoilerplate(frame: sanitizeHtml.IFrame): boolean {
  const classes = frame.attribs.class?.split(/\s+/) ?? [];
  if (classes.some((c) => BOILERPLATE_CLASS.test(c))) return true;
  if (frame.tag === 'img') {
    // 1×1 tracking pixels
    return frame.attribs.width === '1' || frame.attribs.height === '1' || !frame.attribs.src;
  }
  const isContainer =
    frame.tag === 'p' || frame.tag === 'div' || frame.tag === 'span' || frame.tag === 'section';
  if (!isContainer || frame.mediaChildren.length > 0) return false;
  // Empty blocks, and blocks that are one furniture line (editor, source, promo, copyright).
  return frame.text.trim() === '' || isBoilerplateLine(frame.text);
}

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: ALLOWED_TAGS,
  allowedAttributes: {
    a: ['href', 'title'],
    img: ['src', 'alt', 'title', 'width', 'height', 'referrerpolicy'],
    td: ['colspan', 'rowspan'],
    th: ['colspan', 'rowspan', 'scope'],
    ol: ['start'],
    time: ['datetime'],
    abbr: ['title'],
    q: ['cite'],
    blockquote: ['cite'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https', 'data'] },
  allowProtocolRelative: false,
  nonTextTags: DROP_WITH_CONTENT,
  disallowedTagsMode: 'discard',
  exclusiveFilter: isBoilerplate,
  transformTags: {
    a: (tagName, attribs) => ({
      tagName,
      attribs: { ...attribs, href: withScheme(attribs.href) ?? '' },
    }),
    // Many seed images are hot-link protected and only load without a Referer.
    img: (tagName, attribs) => ({
      tagName,
      attribs: { ...attribs, src: withScheme(attribs.src) ?? '', referrerpolicy: 'no-referrer' },
    }),
  },
};

function sanitizeArticleHtml(html: string): string {
  // Character references are decoded by the sanitizer: `&#x1;` would come out as a raw U+0001.
  return stripXmlIllegal(cutRelatedReading(sanitizeHtml(limitNesting(html), OPTIONS).trim()));
}

/** What sanitize-html writes with the policy, as src/parse/sanitize.ts did. */
export const twoPassSanitize = sanitizeArticleHtml;
