/**
 * A seeds directory on disk and the model of what it holds, changed one operation at a time as a
 * crawler would: add, edit, delete, rename, exact copy, near copy, touch.
 *
 * Every write sets the file's mtime explicitly: distinct from the path's last one (so the scanner
 * sees the change) and long past (so no file is racy). Dates are whole seconds handed out once
 * each, so no two different texts share one, and a dateless file's mtime stays inside the second
 * its text was first seen: the date a cold build reads off the mtime is then the first-seen date
 * the incremental catalog remembers.
 */
import { mkdir, rename, rm, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { rng } from '../../tools/bench/corpus.js';
import {
  extensionOf,
  isDateless,
  newSeed,
  reframed,
  rewordedParagraphs,
  seedText,
  SHAPES,
  type Seed,
} from './seed-shapes.js';

/** Which file an operation is on: `pick` indexes the files, or the few written last if `recent`. */
export interface Target {
  readonly pick: number;
  readonly recent: boolean;
}

export type Op =
  | { readonly kind: 'add'; readonly salt: number }
  | (Target & { readonly kind: 'edit'; readonly salt: number; readonly frontMatterOnly: boolean })
  | (Target & { readonly kind: 'delete' | 'rename' | 'copy' | 'touch' })
  | (Target & {
      readonly kind: 'nearCopy';
      readonly salt: number;
      /** Same body under another dated front matter, rather than one paragraph reworded. */
      readonly reframe: boolean;
    });

interface Entry {
  readonly seed: Seed;
  readonly text: string;
  readonly mtimeMs: number;
}

const DATES_FROM = Date.UTC(2020, 0, 1);
/** A little over an hour apart, so dates differ in every field. */
const DATE_STEP_MS = 3_607_000;
const DATED_MTIMES_FROM = Date.UTC(2023, 0, 1);
const DIRS = ['', 'news', 'news/2024'];
/** How many of the files written last a `recent` target chooses from. */
const RECENT = 4;

export class SeedTree {
  private readonly files = new Map<string, Entry>();
  /** Paths written or renamed to last, the latest last. */
  private recent: string[] = [];
  private serial = 0;
  private dates = 0;
  private writes = 0;

  constructor(
    readonly dir: string,
    private readonly sentences: readonly string[],
  ) {}

  /** Relative paths, sorted. */
  get paths(): string[] {
    return [...this.files.keys()].sort();
  }

  /** `count` files, about one in ten an exact or near copy of another. */
  async populate(count: number, salt: number): Promise<void> {
    const random = rng(salt);
    for (let i = 0; i < count; i++) {
      const roll = random.next();
      const pick = random.int(0, 1 << 20);
      if (this.files.size > 10 && roll < 0.07)
        await this.apply({ kind: 'copy', pick, recent: false });
      else if (this.files.size > 10 && roll < 0.12)
        await this.apply({
          kind: 'nearCopy',
          pick,
          recent: false,
          salt: pick,
          reframe: roll < 0.09,
        });
      else await this.apply({ kind: 'add', salt: random.int(0, 1 << 30) });
    }
  }

  /** Carries out one operation on disk and in the model; says what it did. */
  async apply(op: Op): Promise<string> {
    if (op.kind === 'add') {
      const random = rng(op.salt);
      const seed = newSeed(
        random,
        this.sentences,
        random.pick(SHAPES),
        this.nextDate(),
        ++this.serial,
      );
      return `add ${await this.write(this.freshPath(seed), seed)}`;
    }
    const recent = this.recent.filter((p) => this.files.has(p));
    const paths = op.recent && recent.length ? recent : this.paths;
    if (paths.length === 0) return `${op.kind}: no file`;
    const at = paths[op.pick % paths.length]!;
    const entry = this.files.get(at)!;
    switch (op.kind) {
      case 'edit':
        return this.edit(at, entry, op.salt, op.frontMatterOnly);
      case 'delete':
        await rm(this.abs(at));
        this.files.delete(at);
        return `delete ${at}`;
      case 'rename': {
        const to = this.freshPath(entry.seed);
        await rename(this.abs(at), this.abs(to));
        this.files.delete(at);
        this.files.set(to, entry);
        this.wrote(to);
        return `rename ${at} → ${to}`;
      }
      case 'copy':
        return `copy ${at} → ${await this.write(this.freshPath(entry.seed), entry.seed, entry.text)}`;
      case 'nearCopy': {
        const random = rng(op.salt);
        const base = reframed(random, entry.seed, ++this.serial);
        const seed: Seed = op.reframe
          ? { ...base, shape: random.pick(['hexo', 'jekyll'] as const), date: this.nextDate() }
          : {
              ...base,
              shape: random.pick(SHAPES),
              paragraphs: rewordedParagraphs(random, this.sentences, entry.seed.paragraphs),
              date: this.nextDate(),
            };
        const to = await this.write(this.freshPath(seed), seed);
        return `near-copy${op.reframe ? ' (reframed)' : ''} ${at} → ${to}`;
      }
      case 'touch':
        await this.write(at, entry.seed, entry.text);
        return `touch ${at}`;
    }
  }

  private async edit(at: string, entry: Entry, salt: number, frontMatterOnly: boolean) {
    const { seed } = entry;
    // A dateless text keeps the date its path was first seen at; shared with a copy, the edited
    // text and the copy would be two articles of one date, in an order only their guids decide.
    if (isDateless(seed.shape) && this.hasCopy(at, entry)) {
      await this.write(at, seed, entry.text);
      return `touch ${at} (an edit of a dateless text with a copy)`;
    }
    const random = rng(salt);
    const edited: Seed = frontMatterOnly
      ? reframed(random, seed, ++this.serial)
      : {
          ...seed,
          paragraphs: rewordedParagraphs(random, this.sentences, seed.paragraphs),
          date: isDateless(seed.shape) ? seed.date : this.nextDate(),
        };
    await this.write(at, edited);
    return `edit ${at}${frontMatterOnly ? ' (front matter)' : ''}`;
  }

  private hasCopy(at: string, entry: Entry): boolean {
    for (const [p, other] of this.files) if (p !== at && other.text === entry.text) return true;
    return false;
  }

  private async write(at: string, seed: Seed, text = seedText(seed)): Promise<string> {
    const abs = this.abs(at);
    await mkdir(path.dirname(abs), { recursive: true });
    await writeFile(abs, text);
    const before = this.files.get(at);
    let mtimeMs: number;
    if (isDateless(seed.shape)) {
      const tick = before && before.seed.date === seed.date ? before.mtimeMs - seed.date + 1 : 1;
      if (tick > 999) throw new Error(`${at}: more writes than milliseconds in its second`);
      mtimeMs = seed.date + tick;
    } else {
      mtimeMs = DATED_MTIMES_FROM + ++this.writes * 1000;
    }
    await utimes(abs, mtimeMs / 1000, mtimeMs / 1000);
    this.files.set(at, { seed, text, mtimeMs });
    this.wrote(at);
    return at;
  }

  private wrote(at: string): void {
    this.recent = [...this.recent.filter((p) => p !== at), at].slice(-RECENT);
  }

  private nextDate(): number {
    return DATES_FROM + this.dates++ * DATE_STEP_MS;
  }

  private freshPath(seed: Seed): string {
    const serial = ++this.serial;
    const name = `${String(serial).padStart(5, '0')}${extensionOf(seed.shape)}`;
    return path.posix.join(DIRS[serial % DIRS.length]!, name);
  }

  private abs(rel: string): string {
    return path.join(this.dir, rel);
  }
}
