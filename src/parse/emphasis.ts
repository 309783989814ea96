/**
 * Which emphasis and strikethrough openers cannot be closed, known without marked's search.
 *
 * For each `*`, `_` or `~` run that may open, marked walks the later runs of the paragraph (its
 * "inline pass") with one pattern, adding a run that can only open and subtracting one that can
 * close, until the count reaches zero. Openers that never close each walk to the end: 30,000
 * `*a ` and one `a*` took minutes, and so did `a._` or `~~a ` repeated. The walk is the same
 * pattern over the same text from wherever it starts, so one walk of the whole pass, with its
 * running count, tells for every opener at once whether the count can still reach zero after it.
 *
 * The answer is used one way only: an opener whose count can reach zero nowhere is refused at
 * once, which is what marked's walk would end with. marked passes over some closers too (the
 * rule of three, a closer beyond the last that can close): counting each of them as closing only
 * makes the count lower, so no opener marked would close is ever refused. Everything else is
 * marked's to decide.
 */

/** What one kind of walk is: marked's pattern and how it counts. */
export interface WalkRule {
  /** marked's pattern for the runs after an opener (rules.inline.emStrongRDelim*, delRDelim). */
  readonly pattern: RegExp;
  /** Groups of `pattern` that are runs which can only open; the other groups can close. */
  readonly opening: readonly number[];
  /** Only runs of the opener's own length count (strikethrough: `~` closes `~`, `~~` closes `~~`). */
  readonly sameLength?: boolean;
  /**
   * An alternative of `pattern` anchored to where marked's walk starts, which skips a run there
   * (emphasis: an orphan inside strong emphasis). Where it applies, marked decides.
   */
  readonly skipAtStart?: string;
}

/** Fewer calls than this in one pass are left to marked alone: its own walks cost less then. */
const CALLS_BEFORE_WALK = 4;
/** The analyses of the last few passes are kept (an inner pass runs inside its outer one). */
const RECENT_PASSES = 8;

/** One pass's runs for one kind of walk, in order, with the running count and its lowest value ahead. */
class Runs {
  /** Start of each run in the pass. */
  private readonly starts: number[] = [];
  /** count[i]: the sum over runs before i (+length opening, -length closing). */
  private readonly count: number[] = [0];
  /** lowest[i]: the lowest of count[i..]. */
  private readonly lowest: number[];

  constructor(masked: string, rule: WalkRule, length: number) {
    const walk = new RegExp(
      rule.pattern.source,
      rule.pattern.flags.includes('g') ? rule.pattern.flags : `${rule.pattern.flags}g`,
    );
    // From index 1, so that no alternative anchored with ^ fires at the start of the pass. Every
    // walk of marked's starts after an opener (index 1 or later), and from there the two agree:
    // no match runs across the end of a run, and every other position is tried in turn.
    walk.lastIndex = 1;
    for (let m = walk.exec(masked); m !== null; m = walk.exec(masked)) {
      let group = 0;
      for (let g = 1; g < m.length && group === 0; g++) if (m[g]) group = g;
      if (group === 0) continue;
      const run = m[group]!;
      const size = [...run].length;
      if (rule.sameLength && size !== length) continue;
      this.starts.push(m.index + m[0].length - run.length);
      this.count.push(
        this.count[this.count.length - 1]! + (rule.opening.includes(group) ? size : -size),
      );
    }
    this.lowest = new Array<number>(this.count.length);
    let low = Infinity;
    for (let i = this.count.length - 1; i >= 0; i--)
      this.lowest[i] = low = Math.min(low, this.count[i]!);
  }

  /** Whether an opener of `length` whose walk starts at `walkStart` can reach zero on some later run. */
  mayClose(walkStart: number, length: number): boolean {
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid]! < walkStart) lo = mid + 1;
      else hi = mid;
    }
    if (lo === this.starts.length) return false;
    // Runs lo.. are the walk's: after run k its count is length + count[k + 1] - count[lo].
    return this.lowest[lo + 1]! <= this.count[lo]! - length;
  }
}

interface Pass {
  calls: number;
  readonly runs: Map<string, Runs>;
}

export class OpenerGuard {
  private readonly passes = new Map<string, Pass>();
  private readonly skips = new Map<string, RegExp>();
  /** The pass of the last call: most calls come from the pass before them. */
  private last: { masked: string; pass: Pass } | undefined;

  /**
   * False when the opener at the start of `src` cannot be closed, so that marked would return
   * nothing for it. `masked` is the pass's masked text (`src` is its rest), `opener` marked's match
   * of the opening run and the character after it, `kind` names the walk (with `rule`).
   */
  mayOpen(src: string, masked: string, opener: string, kind: string, rule: WalkRule): boolean {
    const pass = this.last?.masked === masked ? this.last.pass : this.pass(masked);
    if (++pass.calls <= CALLS_BEFORE_WALK) return true;
    // The opening run (one ASCII character repeated) and the character after it.
    let length = 1;
    while (opener.charCodeAt(length) === opener.charCodeAt(0)) length++;
    const walkStart = masked.length - src.length + length;
    if (rule.skipAtStart && this.skip(rule.pattern, rule.skipAtStart).test(masked.slice(walkStart)))
      return true;
    const key = rule.sameLength ? `${kind}${length}` : kind;
    let runs = pass.runs.get(key);
    if (!runs) pass.runs.set(key, (runs = new Runs(masked, rule, length)));
    return runs.mayClose(walkStart, length);
  }

  /** Forgets every pass (after a document: its strings are not kept). */
  clear(): void {
    this.passes.clear();
    this.last = undefined;
  }

  private pass(masked: string): Pass {
    let pass = this.passes.get(masked);
    if (pass) {
      this.passes.delete(masked); // most recent last, the oldest first out
    } else {
      pass = { calls: 0, runs: new Map() };
      if (this.passes.size >= RECENT_PASSES) this.passes.delete(this.passes.keys().next().value!);
    }
    this.passes.set(masked, pass);
    this.last = { masked, pass };
    return pass;
  }

  private skip(pattern: RegExp, source: string): RegExp {
    let skip = this.skips.get(source);
    if (!skip) {
      // marked changed the pattern: the whole-pass walk might not be marked's. Fail where tests see it.
      if (!pattern.source.startsWith(`${source}|`))
        throw new Error(
          `marked's pattern ${pattern.source.slice(0, 40)}… changed; update parse/emphasis.ts`,
        );
      skip = new RegExp(source, 'u');
      this.skips.set(source, skip);
    }
    return skip;
  }
}
