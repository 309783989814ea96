import matter from 'gray-matter';
import { createRequire } from 'node:module';

/**
 * The js-yaml that gray-matter itself depends on (3.x), resolved from gray-matter's own location
 * so it is the copy npm installed for it. Used with its CORE schema: no `!!js/*`, no `!!binary`,
 * and timestamps stay strings so `parseDateValue` sees what was written. (It parses these small
 * blocks ~6× faster than js-yaml 5.)
 */
const yaml = createRequire(createRequire(import.meta.url).resolve('gray-matter'))('js-yaml') as {
  safeLoad(source: string, options: { schema: unknown }): unknown;
  CORE_SCHEMA: unknown;
};

export type FrontMatter =
  | { readonly kind: 'none' }
  | {
      readonly kind: 'data';
      readonly data: Readonly<Record<string, unknown>>;
      readonly body: string;
    }
  | { readonly kind: 'error'; readonly reason: string };

const refuse = (language: string) => () => {
  throw new Error(`front matter in ${language} is never executed`);
};

/**
 * gray-matter with its code engines replaced. Its default `javascript` engine `eval`s `---js`
 * blocks; `coffee` would too if installed. Passing an options object also keeps gray-matter from
 * caching every input it ever parsed.
 */
const MATTER_OPTIONS = Object.freeze({
  excerpt: false,
  engines: {
    yaml: {
      parse: (source: string) => yaml.safeLoad(source, { schema: yaml.CORE_SCHEMA }) as object,
    },
    js: refuse('javascript'),
    javascript: refuse('javascript'),
    coffee: refuse('coffeescript'),
    coffeescript: refuse('coffeescript'),
  },
});

const FENCE_LINE = /^---[ \t]*([^\n]*?)[ \t]*\n/;
const CLOSING_FENCE = /\n---[ \t]*(?:\n|$)/;

/** `text` has its BOM removed and its line endings normalized to `\n`. */
export function readFrontMatter(text: string): FrontMatter {
  // Hexo posts start with a blank line; gray-matter only looks at offset 0.
  const start = text.replace(/^\s+/, '');
  if (!start.startsWith('---') || /^-{4,}/.test(start)) return { kind: 'none' };
  const fence = FENCE_LINE.exec(start);
  if (!fence)
    return { kind: 'error', reason: 'front matter has an opening --- but nothing after it' };
  const language = fence[1]!;
  if (language !== '' && !/^ya?ml$/i.test(language)) {
    const named = `front matter language "${language.slice(0, 40)}" is not allowed`;
    // JSON and TOML are data too, but seedfeed reads one format; saying "code" would mislead.
    if (/^(json|toml)$/i.test(language))
      return {
        kind: 'error',
        reason: `${named}: front matter is YAML; write the fields as YAML between --- lines`,
      };
    return { kind: 'error', reason: `${named}: front matter is data (YAML), never code` };
  }
  const rest = start.slice(fence[0].length - 1);
  if (!CLOSING_FENCE.test(rest) && !rest.startsWith('\n---'))
    return { kind: 'error', reason: 'front matter has no closing --- line' };
  // gray-matter ends the block at the first "\n---" after the opening line. It is given the
  // block alone: given the whole file, it encodes all of it to a Buffer and looks it up as a key
  // of its cache, options or not. The body is cut here as gray-matter cuts it.
  const close = start.indexOf('\n---', fence[0].length - 1) + '\n---'.length;

  let parsed: { data: unknown };
  try {
    parsed = matter(start.slice(0, close), MATTER_OPTIONS);
  } catch (error) {
    const skippedLines = text.slice(0, text.length - start.length).split('\n').length - 1;
    return {
      kind: 'error',
      reason: `front matter is not valid YAML: ${describeYamlError(error, skippedLines)}`,
    };
  }
  const { data } = parsed;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return { kind: 'error', reason: 'front matter is not a mapping of keys to values' };
  }
  const proto = Object.getPrototypeOf(data);
  if (proto !== Object.prototype && proto !== null)
    return { kind: 'error', reason: 'front matter is not a mapping of keys to values' };
  return { kind: 'data', data: data as Record<string, unknown>, body: bodyAfter(start, close) };
}

/** What gray-matter gives as `content`: the rest after the closing fence, less one line break. */
function bodyAfter(text: string, close: number): string {
  let at = close;
  if (text[at] === '\r') at++;
  if (text[at] === '\n') at++;
  return text.slice(at);
}

function describeYamlError(error: unknown, skippedLines: number): string {
  const e = error as { name?: string; reason?: string; message?: string; mark?: { line: number } };
  if (e?.name === 'YAMLException' && e.reason) {
    // gray-matter hands js-yaml the block starting with the opening fence's newline, so mark.line + 1 is the
    // line counted from the fence; blank lines before the fence (Hexo's habit) were cut off before parsing.
    return e.mark ? `${e.reason} (line ${e.mark.line + 1 + skippedLines})` : e.reason;
  }
  return String(e?.message ?? error).split('\n')[0]!;
}
