/**
 * The export of the samples and of the hostile corpus, file by file, against a recorded digest
 * (tests/fixtures/export-digests.json). It guards refactoring: moving code must not move a byte.
 * A change that means to alter the output regenerates the record on purpose:
 *
 *   SEEDFEED_UPDATE_DIGESTS=1 npx vitest run tests/export/byte-identity.test.ts
 *
 * and the diff of the record shows which files changed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cp, readdir, readFile, utimes } from 'node:fs/promises';
import path from 'node:path';
import { writeSite } from '../../src/export/write-site.js';
import { writeHostileSeeds } from '../hostile/corpus.js';
import { makeSite, makeTempDir, REPO, SAMPLES, scanCatalog } from '../support/site.js';

const RECORD = path.join(REPO, 'tests', 'fixtures', 'export-digests.json');
/** Files whose bytes hold the time of the build or the machine's paths, not the site. */
const NOT_SITE = new Set(['.seedfeed-state.json', '.seedfeed-manifest.json']);

type Digests = Record<string, string>;

async function exportDigests(seedsDir: string): Promise<Digests> {
  const { dir: out, remove } = await makeTempDir('seedfeed-identity-');
  try {
    const site = await makeSite(await scanCatalog(seedsDir));
    // With the siblings (--precompress): their bytes are guarded too.
    await writeSite(site, out, { precompress: true });
    const digests: Digests = {};
    for (const entry of await readdir(out, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || NOT_SITE.has(entry.name)) continue;
      const file = path.join(entry.parentPath, entry.name);
      digests[path.relative(out, file).split(path.sep).join('/')] = createHash('sha256')
        .update(await readFile(file))
        .digest('hex');
    }
    return Object.fromEntries(
      Object.entries(digests).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    );
  } finally {
    await remove();
  }
}

/** Files without a date are dated by their mtime: a fixed one makes the corpus the same every run. */
async function pinTimes(dir: string): Promise<void> {
  const pinned = new Date('2026-01-02T03:04:05Z');
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) await utimes(path.join(entry.parentPath, entry.name), pinned, pinned);
  }
}

describe('the export is byte-identical to the recorded one', () => {
  let removeHostile: () => Promise<void> = async () => undefined;
  const actual: Record<string, Digests> = {};

  beforeAll(async () => {
    const root = await makeTempDir('seedfeed-identity-seeds-');
    removeHostile = root.remove;
    const hostile = await writeHostileSeeds(path.join(root.dir, 'hostile'));
    await pinTimes(hostile.seeds);
    // A sample without a date of its own is dated by its mtime, which a fresh clone sets to now.
    const samples = path.join(root.dir, 'samples');
    await cp(SAMPLES, samples, { recursive: true });
    await pinTimes(samples);
    actual.samples = await exportDigests(samples);
    actual.hostile = await exportDigests(hostile.seeds);
    if (process.env.SEEDFEED_UPDATE_DIGESTS === '1')
      writeFileSync(RECORD, `${JSON.stringify(actual, null, 1)}\n`);
  }, 120_000);

  afterAll(async () => {
    await removeHostile();
  });

  for (const corpus of ['samples', 'hostile'] as const) {
    it(`${corpus}: the same files with the same bytes`, () => {
      expect(
        existsSync(RECORD),
        `${RECORD} is missing; make it with SEEDFEED_UPDATE_DIGESTS=1`,
      ).toBe(true);
      const recorded = (JSON.parse(readFileSync(RECORD, 'utf8')) as Record<string, Digests>)[
        corpus
      ]!;
      expect(Object.keys(actual[corpus]!)).toEqual(Object.keys(recorded));
      const changed = Object.keys(recorded).filter(
        (file) => actual[corpus]![file] !== recorded[file],
      );
      expect(changed).toEqual([]);
    });
  }
});
