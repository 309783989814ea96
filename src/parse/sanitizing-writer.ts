import { createRequire } from 'node:module';
import {
  ALLOWED_ATTRIBUTES,
  ALLOWED_SCHEMES,
  ALLOWED_SCHEMES_BY_TAG,
  ALLOWED_TAGS,
  DROP_WITH_CONTENT,
  EMPTY_ALLOWED,
  MEDIA_TAGS,
  SELF_CLOSING,
  URL_ATTRIBUTES,
  isBoilerplate,
} from './sanitize-policy.js';
import { isRefusedUrl } from './url-scheme.js';

// The CommonJS build: importing the ES build as well would load a second copy of the parser into
// every worker (~45 ms of CPU each).
const { Parser } = createRequire(import.meta.url)('htmlparser2') as typeof import('htmlparser2');

/**
 * What the writer put in its output, in order, each with where it starts there: what a parser
 * reading the output would see, without reading it (sanitized-reader.ts replays them).
 */
export type Written =
  | { readonly kind: 'open'; readonly at: number; readonly name: string; readonly src?: string }
  | { readonly kind: 'close'; readonly at: number; readonly name: string }
  | { readonly kind: 'text'; readonly at: number; readonly text: string };

export interface WrittenHtml {
  readonly html: string;
  readonly written: Written[];
  /** The `src` of every `<img>` the input opens, whether it was kept or not. */
  readonly imageSources: string[];
}

interface Frame {
  readonly tag: string;
  attribs: Record<string, string>;
  text: string;
  readonly mediaChildren: string[];
  /** Where the element starts in the output. */
  readonly at: number;
  /** Not written: a tag outside the allowlist, whose content is kept. */
  readonly skipped: boolean;
}

const withScheme = (url: string | undefined) => (url?.startsWith('//') ? `https:${url}` : url);

const ESCAPED: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
/** Text as HTML: `&`, `<` and `>` escaped, and `"` in an attribute value. Most text has none of them. */
const escapeText = (s: string) => (/[&<>]/.test(s) ? s.replace(/[&<>]/g, (c) => ESCAPED[c]!) : s);
const escapeValue = (s: string) => escapeText(s).replace(/"/g, '&quot;');

/** Attributes as the allowlist's tags get them before checking: links and images made absolute. */
function transformed(name: string, attribs: Record<string, string>): Record<string, string> {
  if (name === 'a') return { ...attribs, href: withScheme(attribs.href) ?? '' };
  // Many seed images are hot-link protected and only load without a Referer.
  if (name === 'img')
    return { ...attribs, src: withScheme(attribs.src) ?? '', referrerpolicy: 'no-referrer' };
  return attribs;
}

/**
 * Sanitizes HTML in one parse: what sanitize-html 2.17 wrote with this policy (sanitize-policy.ts)
 * in `discard` mode, byte for byte (tests/parse/one-pass.test.ts), and the record of what it wrote.
 *
 * An element outside the allowlist is dropped and its content kept, or dropped with it when it is
 * one of DROP_WITH_CONTENT. Only allowlisted attributes are written, a URL only with an allowed
 * scheme, every value and text escaped. An element the boilerplate test (isBoilerplate) refuses as
 * it closes is cut from the output with everything written since it opened.
 */
export function writeSanitized(html: string): WrittenHtml {
  let out = '';
  const written: Written[] = [];
  const imageSources: string[] = [];
  const stack: Frame[] = [];
  /** Elements open inside a dropped-with-content one, itself counted: nothing is written. */
  let unwritten = 0;

  const parser = new Parser(
    {
      onopentag(name, attribs) {
        if (name === 'img' && attribs.src !== undefined) imageSources.push(attribs.src);
        if (unwritten > 0) {
          unwritten++;
          return;
        }
        const frame: Frame = {
          tag: name,
          attribs: transformed(name, attribs),
          text: '',
          mediaChildren: [],
          at: out.length,
          skipped: !ALLOWED_TAGS.has(name),
        };
        stack.push(frame);
        if (frame.skipped) {
          if (DROP_WITH_CONTENT.has(name)) unwritten = 1;
          return;
        }
        const src = openTag(frame);
        written.push({ kind: 'open', at: frame.at, name, src });
      },
      ontext(text) {
        if (unwritten > 0) return;
        written.push({ kind: 'text', at: out.length, text });
        out += escapeText(text);
        const top = stack.at(-1);
        if (top) top.text += text;
      },
      onclosetag(name) {
        if (unwritten > 0 && --unwritten > 0) return;
        const frame = stack.pop();
        if (!frame) return;
        if (frame.tag !== name) {
          // A close that does not match (bad markup): the element stays open.
          stack.push(frame);
          return;
        }
        const parent = stack.at(-1);
        if (frame.skipped) {
          if (parent) parent.text += frame.text;
          return;
        }
        if (isBoilerplate(frame)) {
          out = out.slice(0, frame.at);
          while (written.length > 0 && written.at(-1)!.at >= frame.at) written.pop();
          return;
        }
        if (parent) {
          if (MEDIA_TAGS.has(frame.tag)) parent.mediaChildren.push(frame.tag);
          parent.text += frame.text;
        }
        if (SELF_CLOSING.has(name)) return;
        written.push({ kind: 'close', at: out.length, name });
        out += `</${name}>`;
      },
    },
    { decodeEntities: true },
  );

  /** Writes an allowed element's start tag, keeping in its frame only the attributes written. */
  function openTag(frame: Frame): string | undefined {
    const allowed = ALLOWED_ATTRIBUTES.get(frame.tag);
    out += `<${frame.tag}`;
    if (allowed) {
      const kept: Record<string, string> = {};
      for (const [name, value] of Object.entries(frame.attribs)) {
        if (!allowed.has(name)) continue;
        if (value === '' && name !== EMPTY_ALLOWED) continue;
        if (URL_ATTRIBUTES.has(name) && isRefusedUrl(value, schemesOf(frame.tag))) continue;
        kept[name] = value;
        out += value === '' ? ` ${name}=""` : ` ${name}="${escapeValue(value)}"`;
      }
      frame.attribs = kept;
    }
    out += SELF_CLOSING.has(frame.tag) ? ' />' : '>';
    return frame.tag === 'img' ? frame.attribs.src : undefined;
  }

  parser.end(html);
  return { html: out, written, imageSources };
}

const schemesOf = (tag: string) => ALLOWED_SCHEMES_BY_TAG.get(tag) ?? ALLOWED_SCHEMES;
