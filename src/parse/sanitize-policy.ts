import { isBoilerplateLine } from './boilerplate.js';

/**
 * What article HTML may keep: structure, emphasis, links, images, lists, headings, tables and
 * quotes. Scripts, styles, frames, forms, comments, event handlers and `javascript:` URLs never
 * pass. The writer that applies it is sanitizing-writer.ts.
 */

export const ALLOWED_TAGS: ReadonlySet<string> = new Set([
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
]);

/** The attributes each tag may keep. A tag not named here keeps none. */
export const ALLOWED_ATTRIBUTES: ReadonlyMap<string, ReadonlySet<string>> = new Map(
  Object.entries({
    a: ['href', 'title'],
    img: ['src', 'alt', 'title', 'width', 'height', 'referrerpolicy'],
    td: ['colspan', 'rowspan'],
    th: ['colspan', 'rowspan', 'scope'],
    ol: ['start'],
    time: ['datetime'],
    abbr: ['title'],
    q: ['cite'],
    blockquote: ['cite'],
  }).map(([tag, names]) => [tag, new Set(names)]),
);

/** Attributes that hold a URL, whose scheme is checked (url-scheme.ts). */
export const URL_ATTRIBUTES: ReadonlySet<string> = new Set(['href', 'src', 'cite']);
export const ALLOWED_SCHEMES: readonly string[] = ['http', 'https', 'mailto'];
export const ALLOWED_SCHEMES_BY_TAG: ReadonlyMap<string, readonly string[]> = new Map([
  ['img', ['http', 'https', 'data']],
]);

/** Written as `<br />`, never closed. */
export const SELF_CLOSING: ReadonlySet<string> = new Set(['img', 'br', 'hr']);

/**
 * The one attribute kept with an empty value (`alt=""` says an image is decoration); every other
 * allowed attribute means nothing without one and is dropped.
 */
export const EMPTY_ALLOWED = 'alt';

/** Tags whose text is never content: dropped with everything they hold. */
export const DROP_WITH_CONTENT: ReadonlySet<string> = new Set([
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
]);

/** Tags that count as an element's media: a block holding one is not empty. */
export const MEDIA_TAGS: ReadonlySet<string> = new Set([
  'img',
  'audio',
  'video',
  'picture',
  'svg',
  'object',
  'map',
  'iframe',
  'embed',
]);

/** An element as the boilerplate test sees it when it closes. */
export interface ClosedElement {
  readonly tag: string;
  /** Its attributes: for a tag with an allowlist, only those it keeps. */
  readonly attribs: Readonly<Record<string, string>>;
  /** The text it holds, its children's included. */
  readonly text: string;
  /** The media tags among its children. */
  readonly mediaChildren: readonly string[];
}

/** Class tokens of blocks that are page furniture, not article: QR-code promos, editor credits, share bars. */
const BOILERPLATE_CLASS =
  /^(?:appendqr|qrcode|qr-code|qr_code|article-editor|share|social-share|advert)/i;

/** True when an element is page furniture, to be removed with all it holds. */
export function isBoilerplate(element: ClosedElement): boolean {
  const classes = element.attribs.class?.split(/\s+/) ?? [];
  if (classes.some((c) => BOILERPLATE_CLASS.test(c))) return true;
  if (element.tag === 'img') {
    // 1×1 tracking pixels
    return element.attribs.width === '1' || element.attribs.height === '1' || !element.attribs.src;
  }
  const isContainer =
    element.tag === 'p' ||
    element.tag === 'div' ||
    element.tag === 'span' ||
    element.tag === 'section';
  if (!isContainer || element.mediaChildren.length > 0) return false;
  // Empty blocks, and blocks that are one furniture line (editor, source, promo, copyright).
  return !/\S/.test(element.text) || isBoilerplateLine(element.text);
}
