import { describe, expect, it } from 'vitest';
import { summarize } from '../../src/parse/text.js';

const graphemes = (s: string) =>
  [...new Intl.Segmenter('und', { granularity: 'grapheme' }).segment(s)].map((g) => g.segment);

describe('summarize', () => {
  it('keeps short text whole, with whitespace runs made single spaces', () => {
    expect(summarize('  第一段。\n\n第二段。  ')).toBe('第一段。 第二段。');
  });

  it('cuts long CJK text to 200 characters with an ellipsis', () => {
    const s = summarize('字'.repeat(500));
    expect(s).toBe(`${'字'.repeat(199)}…`);
  });

  it.each([
    ['a surrogate pair', '😀'],
    ['a family emoji joined by ZWJ', '👨‍👩‍👧‍👦'],
    ['a flag', '🇨🇳'],
    ['a combining accent', 'é'],
    ['a skin-tone modifier', '👍🏽'],
    ['a keycap', '1️⃣'],
  ])('never cuts inside %s', (_, cluster) => {
    for (let offset = 190; offset <= 200; offset++) {
      const text = `${'a'.repeat(offset)}${cluster}${'b'.repeat(300)}`;
      const summary = summarize(text);
      expect(summary.endsWith('…')).toBe(true);
      const kept = summary.slice(0, -1);
      // Every grapheme of the summary is a whole grapheme of the text.
      expect(text.startsWith(kept)).toBe(true);
      // …and it ends where a grapheme of the text ends.
      const boundaries = new Set<number>();
      let at = 0;
      for (const g of graphemes(text)) boundaries.add((at += g.length));
      expect(boundaries.has(kept.length), `offset ${offset}: cut at ${kept.length}`).toBe(true);
      expect(kept.length).toBeLessThanOrEqual(199);
    }
  });
});
