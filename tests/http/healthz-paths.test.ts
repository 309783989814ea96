/**
 * /healthz and the error answers never show an absolute server path: a failed scan is reported by
 * what went wrong ("the seeds directory is missing or not a directory"), and the log keeps the
 * full message with its path for the operator.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { createApp } from '../../src/http/app.js';
import { silentLogger } from '../../src/log.js';
import { Sandbox, recordingLogger, writeSeed, type Dirs } from '../live/harness.js';
import { startService, type Running } from '../websub/service.js';

const sandbox = new Sandbox();
let running: Running | undefined;

afterEach(async () => {
  await running?.stop();
  running = undefined;
  await sandbox.cleanup();
});

/** Anything that looks like an absolute POSIX or Windows path, or names the temporary directory. */
function expectNoPath(label: string, text: string, dirs?: Dirs): void {
  expect(text, `${label}: ${text}`).not.toMatch(/(^|[\s"'(:=,])\/[A-Za-z0-9._-]+\/[^\s"']*/);
  expect(text, label).not.toMatch(/[A-Za-z]:\\/);
  expect(text, label).not.toContain(os.tmpdir());
  if (dirs) expect(text, label).not.toContain(dirs.root);
}

/** The reason, with the errno name when there is one (ENOENT): it says what, never where. */
const SEEDS_MISSING = /^the seeds directory is missing or not a directory( \(E[A-Z]+\))?$/;

interface HealthBody {
  status: string;
  lastScan: { ok: boolean; error?: string } | null;
}

async function health(origin: string): Promise<{ status: number; text: string; body: HealthBody }> {
  const response = await fetch(`${origin}/healthz`);
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as HealthBody };
}

describe('/healthz after a failed scan', () => {
  it('the seeds directory removed: a path-free reason in /healthz, the full message in the log', async () => {
    const dirs = await sandbox.makeDirs();
    await writeSeed(dirs.seeds, 'a.md', { title: 'Alpha', day: 1, body: 'First.' });
    const { logger, events } = recordingLogger();
    running = await startService(dirs, {}, {}, logger);
    expect((await health(running.origin)).body.status).toBe('ok');

    await rm(dirs.seeds, { recursive: true, force: true });
    await running.service.live.trigger('test');
    const { status, text, body } = await health(running.origin);
    expect(status).toBe(200);
    expect(body.status).toBe('degraded');
    expect(body.lastScan?.ok).toBe(false);
    expect(body.lastScan?.error).toMatch(SEEDS_MISSING);
    expectNoPath('/healthz', text, dirs);

    const failed = events.find((e) => e.event === 'scan_failed');
    expect(String(failed?.fields.error)).toContain(dirs.seeds);
  });

  it('the seeds directory replaced by a file: the same reason', async () => {
    const dirs = await sandbox.makeDirs();
    await writeSeed(dirs.seeds, 'a.md', { title: 'Alpha', day: 1, body: 'First.' });
    running = await startService(dirs);
    await rm(dirs.seeds, { recursive: true, force: true });
    await writeFile(dirs.seeds, 'not a directory');
    await running.service.live.trigger('test');
    const { text, body } = await health(running.origin);
    expect(body.lastScan?.error).toMatch(SEEDS_MISSING);
    expectNoPath('/healthz', text, dirs);
  });

  it('no seeds directory from the start: 503 starting, and still no path', async () => {
    const dirs = await sandbox.makeDirs();
    await rm(dirs.seeds, { recursive: true, force: true });
    running = await startService(dirs);
    const { status, text, body } = await health(running.origin);
    expect(status).toBe(503);
    expect(body.lastScan?.error).toMatch(SEEDS_MISSING);
    expectNoPath('/healthz', text, dirs);
  });

  it('any other failure (the export directory is a file): a generic reason, no path', async () => {
    const dirs = await sandbox.makeDirs();
    await writeSeed(dirs.seeds, 'a.md', { title: 'Alpha', day: 1, body: 'First.' });
    await writeFile(dirs.out, 'in the way');
    const { logger, events } = recordingLogger();
    running = await startService(dirs, {}, {}, logger);
    const { text, body } = await health(running.origin);
    expect(body.lastScan?.ok).toBe(false);
    expect(body.lastScan?.error).toMatch(/^[a-z][^/\\]*$/);
    expectNoPath('/healthz', text, dirs);
    expect(JSON.stringify(events.filter((e) => e.event === 'scan_failed'))).toContain(dirs.root);
  });
});

describe('error answers of the HTTP side', () => {
  it('500 (a failure with a path in its message), 503, 400, 404 and 405 bodies hold no path', async () => {
    const secret = '/srv/seedfeed/private/seeds';
    const failing = createApp({
      site: () => {
        throw new Error(`ENOENT: no such file or directory, open '${secret}/a.md'`);
      },
      health: () => ({ status: 'ok', body: {} }),
      maxAge: 60,
      limit: 50,
      logger: silentLogger,
    });
    const internal = await failing.request('/rss.xml');
    expect(internal.status).toBe(500);
    expectNoPath('500', await internal.text());

    const dirs = await sandbox.makeDirs();
    await writeSeed(dirs.seeds, 'a.md', { title: 'Alpha', day: 1, body: 'First.' });
    running = await startService(dirs);
    for (const [method, target, status] of [
      ['GET', '/%ff', 400],
      ['GET', '/no/such/page', 404],
      ['OPTIONS', '/no/such/page', 404],
      ['POST', '/rss.xml', 405],
      ['GET', '/rss.xml?limit=0', 400],
    ] as const) {
      const response = await fetch(`${running.origin}${target}`, { method });
      expect(response.status, `${method} ${target}`).toBe(status);
      expectNoPath(`${method} ${target}`, await response.text(), dirs);
    }
  });
});
