import * as OpenCC from 'opencc-js';
import type { FeedItem, FeedSpec } from './feed-model.js';

/**
 * Simplified ↔ traditional Chinese variants of feeds and pages (`?opencc=`, as RSSHub names them),
 * converted with opencc-js. Only human-readable text changes: titles, summaries, authors,
 * category names, and the text nodes of HTML — never URLs, ids, guids, slugs, tags' attributes
 * or any other markup.
 */
export const OPENCC_VARIANTS = ['s2t', 't2s', 's2tw', 's2hk', 'tw2s', 'hk2s'] as const;
export type OpenccVariant = (typeof OPENCC_VARIANTS)[number];

type Locale = 'cn' | 't' | 'tw' | 'hk';
const LOCALES: Record<OpenccVariant, { from: Locale; to: Locale }> = {
  s2t: { from: 'cn', to: 't' },
  t2s: { from: 't', to: 'cn' },
  s2tw: { from: 'cn', to: 'tw' },
  s2hk: { from: 'cn', to: 'hk' },
  tw2s: { from: 'tw', to: 'cn' },
  hk2s: { from: 'hk', to: 'cn' },
};

export function isOpenccVariant(value: string): value is OpenccVariant {
  return (OPENCC_VARIANTS as readonly string[]).includes(value);
}

export type Convert = (text: string) => string;

/**
 * Converters build their dictionaries once, on first use of each variant: 0.3 to 0.5 s each, so
 * they are kept for the process, not per Site. A converter depends on its variant alone, so no
 * Site can tell whether another made it first.
 */
const converters = new Map<OpenccVariant, Convert>();
export function converter(variant: OpenccVariant): Convert {
  let convert = converters.get(variant);
  if (!convert) {
    const raw = OpenCC.Converter(LOCALES[variant]);
    // Text without any CJK character cannot change: skip the dictionary walk.
    convert = (text) => (/[\u3400-\u9fff\uf900-\ufaff]/.test(text) ? raw(text) : text);
    converters.set(variant, convert);
  }
  return convert;
}

/**
 * A tag, comment or doctype: quoted attribute values may contain `>`. Everything else is text.
 * `<style>`/`<script>` bodies are kept as they are.
 */
const MARKUP =
  /<!--[\s\S]*?-->|<(style|script)\b[^>]*>[\s\S]*?<\/\1\s*>|<(?:[^>"']|"[^"]*"|'[^']*')*>/gi;

/** Converts the text nodes of an HTML fragment or document; markup and attributes stay byte for byte. */
export function convertHtmlText(html: string, convert: Convert): string {
  let out = '';
  let last = 0;
  for (const match of html.matchAll(MARKUP)) {
    out += convert(html.slice(last, match.index)) + match[0];
    last = match.index + match[0].length;
  }
  return out + convert(html.slice(last));
}

function convertItem(item: FeedItem, convert: Convert): FeedItem {
  return {
    ...item,
    title: convert(item.title),
    summary: convert(item.summary),
    contentHtml: convertHtmlText(item.contentHtml, convert),
    author: item.author === undefined ? undefined : convert(item.author),
    categories: item.categories.map((c) => ({ ...c, name: convert(c.name) })),
  };
}

/** The same feed with its text converted; links, ids and archive links untouched. */
export function convertFeedSpec(spec: FeedSpec, convert: Convert): FeedSpec {
  return {
    ...spec,
    title: convert(spec.title),
    description: convert(spec.description),
    items: spec.items.map((i) => convertItem(i, convert)),
  };
}
