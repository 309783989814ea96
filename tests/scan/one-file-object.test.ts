/**
 * The scanner keeps one object per file: its cache entry is the file as the last scan listed it,
 * and its stamp is the last walk's SeedFile, the very object an earlier walk made while the file
 * stays the same (walk.ts's `reuse`). (A later walk's SeedFile was listed while the one
 * read stayed as the stamp: two per file from the first rescan on, issue 14.)
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Scanner, type FileParse } from '../../src/scan/scanner.js';
import { makeTempDir } from '../support/seeds.js';

let temp: Awaited<ReturnType<typeof makeTempDir>>;
beforeEach(async () => {
  temp = await makeTempDir();
  for (const name of ['a.md', 'b.md']) {
    writeFileSync(path.join(temp.dir, name), `---\ntitle: ${name}\n---\nbody\n`);
    // Old enough not to be racy: the second walk trusts the stamp.
    utimesSync(path.join(temp.dir, name), new Date('2024-01-01'), new Date('2024-01-01'));
  }
});
afterEach(() => temp.remove());

const parse = async (files: readonly { path: string }[]): Promise<FileParse[]> =>
  files.map((f) => ({ result: { file: f.path, reason: 'not parsed here' } }));

describe('the scanner after a rescan', () => {
  it("keeps the last walk's SeedFile as each stamp, and lists its cache entries", async () => {
    const scanner = new Scanner({ seedsDir: temp.dir, extensions: ['.md'] }, parse);
    const first = await scanner.scan();
    const firstWalk = first.files.map((f) => f.file);
    // One file more: the scan lists the tree again (an unchanged one keeps its last list).
    writeFileSync(path.join(temp.dir, 'c.md'), '---\ntitle: c\n---\nbody\n');
    const again = await scanner.scan();
    expect(again.changed).toBe(1);
    for (const [i, listed] of again.files.slice(0, 2).entries()) {
      // The same file found again: the walk lists the SeedFile it had, and its own dies young.
      expect(listed.file).toBe(firstWalk[i]);
      const entry = scanner.entries().get(listed.file.path)!;
      expect(entry.stamp).toBe(listed.file);
      expect(entry).toBe(listed);
      expect(listed.result).toBe(first.files[i]!.result);
    }

    // A file touched (another mtime) is a new SeedFile, listed with the rest walked again.
    utimesSync(path.join(temp.dir, 'a.md'), new Date('2024-02-01'), new Date('2024-02-01'));
    writeFileSync(path.join(temp.dir, 'd.md'), '---\ntitle: d\n---\nbody\n');
    const third = await scanner.scan();
    const [a, b] = third.files;
    expect(a!.file).not.toBe(firstWalk[0]);
    expect(a!.file).toMatchObject({ path: 'a.md', mtimeMs: Date.parse('2024-02-01') });
    expect(scanner.entries().get('a.md')!.stamp).toBe(a!.file);
    expect(b!.file).toBe(firstWalk[1]);
  });
});
