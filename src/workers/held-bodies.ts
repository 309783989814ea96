import { ByteArena, type ArenaOptions, type ArenaRef } from './byte-arena.js';

/**
 * The bodies a parse worker parsed and keeps, by source file, as UTF-8 in an arena (see
 * byte-arena.ts: past a budget, in a spool file).
 */
export class HeldBodies {
  private readonly arena: ByteArena;
  private readonly refs = new Map<string, ArenaRef>();

  constructor(options: ArenaOptions = {}) {
    this.arena = new ByteArena(options);
  }

  keep(source: string, html: string): void {
    this.refs.set(source, this.arena.put(html));
  }

  drop(source: string): void {
    this.refs.delete(source);
  }

  get(source: string): string | undefined {
    const ref = this.refs.get(source);
    return ref === undefined ? undefined : this.arena.get(ref);
  }

  /** A body as the UTF-8 bytes it is kept in (a page is written without decoding it); valid until the next call. */
  bytes(source: string): Uint8Array | undefined {
    const ref = this.refs.get(source);
    return ref === undefined ? undefined : this.arena.bytes(ref);
  }

  /** The bodies held for these sources; one not held is left out. */
  some(sources: readonly string[]): Array<[string, string]> {
    return sources.flatMap((source) => {
      const html = this.get(source);
      return html === undefined ? [] : [[source, html] as [string, string]];
    });
  }

  clear(): void {
    this.refs.clear();
    this.arena.clear();
  }
}
