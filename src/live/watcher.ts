import { watch, type FSWatcher } from 'node:fs';
import { lstat, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../log.js';
import { isIgnoredName } from '../scan/walk.js';

/** What the live service needs from a file watcher over the seeds directory. */
export interface SeedsWatcher {
  /**
   * Watches the seeds directory if it is not watched yet or has been replaced (removed and made
   * again, renamed away and another renamed in, a symlink switched); stops watching it once it
   * is gone. Resolves when the watches are in place.
   */
  follow(): Promise<void>;
  /** Lets the next follow() start over if watching failed (SIGHUP). */
  retry(): void;
  close(): void;
}

export interface WatcherOptions {
  readonly root: string;
  readonly logger: Logger;
  /** Quiet period after the last event before `onChange`. */
  readonly debounceMs: number;
  /**
   * Something under the root changed and the quiet period has passed. `paths`: every path the
   * events named (a file, or a directory whose entries changed); undefined when the events may not
   * tell everything (too many, a directory not watched, the root replaced): look at the whole tree.
   */
  readonly onChange: (paths?: ReadonlySet<string>) => void;
  /** More paths than this in one quiet period are not told (MAX_REPORTED unless given). */
  readonly maxReported?: number;
}

export type WatcherFactory = (options: WatcherOptions) => SeedsWatcher;

interface Watched {
  readonly watcher: FSWatcher;
  readonly id: string;
  /** Names of the subdirectories watched below this one. */
  readonly children: Set<string>;
}

interface Failure {
  readonly dir: string;
  readonly error: Error;
}

/**
 * One non-recursive `fs.watch` per directory (one inotify watch each on Linux), kept in step
 * with the tree: a directory that appears is watched before the rescan it causes starts, one
 * that goes is let go.
 *
 * Not Node 20's `fs.watch(…, { recursive: true })`: on Linux it is emulated in JavaScript with a
 * synchronous stat and an inotify watch per *file*, and drops a deleted file by walking every
 * watched path, so 5,000 files made and deleted in a new subdirectory held the event loop for
 * 5–8 s (`npx tsx tools/bench/watch-churn.ts`). Here an event only marks its directory and restarts
 * the quiet period; the directories that had entries come or go are listed once it has passed.
 * The paths the events named are handed to the rescan, which looks only at those (each event names
 * the entry of its directory that changed, or the directory itself).
 *
 * Below the root only real directories are watched (symbolic links are not followed) and
 * directories with names the scan ignores (`.git`, `.out`, …) are not entered: the scan reads
 * files behind links only inside the seeds directory, where they are watched already.
 */
export class TreeWatcher implements SeedsWatcher {
  private readonly dirs = new Map<string, Watched>();
  /** Watched directories by identity: one reached twice (a bind mount) is watched once, one moved is let go where it was. */
  private readonly byId = new Map<string, string>();
  /** Directories that reported an entry made, removed or renamed since the last quiet period. */
  private dirty = new Set<string>();
  /** Paths the events named since the last quiet period; undefined: more than can be trusted. */
  private reported: Set<string> | undefined = new Set();
  /** Identity of the root as last followed (undefined: gone, or not followed yet). */
  private rootId: string | undefined;
  private followed = false;
  /** Some directory could not be watched: retry() lets the next follow() start over. */
  private incomplete = false;
  private debounce: NodeJS.Timeout | undefined;
  /** follow() and the work after a quiet period change the maps: one at a time. */
  private queue: Promise<void> = Promise.resolve();
  private closed = false;
  /** The root as given, resolved: the key its subdirectories' paths are made from. */
  private readonly root: string;

  constructor(private readonly options: WatcherOptions) {
    this.root = path.resolve(options.root);
  }

  follow(): Promise<void> {
    return this.serially(() => this.followRoot());
  }

  retry(): void {
    if (this.incomplete || !this.dirs.has(this.root)) this.rootId = undefined;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.debounce);
    this.unwatchTree(this.root);
    for (const dir of [...this.dirs.keys()]) this.unwatchTree(dir);
  }

  private serially(job: () => Promise<void>): Promise<void> {
    const run = this.queue.then(job).catch((error: Error) => {
      this.options.logger.warn('watch_failed', {
        error: error.message,
        note: 'the schedule still rescans',
      });
    });
    this.queue = run;
    return run;
  }

  private async followRoot(): Promise<void> {
    if (this.closed) return;
    const root = this.root;
    const id = await dirId(root, true);
    const first = !this.followed;
    this.followed = true;
    if (id === this.rootId && !first) return;
    this.unwatchTree(root);
    this.rootId = id;
    this.incomplete = false;
    if (id === undefined) {
      // Gone: the scan reports that. Only at start is it worth a line here too.
      if (first)
        this.report([
          { dir: root, error: new Error(`${root} is not a directory that can be watched`) },
        ]);
      return;
    }
    const failures: Failure[] = [];
    await this.watchTree(root, failures);
    this.report(failures);
  }

  private changed(dir: string, type: string, name: string | null): void {
    if (this.closed) return;
    if (type === 'rename') this.dirty.add(dir);
    // No name (some platforms): the directory is looked at whole.
    this.reported?.add(name ? path.join(dir, name) : dir);
    if (this.reported && this.reported.size > (this.options.maxReported ?? MAX_REPORTED))
      this.reported = undefined;
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => this.settled(), this.options.debounceMs);
  }

  /** The quiet period has passed: bring the watches up to date, then ask for the rescan. */
  private settled(): void {
    let paths: ReadonlySet<string> | undefined;
    void this.serially(async () => {
      const rootBefore = this.rootId;
      // A replaced root is followed before the rescan looks at it.
      await this.followRoot();
      paths = this.reported;
      this.reported = new Set();
      // Events of directories that are not watched are missed: only the whole tree tells.
      if (this.incomplete || this.rootId !== rootBefore || this.rootId === undefined)
        paths = undefined;
      const dirty = [...this.dirty];
      this.dirty = new Set();
      const failures: Failure[] = [];
      for (const dir of dirty) if (this.dirs.has(dir)) await this.list(dir, failures);
      this.report(failures);
    }).then(() => {
      if (!this.closed) this.options.onChange(paths);
    });
  }

  /** Watches `dir`, then lists it: a subdirectory made in between is seen by one or the other. */
  private async watchTree(dir: string, failures: Failure[]): Promise<void> {
    if (this.closed || this.dirs.has(dir)) return;
    // The root may be a symbolic link to the seeds directory; below it only real directories are entered.
    const id = await dirId(dir, dir === this.root);
    if (id === undefined || this.closed) return;
    const other = this.byId.get(id);
    if (other !== undefined) {
      if ((await dirId(other, other === this.root)) === id) return; // the same directory reached twice
      this.unwatchTree(other); // moved here from a directory not listed yet
    }
    if (this.closed || this.dirs.has(dir)) return;
    let watcher: FSWatcher;
    try {
      watcher = watch(dir, (type, name) => this.changed(dir, type, name));
    } catch (error) {
      failures.push({ dir, error: error as Error });
      return;
    }
    watcher.on('error', (error) => {
      this.report([{ dir, error }]);
      this.unwatchTree(dir);
    });
    this.dirs.set(dir, { watcher, id, children: new Set() });
    this.byId.set(id, dir);
    if (dir !== this.root) this.dirs.get(path.dirname(dir))?.children.add(path.basename(dir));
    await this.list(dir, failures);
  }

  /** Lets go of subdirectories that went (or were replaced) and watches the ones that came. */
  private async list(dir: string, failures: Failure[]): Promise<void> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return; // gone: its parent reported that too, and lets it go when listed
    }
    const watched = this.dirs.get(dir);
    if (!watched || this.closed) return;
    const present = new Set(
      entries.filter((e) => e.isDirectory() && !isIgnoredName(e.name)).map((e) => e.name),
    );
    for (const name of [...watched.children])
      if (!present.has(name)) this.unwatchTree(path.join(dir, name));
    for (const name of present) {
      const child = path.join(dir, name);
      const known = this.dirs.get(child);
      // The same name may now be another directory: removed and made again, or renamed over.
      if (known && (await dirId(child, false)) === known.id) continue;
      this.unwatchTree(child);
      await this.watchTree(child, failures);
    }
  }

  private unwatchTree(dir: string): void {
    const watched = this.dirs.get(dir);
    if (!watched) return;
    for (const name of watched.children) this.unwatchTree(path.join(dir, name));
    watched.watcher.close();
    this.dirs.delete(dir);
    if (this.byId.get(watched.id) === dir) this.byId.delete(watched.id);
    if (dir !== this.root) this.dirs.get(path.dirname(dir))?.children.delete(path.basename(dir));
  }

  /** One line for however many directories failed (out of inotify watches, thousands may). */
  private report(failures: readonly Failure[]): void {
    const first = failures[0];
    if (!first) return;
    this.incomplete = true;
    const { root } = this;
    const { logger } = this.options;
    const whole = first.dir === root;
    logger.warn('watch_failed', {
      error: first.error.message,
      dir: path.relative(root, first.dir) || '.',
      ...(failures.length > 1 ? { dirs: failures.length } : {}),
      note: whole
        ? 'the schedule still rescans'
        : 'changes in these directories wait for the schedule',
    });
  }
}

/**
 * More paths than this in one quiet period and the rescan walks the whole tree: a walk costs
 * less than looking at this many paths one by one (and inotify may have dropped some of them).
 */
const MAX_REPORTED = 10_000;

export const treeWatcher: WatcherFactory = (options) => new TreeWatcher(options);

/** A directory's identity: device, inode and birth time (a new directory may reuse the inode). */
async function dirId(dir: string, followLink: boolean): Promise<string | undefined> {
  try {
    const st = await (followLink ? stat : lstat)(dir);
    return st.isDirectory() ? `${st.dev}:${st.ino}:${st.birthtimeMs}` : undefined;
  } catch {
    return undefined;
  }
}
