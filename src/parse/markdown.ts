import {
  Lexer,
  Parser,
  Tokenizer,
  getDefaults,
  type MarkedOptions,
  type Rules,
  type Token,
  type Tokens,
} from 'marked';
import { OpenerGuard, type WalkRule } from './emphasis.js';

/**
 * marked, with bounds on the inputs that make it slow. marked is a recursive lexer of regular
 * expressions, and some shapes of input cost it far more than their size (measured, marked 18.2):
 *
 * - Nesting. Each list or block-quote level lexes all it holds again, and lines of a list nested
 *   1,000 levels deep (1 MB) took 7.8 s and 457 MB; 100,000 `>` on one line overflowed its stack.
 *   A list or quote below MAX_BLOCK_NESTING levels is the text of the level above.
 * - E-mail autolinks. At every `_`, `*`, `!` or `~` inside a run of characters an address may be
 *   made of, two patterns looked through the whole rest of the run for an `@`: `_a` repeated
 *   20,000 times took 2.2 s, `a._` repeated 30,000 times minutes. An address's local part is at
 *   most 64 characters (RFC 5321), so they look no further than that.
 * - Emphasis and strikethrough openers that nothing closes. Each searched the rest of its
 *   paragraph: 30,000 `*a ` and one `a*` took minutes. emphasis.ts knows them at once.
 *
 * Documents within these bounds come out exactly as marked makes them (tests/parse/markdown.test.ts).
 */

/** Lists and block quotes nested deeper than this are read as text; real articles nest a few. */
export const MAX_BLOCK_NESTING = 16;

/** The longest local part of an e-mail address (RFC 5321 § 4.5.3.1.1). */
const MAX_LOCAL_PART = 64;

/** marked's unbounded e-mail local parts, each with how often its pattern holds it. */
const EMAIL_LOCAL_PARTS: ReadonlyArray<{ rule: 'url' | 'text'; part: string; count: number }> = [
  { rule: 'url', part: '|^[A-Za-z0-9._+-]+(@)', count: 1 },
  { rule: 'text', part: "(?=[a-zA-Z0-9.!#$%&'*+\\/=?_`{\\|}~-]+@)", count: 2 },
];

/** A parse's rules (marked makes the object for each parse) with the e-mail local parts bounded. */
function boundedRules(rules: Rules): Rules {
  return { ...rules, inline: withBoundedEmails(rules.inline) };
}

const boundedInline = new WeakMap<Rules['inline'], Rules['inline']>();

/** marked's inline rules (one object per flavour, shared by every parse) with the local parts bounded. */
function withBoundedEmails(inline: Rules['inline']): Rules['inline'] {
  const known = boundedInline.get(inline);
  if (known) return known;
  const patched = { ...inline };
  for (const { rule, part, count } of EMAIL_LOCAL_PARTS) {
    const source = inline[rule].source;
    const found = source.split(part).length - 1;
    // marked changed its patterns: the bound would silently not apply. Fail where tests see it.
    if (found !== count)
      throw new Error(
        `marked's ${rule} pattern has ${found} e-mail local parts where ${count} were expected; update parse/markdown.ts`,
      );
    const limited = part.replace(/\]\+(\(?@)/, `]{1,${MAX_LOCAL_PART}}$1`);
    patched[rule] = new RegExp(source.split(part).join(limited), inline[rule].flags);
  }
  boundedInline.set(inline, patched);
  return patched;
}

/**
 * How marked counts the runs after an opener (Tokenizer.emStrong, Tokenizer.del): groups 3 and 4
 * of its patterns are runs that can only open. The anchored first alternative of the emphasis
 * patterns skips an orphan delimiter inside strong emphasis.
 */
const WALKS: Record<'*' | '_' | '~', Omit<WalkRule, 'pattern'>> = {
  '*': { opening: [3, 4], skipAtStart: '^[^_*]*?__[^_*]*?\\*[^_*]*?(?=__)' },
  _: { opening: [3, 4], skipAtStart: '^[^_*]*?\\*\\*[^_*]*?_[^_*]*?(?=\\*\\*)' },
  '~': { opening: [3, 4], sameLength: true },
};

const OWN_EM_STRONG = Tokenizer.prototype.emStrong;
const OWN_DEL = Tokenizer.prototype.del;

class BoundedTokenizer extends Tokenizer {
  private depth = 0;

  private readonly openers = new OpenerGuard();

  /**
   * marked masks a pass's text (code spans, links) for the emphasis tokenizers only when the pass
   * holds a delimiter, unless emStrong or del is not its own: then it masks every pass, which made
   * Markdown 30% slower. So the guarded ones are put in place for passes with a delimiter only
   * (BoundedLexer.inlineTokens), and marked's own stand there otherwise.
   */
  guard(on: boolean): boolean {
    const was = this.emStrong === this.guardedEmStrong;
    this.emStrong = on ? this.guardedEmStrong : OWN_EM_STRONG;
    this.del = on ? this.guardedDel : OWN_DEL;
    return was;
  }

