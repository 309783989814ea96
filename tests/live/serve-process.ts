/**
 * `seedfeed serve` as a separate process (the compiled CLI in dist/, built by
 * tests/global-setup.ts) over a temporary seeds directory, on 127.0.0.1 and a port the system
 * chooses; with JSON logs on stderr, so tests can wait for and assert on events.
 */
import { expect } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { until } from './harness.js';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = path.join(REPO, 'bin', 'seedfeed.js');

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface LogEvent {
  readonly event: string;
  readonly level: string;
  readonly [field: string]: unknown;
}

export interface ServeProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly origin: string;
  readonly seeds: string;
  readonly out: string;
  readonly stderr: () => string;
  /** The JSON log lines written so far. */
  readonly events: () => LogEvent[];
  readonly exited: Promise<Exit>;
  /** True while the process has neither exited nor been killed by a signal. */
  alive(): boolean;
}

export function assertBuilt(): void {
  if (!existsSync(path.join(REPO, 'dist', 'cli.js')))
    throw new Error(
      'dist/ is not built: run the suite through vitest.config.ts (its globalSetup builds it)',
    );
}

/** Starts `seedfeed serve --seeds <dir>/seeds --out <dir>/out --port 0 <args>` and waits for its "serving" line. */
export async function startServeProcess(
  dir: string,
  args: readonly string[],
  prepare: (seeds: string) => Promise<void>,
): Promise<ServeProcess> {
  const seeds = path.join(dir, 'seeds');
  const out = path.join(dir, 'out');
  await mkdir(seeds, { recursive: true });
  await prepare(seeds);
  const child = spawn(
    process.execPath,
    [
      BIN,
      'serve',
      '--seeds',
      seeds,
      '--out',
      out,
      '--data-dir',
      path.join(dir, 'data'),
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      ...args,
    ],
    {
      cwd: REPO,
      env: { ...process.env, SEEDFEED_LOG_FORMAT: 'json', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  // 'close', not 'exit': by then everything the process wrote to stderr has been read.
  const exited = new Promise<Exit>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  const alive = () => child.exitCode === null && child.signalCode === null;
  try {
    const port = await until(
      `the "seedfeed is serving" line (stdout ${JSON.stringify(stdout)}, stderr ${JSON.stringify(stderr)})`,
      () => {
        if (!alive())
          expect.fail(`seedfeed serve exited (${child.exitCode ?? child.signalCode}): ${stderr}`);
        const m = /^seedfeed is serving .+ at http:\/\/127\.0\.0\.1:(\d+)\/$/m.exec(stdout);
        return m ? Number(m[1]) : undefined;
      },
      25_000,
    );
    const events = () =>
      stderr
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as LogEvent);
    return {
      child,
      port,
      origin: `http://127.0.0.1:${port}`,
      seeds,
      out,
      stderr: () => stderr,
      events,
      exited,
      alive,
    };
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}

/** Waits for a log event of this name, failing early (with the exit and the log) if the process ends. */
export function untilLogged(
  serving: ServeProcess,
  event: string,
  match: (e: LogEvent) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<LogEvent> {
  return until(
    `a "${event}" log event (stderr so far: ${serving.stderr()})`,
    () => {
      const found = serving.events().find((e) => e.event === event && match(e));
      if (found) return found;
      if (!serving.alive())
        expect.fail(
          `seedfeed serve ended (${serving.child.exitCode ?? serving.child.signalCode}) before logging "${event}": ${serving.stderr()}`,
        );
      return undefined;
    },
    timeoutMs,
  );
}
