import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { byDateThenSource } from '../../src/catalog/catalog.js';
import { CopyGroups } from '../../src/catalog/copy-groups.js';
import type { DatedDraft, Draft } from '../../src/model.js';

const copy = (hash: string, date: number, source: string): DatedDraft => ({
  draft: { source, contentHash: hash } as Draft,
  date,
});

describe('CopyGroups', () => {
  it('keeps each hash’s copies in date-then-source order through any adds and removes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.nat(3), fc.nat(4), fc.nat(50)), { maxLength: 120 }),
        (steps) => {
          const groups = new CopyGroups();
          const live: DatedDraft[] = [];
          steps.forEach(([add, h, date, pick], i) => {
            if (add || live.length === 0) {
              const d = copy(`h${h}`, date, `f${i}.md`);
              live.push(d);
              groups.add(d);
            } else {
              const [d] = live.splice(pick % live.length, 1);
              groups.remove(d!);
            }
          });
          for (let h = 0; h < 4; h++) {
            const hash = `h${h}`;
            const expected = live
              .filter((d) => d.draft.contentHash === hash)
              .sort(byDateThenSource);
            expect(groups.get(hash)).toEqual(expected.length ? expected : undefined);
            expect(groups.first(hash)).toBe(expected[0]);
          }
        },
      ),
    );
  });

  it('holds a hash of one copy without an array, and several in an array of their exact length', () => {
    const groups = new CopyGroups();
    const a = copy('h', 2, 'a.md');
    const b = copy('h', 1, 'b.md');
    groups.add(a);
    const table = (groups as unknown as { groups: Map<string, unknown> }).groups;
    expect(table.get('h')).toBe(a);
    groups.add(b);
    expect(table.get('h')).toEqual([b, a]);
    groups.remove(b);
    expect(table.get('h')).toBe(a);
    groups.remove(copy('h', 2, 'a.md')); // an equal copy is not this one: nothing goes
    expect(groups.first('h')).toBe(a);
    groups.remove(a);
    expect(groups.get('h')).toBeUndefined();
  });
});
