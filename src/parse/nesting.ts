/**
 * Caps how deeply HTML elements nest, before any parser sees the markup. htmlparser2 (under both
 * sanitize-html and cheerio) is superlinear in nesting depth: 100,000 nested `<div>`s took ~30 s
 * to sanitize and parse, a crawled file's worth of denial of service. No article nests anywhere
 * near MAX_NESTING, so tags opened deeper are dropped (their text stays) along with their ends.
 *
 * This is a linear scan over tag-shaped text, not an HTML parser. It only ever removes tags, and
 * its output still goes through the sanitizer, so where it misreads (a tag inside a comment, say)
 * the worst outcome is a flattened element, never an unsanitized one.
 */

export const MAX_NESTING = 256;

const TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9:-]*)(?:\s[^>]*)?>/g;
const VOID = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'param',
  'source',
  'track',
  'wbr',
]);
/** Elements an HTML parser closes when another of the same kind opens, so `<p>a<p>b` is not nesting. */
const SELF_CLOSING_SIBLINGS = new Set([
  'p',
  'li',
  'dt',
  'dd',
  'tr',
  'td',
  'th',
  'option',
  'optgroup',
  'rp',
  'rt',
]);
/** How far down the stack an end tag looks for its element; stray end tags are ignored. */
const END_TAG_REACH = 16;

interface Open {
  readonly name: string;
  readonly dropped: boolean;
}

export function limitNesting(html: string, maxDepth = MAX_NESTING): string {
  // Cheap exit for every normal article: too few tags to nest that deep.
  if (countOf(html, '<', maxDepth + 1) <= maxDepth) return html;
  const stack: Open[] = [];
  let changed = false;
  // Only text before the last `>` can hold a tag. Past it, TAG would try every `<a ` against the
  // whole rest of the text (50,000 of them took minutes); before it, every try ends at a `>`.
  const end = html.lastIndexOf('>') + 1;
  const out = html.slice(0, end).replace(TAG, (tag: string, slash: string, rawName: string) => {
    const name = rawName.toLowerCase();
    if (VOID.has(name) || tag.endsWith('/>')) return tag;
    if (slash === '') {
      if (SELF_CLOSING_SIBLINGS.has(name) && stack.at(-1)?.name === name) stack.pop();
      const dropped = stack.length >= maxDepth;
      stack.push({ name, dropped });
      if (dropped) changed = true;
      return dropped ? '' : tag;
    }
    for (let i = stack.length - 1; i >= Math.max(0, stack.length - END_TAG_REACH); i--) {
      if (stack[i]!.name === name) {
        const { dropped } = stack[i]!;
        stack.length = i;
        return dropped ? '' : tag;
      }
    }
    return tag;
  });
  return changed ? out + html.slice(end) : html;
}

/** Occurrences of `char` in `text`, counting no further than `limit`. */
function countOf(text: string, char: string, limit: number): number {
  let count = 0;
  for (let i = text.indexOf(char); i !== -1 && count < limit; i = text.indexOf(char, i + 1))
    count++;
  return count;
}
