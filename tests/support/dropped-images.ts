import { load } from 'cheerio/slim';
import { limitNesting } from '../../src/parse/nesting.js';
import { stripXmlIllegal } from '../../src/parse/text.js';

/**
 * The dropped images as the one pass defines them: the `src` of every `<img>` a parse of the input
 * finds, as the writer would write it, that the output does not keep. The pattern the two passes
 * used also found `<img` in comments, scripts and titles, and took `src="a&amp;b"` undecoded, so
 * reported kept images with an `&` in their URL as dropped.
 */
export function droppedImagesOf(html: string, contentHtml: string): Set<string> {
  const sources = (h: string) =>
    load(
      h,
      null,
      false,
    )('img')
      .toArray()
      .map((img) => img.attribs.src)
      .filter((src) => src !== undefined);
  const kept = new Set(sources(contentHtml));
  const out = new Set<string>();
  for (const source of sources(limitNesting(html))) {
    const src = stripXmlIllegal(source.startsWith('//') ? `https:${source}` : source);
    if (src && !kept.has(src)) out.add(src);
  }
  return out;
}
