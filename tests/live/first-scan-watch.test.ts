/**
 * `seedfeed serve` watches the seeds before its first scan: a file written while that scan runs
 * (minutes at 100,000 files) is served right after it, with no scheduled rescan to wait for.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { distinctText, seedMarkdown } from '../support/articles.js';
import { NEVER, until } from './harness.js';
import { assertBuilt, startServeProcess, type ServeProcess } from './serve-process.js';

let serving: ServeProcess | undefined;
let dir: string | undefined;
afterEach(async () => {
  serving?.child.kill('SIGKILL');
  await serving?.exited;
  if (dir) await rm(dir, { recursive: true, force: true });
  serving = dir = undefined;
});

/** Enough files that the first scan goes on for a while after its walk. */
const FILES = 600;

/** A port nothing listens on now (the server is told it: its log names it only after the first scan). */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function scanning(origin: string): Promise<boolean | undefined> {
  try {
    return ((await (await fetch(`${origin}/healthz`)).json()) as { scanning: boolean }).scanning;
  } catch {
    return undefined; // not listening yet
  }
}

describe('a file written during the first scan', () => {
  it('is served after that scan through the watcher, with no scheduled rescan', async () => {
    assertBuilt();
    dir = await mkdtemp(path.join(os.tmpdir(), 'seedfeed-first-watch-'));
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const late = 'Written while the first scan ran';
    let writtenDuringScan = false;
    const writeDuringFirstScan = (async () => {
      // Once /healthz says "scanning", the first scan's walk (milliseconds) is long done.
      await until('the first scan to be running', async () =>
        (await scanning(origin)) ? true : undefined,
      );
      await sleep(200);
      await writeFile(
        path.join(dir!, 'seeds', 'late.md'),
        seedMarkdown({
          title: late,
          date: new Date('2026-11-30T08:00:00Z'),
          body: distinctText('late'),
        }),
      );
      writtenDuringScan = (await scanning(origin)) === true;
    })();
    serving = await startServeProcess(dir, ['--port', String(port), '--cron', NEVER], async (s) => {
      for (let i = 0; i < FILES; i++)
        await writeFile(
          path.join(s, `seed-${i}.md`),
          seedMarkdown({
            title: `Seed ${i}`,
            date: new Date(Date.UTC(2025, 0, 1 + (i % 300))),
            body: distinctText(i),
          }),
        );
    });
    await writeDuringFirstScan;
    // Otherwise the case did not happen (a machine fast enough to scan 600 files in 200 ms).
    expect(writtenDuringScan).toBe(true);
    await until(`"${late}" served`, async () =>
      (await (await fetch(`${origin}/rss.xml`)).text()).includes(late) ? true : undefined,
    );
  });
});
