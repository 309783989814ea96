import type { DatedDraft } from '../model.js';
import { byDateThenSource } from './catalog.js';
import { insertedSorted, removedSorted } from './sorted.js';

/**
 * The copies of each content hash, sorted by date then source. Most hashes have one copy, kept as
 * the DatedDraft itself: an array of one cost 56 bytes per article (its object and its elements),
 * and one that had grown by a push up to 200. Several copies are an array of their exact length,
 * replaced, never changed in place, when a copy comes or goes.
 */
export class CopyGroups {
  private readonly groups = new Map<string, DatedDraft | readonly DatedDraft[]>();

  /** The copies with this hash, in order (a fresh array of one for a single copy). */
  get(hash: string): readonly DatedDraft[] | undefined {
    const group = this.groups.get(hash);
    return group === undefined || isList(group) ? group : [group];
  }

  /** The first copy with this hash: the one whose draft is its group's primary. */
  first(hash: string): DatedDraft | undefined {
    const group = this.groups.get(hash);
    return group === undefined || !isList(group) ? group : group[0];
  }

  add(copy: DatedDraft): void {
    const hash = copy.draft.contentHash;
    const group = this.groups.get(hash);
    if (group === undefined) this.groups.set(hash, copy);
    else
      this.groups.set(
        hash,
        insertedSorted(isList(group) ? group : [group], copy, byDateThenSource),
      );
  }

  /** Takes out this very copy (by identity), if it is there. */
  remove(copy: DatedDraft): void {
    const hash = copy.draft.contentHash;
    const group = this.groups.get(hash);
    if (group === copy) this.groups.delete(hash);
    else if (group !== undefined && isList(group)) {
      const rest = removedSorted(group, copy, byDateThenSource);
      if (rest !== group) this.groups.set(hash, rest.length === 1 ? rest[0]! : rest);
    }
  }
}

const isList = (group: DatedDraft | readonly DatedDraft[]): group is readonly DatedDraft[] =>
  Array.isArray(group);
