/**
 * What in an HTML document (a page, or a feed item's content) could run script or redirect the
 * page: read from the DOM a browser-grade parser (parse5, via cheerio) builds, so entity-encoded
 * and oddly-cased payloads are seen as a browser sees them. Returns one line per finding.
 */
import { load } from 'cheerio';

/** Elements that run, embed or re-point content, whatever their attributes. */
const EXECUTABLE_ELEMENTS = [
  'script',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'applet',
  'base',
  'meta[http-equiv]',
  'portal',
  'svg',
  'math',
  'link[rel=import]',
];
/** Attributes whose value a browser may load or navigate to. */
const URL_ATTRIBUTES = [
  'href',
  'src',
  'action',
  'formaction',
  'data',
  'xlink:href',
  'background',
  'poster',
  'srcset',
  'cite',
  'lowsrc',
  'dynsrc',
];
const SCRIPT_URL = /^(?:javascript|vbscript|livescript|data):/i;
/** An image never runs script (not even SVG: a browser renders an `<img>` SVG without its scripts). */
const IMAGE_DATA = /^data:image\//i;
const CSS_SCRIPT = /expression\s*\(|javascript:|vbscript:|-moz-binding|behavior\s*:/i;

/** A URL as the browser's URL parser reads it: ASCII whitespace and controls anywhere do not count. */
const compactUrl = (value: string) => value.replace(/[\u0000-\u0020\u007f]+/g, '');

export function findExecutable(html: string, options: { fragment?: boolean } = {}): string[] {
  const $ = load(html, null, !options.fragment);
  const found: string[] = [];
  for (const selector of EXECUTABLE_ELEMENTS) {
    $(selector).each(
      (_, el) => void found.push(`<${selector}> element: ${$.html(el).slice(0, 120)}`),
    );
  }
  $('*').each((_, el) => {
    if (el.type !== 'tag') return;
    for (const [name, value] of Object.entries(el.attribs)) {
      const lower = name.toLowerCase();
      if (lower.startsWith('on'))
        found.push(`event handler ${name}="${value.slice(0, 80)}" on <${el.name}>`);
      const url = compactUrl(value);
      const isImage = el.name === 'img' && lower === 'src' && IMAGE_DATA.test(url);
      if (URL_ATTRIBUTES.includes(lower) && SCRIPT_URL.test(url) && !isImage)
        found.push(`script URL ${name}="${value.slice(0, 80)}" on <${el.name}>`);
      if (lower === 'style' && CSS_SCRIPT.test(value))
        found.push(`script in style="${value.slice(0, 80)}" on <${el.name}>`);
    }
  });
  $('style').each((_, el) => {
    const css = $(el).text();
    if (CSS_SCRIPT.test(css)) found.push(`script in <style>: ${css.slice(0, 80)}`);
  });
  return found;
}
