/**
 * fast-check arbitraries of SeedTree operations (seed-tree.ts), for the property tests that follow
 * a seeds directory through random changes as a crawler would make them.
 */
import fc from 'fast-check';
import type { Op } from './seed-tree.js';

const target = { pick: fc.nat(), recent: fc.boolean() };
const salt = fc.nat();

/** One operation: adds and edits most often, then deletes, renames, copies and near copies, touches least. */
export const seedTreeOperation: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('add' as const), salt }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('edit' as const),
      ...target,
      salt,
      frontMatterOnly: fc.boolean(),
    }),
  },
  ...(['delete', 'rename', 'copy'] as const).map((kind) => ({
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant(kind), ...target }),
  })),
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('nearCopy' as const),
      ...target,
      salt,
      reframe: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('touch' as const), ...target }) },
);

/** Scans of one to three operations each, `minLength` to `maxLength` of them. */
export const seedTreeSteps = (minLength: number, maxLength: number) =>
  fc.array(fc.array(seedTreeOperation, { minLength: 1, maxLength: 3 }), { minLength, maxLength });