  private readonly guardedEmStrong = (src: string, maskedSrc: string, prevChar?: string) => {
    const opener = this.rules.inline.emStrongLDelim.exec(src);
    // Without a capture marked returns at once; otherwise it would walk the rest of the pass.
    if (opener && (opener[1] || opener[2] || opener[3] || opener[4])) {
      const star = opener[0][0] === '*';
      const rule = star
        ? this.walkRule('*', this.rules.inline.emStrongRDelimAst)
        : this.walkRule('_', this.rules.inline.emStrongRDelimUnd);
      if (!this.openers.mayOpen(src, maskedSrc, opener[0], star ? '*' : '_', rule))
        return undefined;
    }
    return OWN_EM_STRONG.call(this, src, maskedSrc, prevChar);
  };

  private readonly guardedDel = (src: string, maskedSrc: string, prevChar?: string) => {
    const opener = src.charCodeAt(0) === 126 ? this.rules.inline.delLDelim.exec(src) : null;
    if (
      opener &&
      !this.openers.mayOpen(
        src,
        maskedSrc,
        opener[0],
        '~',
        this.walkRule('~', this.rules.inline.delRDelim),
      )
    )
      return undefined;
    return OWN_DEL.call(this, src, maskedSrc, prevChar);
  };

  /** Forgets what it learnt of the last document's paragraphs. */
  done(): void {
    this.openers.clear();
  }

  private readonly walkRules = new Map<RegExp, WalkRule>();

  private walkRule(kind: '*' | '_' | '~', pattern: RegExp): WalkRule {
    let rule = this.walkRules.get(pattern);
    if (!rule) {
      rule = { pattern, ...WALKS[kind] };
      this.walkRules.set(pattern, rule);
    }
    return rule;
  }

  // Past the bound the token is text, not a list or quote: marked's lexer takes any token here.
  // (Called at the start of every block: no closure per call, which cost 10%.)
  override list(src: string) {
    if (this.depth >= MAX_BLOCK_NESTING) return this.asText(src, 'list') as Tokens.List | undefined;
    this.depth++;
    try {
      return super.list(src);
    } finally {
      this.depth--;
    }
  }

  override blockquote(src: string) {
    if (this.depth >= MAX_BLOCK_NESTING)
      return this.asText(src, 'blockquote') as Tokens.Blockquote | undefined;
    this.depth++;
    try {
      return super.blockquote(src);
    } finally {
      this.depth--;
    }
  }

  /**
   * A list or quote past the bound: its lines up to the next blank line, as the text of the level
   * above, in one token of the kind marked makes for text there. (Left to marked's paragraph rule,
   * each of them was a paragraph of its own, merged into the one before: 2 MB took seconds.)
   */
  private asText(
    src: string,
    kind: 'list' | 'blockquote',
  ): Tokens.Paragraph | Tokens.Text | undefined {
    // Where marked would make no list or quote, nor is any text made here.
    if (!this.rules.block[kind].test(src)) return undefined;
    if (
      kind === 'list' &&
      this.lexer.state.lastToken?.type === 'text' &&
      !this.rules.other.listInterruptsParagraph.test(src)
    )
      return undefined;
    const raw = BLOCK_TEXT.exec(src)![0];
    const text = raw.endsWith('\n') ? raw.slice(0, -1) : raw;
    const tokens = this.lexer.inline(text);
    return this.lexer.state.top
      ? { type: 'paragraph', raw, text, tokens }
      : { type: 'text', raw, text, tokens };
  }
}

/** Lines up to a blank line (or the end), with the line break that ends the last. */
const BLOCK_TEXT = /^[^\n]*(?:\n(?![ \t]*(?:\n|$))[^\n]*)*\n?/;

const tokenizer = new BoundedTokenizer();
tokenizer.guard(false);

/** marked's lexer with the bounded tokenizer: the e-mail patterns swapped in, the opener guard where it can matter. */
class BoundedLexer extends Lexer {
  constructor(options: MarkedOptions) {
    super(options);
    // The lexer has just handed the tokenizer marked's rules.
    tokenizer.rules = boundedRules(tokenizer.rules);
  }

  override inlineTokens(src: string, tokens?: Token[]): Token[] {
    const was = tokenizer.guard(src.includes('*') || src.includes('_') || src.includes('~'));
    try {
      return super.inlineTokens(src, tokens);
    } finally {
      tokenizer.guard(was);
    }
  }
}

const OPTIONS: MarkedOptions = { ...getDefaults(), async: false, gfm: true, tokenizer };

/**
 * Markdown → HTML (not yet sanitized), GitHub-flavoured, as marked makes it within the bounds
 * above: what `marked.parse` does (lex, then render), with the bounded lexer.
 */
export function markdownToHtml(text: string): string {
  try {
    return Parser.parse(new BoundedLexer(OPTIONS).lex(text), OPTIONS);
  } finally {
    tokenizer.done();
  }
}
