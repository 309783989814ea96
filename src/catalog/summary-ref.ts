import { MAX_SHARED_LENGTH, sharedPlace, sharedWords } from '../dedupe/sketch-ref.js';
import type { SharedWords } from '../model.js';

/**
 * Where a draft's or an article's summary is. A string is the summary; with `summaryAt`, the summary is
 * in a chunk of words shared with other summaries (catalog/word-arena.ts, in memory or in a spool
 * file), `summaryAt` says where (as a sketch's `sketchAt`), and the words are its length in UTF-16
 * code units, then the units two to a word. A summary is ~0.4 KB of CJK text, 40 MB at 100,000
 * articles; shown only by the feeds, the archives and search, it need not stay in the heap.
 */
export interface SummaryRef {
  readonly summary: string | SharedWords;
  readonly summaryAt?: number;
}

/** The summary as words, or undefined when it is too long for a shared place (it stays a string). */
export function summaryWords(summary: string): Uint32Array | undefined {
  const units = summary.length;
  const length = 1 + ((units + 1) >> 1);
  if (length > MAX_SHARED_LENGTH) return undefined;
  const words = new Uint32Array(length);
  words[0] = units;
  const view = new Uint16Array(words.buffer, 4, units);
  for (let i = 0; i < units; i++) view[i] = summary.charCodeAt(i);
  return words;
}

/** The text of `words` as summaryWords made them. */
export function wordsText(words: Uint32Array): string {
  const units = words[0]!;
  if (units > (words.length - 1) * 2)
    throw new RangeError('summary words shorter than their length');
  // A copy of the code units as they were, lone surrogates too (a TextDecoder would replace them).
  return Buffer.from(words.buffer, words.byteOffset + 4, units * 2).toString('utf16le');
}

/** The summary of a draft or an article, wherever it is kept (a read from the spool if there). */
export function summaryOf(ref: SummaryRef): string {
  const { summary, summaryAt } = ref;
  if (typeof summary === 'string') return summary;
  if (summaryAt === undefined) throw new TypeError('shared summary words without their place');
  return wordsText(sharedWords(summary, summaryAt));
}

/**
 * Calls `each(i, summary)` for the summary of every `refs[i]`, in no particular order: the
 * summaries of one shared chunk are read together, with one read of the span they take in it,
 * where a read each would cost a system call apiece once the chunk is in the spool (search reads
 * every article's).
 */
export function eachSummary(
  refs: readonly SummaryRef[],
  each: (i: number, summary: string) => void,
): void {
  const byChunk = new Map<SharedWords, number[]>();
  for (let i = 0; i < refs.length; i++) {
    const { summary } = refs[i]!;
    if (typeof summary === 'string') each(i, summary);
    else {
      const group = byChunk.get(summary);
      if (group) group.push(i);
      else byChunk.set(summary, [i]);
    }
  }
  for (const [chunk, group] of byChunk) {
    let from = Infinity;
    let to = 0;
    for (const i of group) {
      const [offset, length] = sharedPlace(refs[i]!.summaryAt!);
      from = Math.min(from, offset);
      to = Math.max(to, offset + length);
    }
    const span = chunk.words(from, to - from);
    for (const i of group) {
      const [offset, length] = sharedPlace(refs[i]!.summaryAt!);
      each(i, wordsText(span.subarray(offset - from, offset - from + length)));
    }
  }
}
