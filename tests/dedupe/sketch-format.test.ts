/**
 * The sketch every article keeps (issue 14): the long text's signature in 16 bits per bin, each
 * paragraph's key once, and whole only the short paragraphs' hashes that beat it. What it gives
 * back is exact: leaving out any set of short paragraphs gives the signature of the text without
 * them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { finalSignature, similarity } from '../../src/dedupe/signature.js';
import { K, paragraphKeys, shortParagraphKeys, sketchText } from '../../src/dedupe/sketch.js';

const PHRASES = [
  '衡阳是湖南著名的老工业基地',
  '产业数字化已成趋势',
  '企业上云用数赋智',
  '智能工厂的生产线上机器人往来穿梭',
  '中小企业数字化转型的难点在于人才',
  '工业互联网平台连接了上千台设备',
  'the plant runs on a private 5G network',
  '订单交付周期缩短了三成',
];
const sentence = (seed: number, words: number) =>
  Array.from({ length: words }, (_, i) => PHRASES[(seed * 7 + i * 3 + (seed >> 2)) % 8]).join(
    `，第${seed}段`,
  );

describe('a sketch', () => {
  it('keeps an article of 12 long and 10 short paragraphs in under 450 bytes (724 before)', () => {
    const lines: string[] = [];
    for (let i = 0; i < 12; i++) {
      lines.push(sentence(i, 14));
      if (i < 10) lines.push(`图${i}：${PHRASES[i % 8]}`);
    }
    const sketch = sketchText(lines.join('\n'));
    expect(paragraphKeys(sketch)).toHaveLength(22);
    expect(shortParagraphKeys(sketch)).toHaveLength(10);
    // 256 bytes of signature (512 before), 4 per paragraph key, per short paragraph and per hash.
    expect(sketch.byteLength).toBeLessThan(450);
    const sig = finalSignature(sketch)!;
    expect(sig).toBeInstanceOf(Uint16Array);
    expect(sig).toHaveLength(K);
  });

  it('gives, without any set of its short paragraphs, the signature of the text without them', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ seed: fc.nat(40), short: fc.boolean(), drop: fc.boolean() }), {
          minLength: 3,
          maxLength: 14,
        }),
        (paragraphs) => {
          const texts = paragraphs.map((p, i) =>
            p.short ? `${PHRASES[p.seed % 8]}${p.seed}号` : sentence(p.seed + i, 8),
          );
          // Enough long text that the text stays comparable once the short ones are left out.
          texts.push(sentence(99, 12));
          const whole = sketchText(texts.join('\n'));
          const keys = paragraphKeys(whole);
          const dropped = new Set(
            paragraphs.flatMap((p, i) => (p.short && p.drop ? [keys[i]!] : [])),
          );
          const kept = texts.filter((_, i) => !dropped.has(keys[i]!) || !paragraphs[i]?.short);
          const expected = finalSignature(sketchText(kept.join('\n')));
          expect(finalSignature(whole, dropped)).toEqual(expected);
        },
      ),
      { numRuns: 200, seed: 14 },
    );
  });

  it('estimates unrelated texts as unrelated and a copy as the same', () => {
    const a = finalSignature(sketchText([0, 1, 2, 3].map((i) => sentence(i, 12)).join('\n')))!;
    const b = finalSignature(sketchText([0, 1, 2, 3].map((i) => sentence(i, 12)).join('\n')))!;
    const c = finalSignature(
      sketchText('完全不同的一段文字，讲的是秋天的稻田和丰收的农民们。'.repeat(6)),
    )!;
    expect(similarity(a, b)).toBe(1);
    expect(similarity(a, c)).toBeLessThan(0.1);
  });
});
