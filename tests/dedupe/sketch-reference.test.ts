/**
 * sketchText folds through a table, keys paragraphs as it folds and visits only the bins a short
 * paragraph lowers: the words it gives must be those of the plain version (support/plain-sketch.ts)
 * for any text, from short texts that are not comparable to long ones with many short paragraphs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sketchText } from '../../src/dedupe/sketch.js';
import { plainSketch } from '../support/plain-sketch.js';

const PIECES = [
  '衡阳是湖南著名的老工业基地，',
  '产业数字化',
  '图1：',
  'Ｗｅｂ２．０ ',
  'The Plant runs on 5G. ',
  'café ',
  '😀',
  '\uD83D',
  '，。！',
  ' ',
  '\n',
  '\n\n',
  '责任编辑：张三\n',
];
const text = (maxLength: number) =>
  fc.array(fc.constantFrom(...PIECES), { maxLength }).map((parts) => parts.join(''));

describe('sketchText', () => {
  it('gives the plain version’s words for short and long texts', () => {
    fc.assert(
      fc.property(fc.oneof(text(12), text(80), text(400)), (t) => {
        expect([...sketchText(t)]).toEqual([...plainSketch(t)]);
      }),
      { numRuns: 600 },
    );
  });

  it('gives them for a text of short paragraphs only, each lowering many bins at once', () => {
    const t = Array.from({ length: 12 }, (_, i) => `产业数字化第${i}段衡阳是湖南著名的老工业基地`);
    expect([...sketchText(t.join('\n'))]).toEqual([...plainSketch(t.join('\n'))]);
    const withLong = [...t, '企业上云用数赋智'.repeat(20)].join('\n');
    expect([...sketchText(withLong)]).toEqual([...plainSketch(withLong)]);
  });

  it('gives them for any string, folded characters or not', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (t) => {
        expect([...sketchText(t)]).toEqual([...plainSketch(t)]);
      }),
      { numRuns: 400 },
    );
  });
});
