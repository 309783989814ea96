/**
 * What each signal does to a running `seedfeed serve` (docs/signals.md): SIGHUP rescans, as
 * daemons reload; SIGUSR2 logs the service's status; SIGUSR1 does not open Node's inspector;
 * none of them ends the process. SIGTERM/SIGINT (graceful stop) are in serve-cli.test.ts.
 *
 * The server runs with --no-watch and a schedule that never fires during a test, so only the
 * signal can bring a change to the served feeds.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { NEVER, health, rssItems, seedText, until } from './harness.js';
import { assertBuilt, startServeProcess, untilLogged, type ServeProcess } from './serve-process.js';

const A = { title: '信号之前的文章', day: 1, categories: ['运维'], body: '服务启动时就在。' };
const B = {
  title: '重新加载之后的文章',
  day: 2,
  categories: ['运维'],
  body: '在 SIGHUP 之前写入。',
};

let root: string;
const running: ServeProcess[] = [];

beforeAll(async () => {
  assertBuilt();
  root = await mkdtemp(path.join(os.tmpdir(), 'seedfeed-signals-'));
});
afterEach(() => {
  for (const serving of running.splice(0)) if (serving.alive()) serving.child.kill('SIGKILL');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function start(name: string): Promise<ServeProcess> {
  const serving = await startServeProcess(
    path.join(root, name),
    ['--no-watch', '--cron', NEVER],
    async (seeds) => {
      await writeFile(path.join(seeds, 'a.md'), seedText(A));
    },
  );
  running.push(serving);
  return serving;
}

async function titles(serving: ServeProcess): Promise<string[]> {
  const response = await fetch(`${serving.origin}/rss.xml`, {
    headers: { 'accept-encoding': 'identity' },
  });
  expect(response.status).toBe(200);
  return rssItems(await response.text()).map((i) => i.title);
}

/** Still running and still serving: the signal did not end it. */
async function expectStillServing(serving: ServeProcess, signal: string): Promise<void> {
  expect(
    serving.alive(),
    `seedfeed serve ended after ${signal}: ${serving.child.exitCode ?? serving.child.signalCode}`,
  ).toBe(true);
  const got = await health(serving.origin);
  expect(got.status).toBe(200);
  expect(got.body.status).toBe('ok');
}

/** Ends with SIGTERM as before: a graceful stop, exit 0. */
async function stopGracefully(serving: ServeProcess): Promise<void> {
  serving.child.kill('SIGTERM');
  const exit = await serving.exited;
  expect(exit).toEqual({ code: 0, signal: null });
  const events = serving.events().map((e) => e.event);
  expect(events).toContain('shutting_down');
  expect(events).toContain('stopped');
}

describe('seedfeed serve and SIGHUP', () => {
  it('SIGHUP rescans: a file added before it is served after it, and the server keeps running', async () => {
    const serving = await start('hup');
    expect(await titles(serving)).toEqual([A.title]);

    await writeFile(path.join(serving.seeds, 'b.md'), seedText(B));
    serving.child.kill('SIGHUP');
    await untilLogged(serving, 'scan', (e) => e.reason === 'SIGHUP');
    await expectStillServing(serving, 'SIGHUP');
    expect(await titles(serving)).toEqual([B.title, A.title]);
    expect(serving.events().find((e) => e.event === 'reload')).toMatchObject({
      level: 'info',
      signal: 'SIGHUP',
    });

    // A second SIGHUP with nothing changed: one more scan, same feed.
    serving.child.kill('SIGHUP');
    await until('a second SIGHUP scan', () =>
      serving.events().filter((e) => e.event === 'scan' && e.reason === 'SIGHUP').length === 2
        ? true
        : undefined,
    );
    await expectStillServing(serving, 'a second SIGHUP');
    expect(await titles(serving)).toEqual([B.title, A.title]);
    await stopGracefully(serving);
  }, 40_000);
});

describe('seedfeed serve and SIGUSR2', () => {
  it('SIGUSR2 logs the service status (the /healthz body) and keeps serving', async () => {
    const serving = await start('usr2');
    serving.child.kill('SIGUSR2');
    const status = await untilLogged(serving, 'status');
    expect(status).toMatchObject({
      level: 'info',
      signal: 'SIGUSR2',
      pid: serving.child.pid,
      health: { status: 'ok' },
    });
    await expectStillServing(serving, 'SIGUSR2');
    expect(await titles(serving)).toEqual([A.title]);
    await stopGracefully(serving);
  }, 40_000);
});

describe('seedfeed serve and SIGUSR1', () => {
  it('SIGUSR1 is logged and ignored: Node does not open its inspector, the server keeps running', async () => {
    const serving = await start('usr1');
    serving.child.kill('SIGUSR1');
    await untilLogged(serving, 'signal_ignored', (e) => e.signal === 'SIGUSR1');
    await expectStillServing(serving, 'SIGUSR1');
    await stopGracefully(serving);
    // Node's default for SIGUSR1 is to start the inspector on 127.0.0.1:9229 and say so on stderr
    // (read here, once the process has ended and its stderr is complete).
    expect(serving.stderr()).not.toMatch(/Debugger listening/);
  }, 40_000);
});
