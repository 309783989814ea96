/**
 * A union-find over small integers (the near-duplicate index's slots), in arrays kept from one
 * use to the next: `clear()` puts back only the slots a use touched. A cold scan of 100,000
 * articles asks millions of times (Maps of slots took ~2 s of its main thread alone), and a
 * one-file change pays for what it touches, not for arrays of every slot.
 */
export class SlotUnionFind {
  /** Each touched slot's parent; -1 for a slot not in the sets. */
  private parent = new Int32Array(64).fill(-1);
  private marks = new Uint8Array(64);
  /** The slots in the sets, in the order they joined. */
  readonly members: number[] = [];

  /** Room for slots below `size`. */
  grow(size: number): void {
    if (size <= this.parent.length) return;
    const parent = new Int32Array(size).fill(-1);
    parent.set(this.parent);
    this.parent = parent;
    const marks = new Uint8Array(size);
    marks.set(this.marks);
    this.marks = marks;
  }

  has(slot: number): boolean {
    return this.parent[slot] !== -1;
  }

  /** Puts `slot` in the set of `root` (a set of its own when `root` is itself). */
  join(slot: number, root: number): void {
    if (this.parent[slot] === -1) this.members.push(slot);
    this.parent[slot] = root;
  }

  find(slot: number): number {
    let root = slot;
    for (let up = this.parent[root]!; up !== root; up = this.parent[root]!) root = up;
    return root;
  }

  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent[rb] = ra;
  }

  /** A flag per member (recluster: explored). */
  mark(slot: number): void {
    this.marks[slot] = 1;
  }

  marked(slot: number): boolean {
    return this.marks[slot] === 1;
  }

  /** Empties the sets, touching only their members. */
  clear(): void {
    for (const slot of this.members) {
      this.parent[slot] = -1;
      this.marks[slot] = 0;
    }
    this.members.length = 0;
  }
}
