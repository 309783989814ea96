/**
 * Patterns without repetition run on V8's engine (RE2's answers, ~14-70x sooner); the rest, and
 * syntax the two engines read differently, on RE2.
 */
import { describe, expect, it } from 'vitest';
import { parseFeedQuery, type FeedQuery } from '../../src/render/filters.js';

const TEXTS = [
  'Apple harvest begins',
  'apple trees in SPRING',
  '聚焦痛点难点 湖州加快推进工业数字化改革',
  'Markets',
  'a.b|c (x) [y] 2.0版',
  '',
  'ÄPFEL und Äpfel',
];

const pattern = (value: string, ignoreCase = false) =>
  (
    parseFeedQuery(
      new URLSearchParams({
        filter_title: value,
        filter_case_sensitive: String(!ignoreCase),
      }).toString(),
      10,
    ) as { query: FeedQuery }
  ).query.include[0]!;

describe('which engine runs a pattern', () => {
  it('V8 runs a pattern without repetition, with the answers RE2 gives', () => {
    for (const [value, ignoreCase] of [
      ['^Apple', false],
      ['^apple', true],
      ['(Apple|Markets)$', false],
      ['湖州.推进|数字化改革$', false],
      ['[a-c]\\.b', false],
      ['\\bSPRING\\b', false],
      ['^$', false],
      ['^äpfel', true],
      ['[^a-z ]', false],
    ] as const) {
      const p = pattern(value, ignoreCase);
      expect(p.native, value).toBeDefined();
      for (const text of TEXTS)
        expect(p.native!.test(text), `${value} on ${text}`).toBe(p.re.test(text));
    }
  });

  it('RE2 runs repetition and the syntax the engines read differently; plain words are substring tests', () => {
    for (const value of ['(a+)+$', 'a*b', 'x?', 'a{2}', '(?i)apple', '[[:alpha:]]', '\\s', '\\pL'])
      expect(pattern(value).native, value).toBeUndefined();
    expect(pattern('Apple|湖州').literals).toEqual(['Apple', '湖州']);
    expect(pattern('Apple|湖州', true).literals).toEqual(['apple', '湖州']);
  });
});
