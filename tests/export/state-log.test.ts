/**
 * The state file (guids, first-seen dates, validators) as a snapshot plus a log of changes: a
 * save appends what changed, a load reads both back, a torn last line is dropped (and the next
 * save compacts), a damaged log is a fresh start, and compaction keeps the content.
 */
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { appendFile, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { emptyMemory, NotingMap, type Memory } from '../../src/catalog/memory.js';
import { loadState, saveState, STATE_FILE, STATE_LOG } from '../../src/export/state.js';
import type { Site } from '../../src/render/site.js';
import { tempDirsRemovedAfterAll } from '../support/site.js';

const tempDir = tempDirsRemovedAfterAll('seedfeed-state-');

type Validator = { key: string; etag: string; lastModified: Date };
/** saveState reads only a Site's resources. */
const siteOf = (validators: Map<string, Validator>) =>
  ({ resources: validators }) as unknown as Site;

/** In the maps the catalog keeps it in, which note what changes: saves after the first append only that. */
function memoryOf(n: number): Memory {
  const memory = emptyMemory();
  for (let i = 0; i < n; i++) {
    memory.guids.byHash.set(`h${i}`, `g${i}`);
    memory.guids.byPath.set(`a/${i}.md`, `g${i}`);
    memory.firstSeen.byPath.set(`a/${i}.md`, 1_700_000_000_000 + i * 1000);
  }
  return memory;
}

const validatorsOf = (n: number) =>
  new Map<string, Validator>(
    Array.from({ length: n }, (_, i) => [
      `/c/${i}/rss.xml`,
      { key: `k${i}`, etag: `"e${i}"`, lastModified: new Date(Date.UTC(2030, 0, 1, 0, i)) },
    ]),
  );

const read = (out: string, file: string) => readFile(path.join(out, file), 'utf8');

/** The memory's entries in plain maps, comparable with toEqual. */
const plain = ({ guids, firstSeen }: Memory) => ({
  guids: { byHash: new Map(guids.byHash), byPath: new Map(guids.byPath) },
  firstSeen: { byHash: new Map(firstSeen.byHash), byPath: new Map(firstSeen.byPath) },
});

/** What loadState gives back, comparable with toEqual (with `plain(memory)`). */
async function reloaded(out: string) {
  const state = await loadState(out);
  return { damaged: state.damaged, memory: plain(state.memory), validators: state.validators };
}

describe('the state log', () => {
  it('a change appends a few lines; a load reads snapshot and log back as saved', async () => {
    const out = await tempDir();
    const memory = memoryOf(50);
    const validators = validatorsOf(20);
    let saved = await saveState(out, memory, siteOf(validators));
    const snapshot = await read(out, STATE_FILE);
    expect(existsSync(path.join(out, STATE_LOG))).toBe(false);

    // A restart, then one file changed: its guid, first-seen date and one feed.
    saved = (await loadState(out)).saved;
    memory.guids.byPath.set('a/7.md', 'g-new');
    memory.firstSeen.byPath.delete('a/8.md');
    validators.set('/c/3/rss.xml', { key: 'k3b', etag: '"e3b"', lastModified: new Date(0) });
    saved = await saveState(out, memory, siteOf(validators), saved);
    expect(await read(out, STATE_FILE)).toBe(snapshot);
    const log = await read(out, STATE_LOG);
    expect(log.trim().split('\n')).toHaveLength(1 + 3);

    // Followed since the last save, the maps are looked at only where they changed: one entry
    // set, one deleted, one set to the value it had (no line).
    memory.guids.byHash.set('h-new', 'g-new');
    memory.guids.byPath.delete('a/9.md');
    memory.guids.byPath.set('a/10.md', 'g10');
    await saveState(out, memory, siteOf(validators), saved);
    const longer = await read(out, STATE_LOG);
    expect(longer.startsWith(log)).toBe(true);
    expect(longer.slice(log.length).trim().split('\n')).toHaveLength(2);

    expect(await reloaded(out)).toEqual({ damaged: undefined, memory: plain(memory), validators });
  });

  it("keeps no copy of the memory's maps: it follows them, and saves a map made afresh whole", async () => {
    const out = await tempDir();
    await saveState(out, memoryOf(20), siteOf(validatorsOf(2)));
    const state = await loadState(out);
    const { memory, saved } = state;
    expect(saved.tables.gh).toBe(memory.guids.byHash);
    expect(saved.tables.fp).toBe(memory.firstSeen.byPath);

    // A change noted in the followed map, then the map made afresh from it (as a full build
    // does): the change is in both, and still saved, as are those of the fresh map.
    memory.firstSeen.byPath.set('a/1.md', 5);
    const fresh = new NotingMap(memory.firstSeen.byPath);
    fresh.delete('a/2.md');
    fresh.set('a/new.md', 6);
    memory.firstSeen.byPath = fresh;
    memory.guids.byHash.set('h3', 'g-moved');
    const after = await saveState(out, memory, siteOf(validatorsOf(2)), saved);
    expect(after.tables.fp).toBe(fresh);
    expect(await reloaded(out)).toEqual({
      damaged: undefined,
      memory: plain(memory),
      validators: validatorsOf(2),
    });
  });

  it('a torn last line is dropped, and the next save compacts', async () => {
    const out = await tempDir();
    const memory = memoryOf(10);
    const validators = validatorsOf(5);
    const saved = await saveState(out, memory, siteOf(validators));
    memory.guids.byPath.set('a/1.md', 'g-moved');
    await saveState(out, memory, siteOf(validators), saved);
    await appendFile(path.join(out, STATE_LOG), '["gp","a/2.md","g-to');

    const state = await loadState(out);
    expect(state.damaged).toBeUndefined();
    expect(plain(state.memory)).toEqual(plain(memory)); // the torn change is not there
    expect(state.saved.log).toBeUndefined();
    memory.guids.byPath.set('a/2.md', 'g-torn-again');
    await saveState(out, memory, siteOf(validators), state.saved);
    expect(existsSync(path.join(out, STATE_LOG))).toBe(false);
    expect(await reloaded(out)).toEqual({ damaged: undefined, memory: plain(memory), validators });
  });

  it('compaction: past twice the live entries the snapshot is rewritten, the same content', async () => {
    const out = await tempDir();
    const memory = memoryOf(2); // 6 entries, h0's date below and 2 validators: 9 live
    const validators = validatorsOf(2);
    let saved = await saveState(out, memory, siteOf(validators));
    const snapshot = await read(out, STATE_FILE);
    for (let i = 0; i < 18; i++) {
      memory.firstSeen.byHash.set('h0', i);
      saved = await saveState(out, memory, siteOf(validators), saved);
      expect(await reloaded(out)).toEqual({
        damaged: undefined,
        memory: plain(memory),
        validators,
      });
    }
    expect(await read(out, STATE_FILE)).toBe(snapshot);
    memory.firstSeen.byHash.set('h0', 99);
    await saveState(out, memory, siteOf(validators), saved);
    expect(await read(out, STATE_FILE)).not.toBe(snapshot);
    expect(existsSync(path.join(out, STATE_LOG))).toBe(false);
    expect(await reloaded(out)).toEqual({ damaged: undefined, memory: plain(memory), validators });
  });

  it('a damaged log is a fresh start; a log that is a link is not followed', async () => {
    const out = await tempDir();
    await saveState(out, memoryOf(3), siteOf(validatorsOf(1)));
    const { generation } = JSON.parse(await read(out, STATE_FILE)) as { generation: string };
    await writeFile(path.join(out, STATE_LOG), `${JSON.stringify({ generation })}\n{oops\n[]\n`);
    expect((await loadState(out)).damaged).toMatch(/line 2/);

    const elsewhere = path.join(await tempDir(), 'log');
    await writeFile(elsewhere, `${JSON.stringify({ generation })}\n["gp","x","y"]\n`);
    await rm(path.join(out, STATE_LOG));
    await symlink(elsewhere, path.join(out, STATE_LOG));
    const state = await loadState(out);
    expect(state.damaged).toMatch(/symbolic link/);
    expect(state.memory.guids.byPath.size).toBe(0);
  });
});
