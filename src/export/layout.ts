import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { isInside } from '../scan/inside.js';
import { isIgnoredName } from '../scan/walk.js';

/**
 * Where the three directories may lie relative to each other, checked when build and serve start
 * (scan writes nothing, so it is not held to this). Compared on real paths: a link does not hide
 * where a directory really is. Refused:
 *
 * - --data-dir equal to or inside --out: the private data (WebSub subscribers' secrets) would lie
 *   in the published directory. (--out inside --data-dir is fine: nothing private is below --out.)
 * - --out equal to or inside --seeds: the export's HTML, XML and JSON would be read back as seeds
 *   — unless it lies below a name the walk skips (`.site`), where the scan never looks.
 * - --seeds inside (or equal to) --out: the seed files, drafts and rejected ones included, would be
 *   published, and the export could overwrite or delete them.
 * - --data-dir equal to or inside --seeds (again unless below a skipped name): its files could be
 *   read as seeds and published.
 */
export interface Layout {
  readonly seedsDir: string;
  readonly outDir: string;
  readonly dataDir: string;
}

/** Why the layout is refused, in one line naming the flags and the fix, or undefined when it is fine. */
export function layoutRefusal(layout: Layout): string | undefined {
  const seeds = {
    flag: '--seeds',
    given: layout.seedsDir,
    real: realPathOfFuture(layout.seedsDir),
  };
  const out = { flag: '--out', given: layout.outDir, real: realPathOfFuture(layout.outDir) };
  const data = {
    flag: '--data-dir',
    given: layout.dataDir,
    real: realPathOfFuture(layout.dataDir),
  };
  type Dir = typeof seeds;

  const name = (d: Dir) =>
    `${d.flag} ${d.given}${d.real !== path.resolve(d.given) ? ` (really ${d.real})` : ''}`;
  /** "is --out" / "is inside --out", or undefined when `inner` is neither. */
  const relation = (inner: Dir, outer: Dir): string | undefined => {
    if (inner.real === outer.real) return `is ${outer.flag} ${outer.given}`;
    if (isInside(outer.real, inner.real)) return `is inside ${outer.flag} ${outer.given}`;
    return undefined;
  };
  /** Below a directory or file name the walk skips (walk.ts): the scan never reads it. */
  const skippedByScan = (inner: Dir, outer: Dir) =>
    inner.real !== outer.real &&
    path.relative(outer.real, inner.real).split(path.sep).some(isIgnoredName);
  const refuse = (inner: Dir, how: string, why: string, fix: string) =>
    `${name(inner)} ${how}: ${why}; ${fix}`;

  let how = relation(data, out);
  if (how)
    return refuse(
      data,
      how,
      "the private data (WebSub subscribers' secrets) would be published with the export",
      'choose a --data-dir outside --out',
    );
  how = relation(out, seeds);
  if (how && !skippedByScan(out, seeds)) {
    return refuse(
      out,
      how,
      'the export would be read back as seeds',
      'choose an --out outside --seeds (or below a hidden directory such as .site, which the scan skips)',
    );
  }
  how = relation(seeds, out);
  if (how)
    return refuse(
      seeds,
      how,
      'the seed files would be published, and could be overwritten by the export',
      'choose an --out outside --seeds',
    );
  how = relation(data, seeds);
  if (how && !skippedByScan(data, seeds)) {
    return refuse(
      data,
      how,
      'its files could be read as seeds and published',
      'choose a --data-dir outside --seeds (or below a hidden directory such as .seedfeed)',
    );
  }
  return undefined;
}

/**
 * The real path `p` has, or will have once made: its deepest existing part resolved (links
 * followed, also one that leads nowhere yet), the parts not made yet appended as they are.
 */
export function realPathOfFuture(p: string): string {
  let current = path.resolve(p);
  const rest: string[] = [];
  for (let hops = 0; hops < 64; hops++) {
    try {
      return path.join(realpathSync.native(current), ...rest);
    } catch {
      // Not there yet, or a link that leads nowhere (yet): a mkdir through it would make its target.
      const st = lstatSync(current, { throwIfNoEntry: false });
      if (st?.isSymbolicLink()) {
        current = path.resolve(path.dirname(current), readlinkSync(current));
        continue;
      }
      const parent = path.dirname(current);
      if (parent === current) break;
      rest.unshift(path.basename(current));
      current = parent;
    }
  }
  return path.resolve(p);
}
