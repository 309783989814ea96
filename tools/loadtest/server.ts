import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { serveArgv } from '../shared/serve-command.js';

/** The load tests' server: the built CLI (`npm run build` first), as a user runs it, and its memory. */

export interface ServeOptions {
  readonly seeds: string;
  readonly out: string;
  readonly data: string;
  readonly limit: number;
  /** Node's own arguments, before the script. */
  readonly nodeArgs?: readonly string[];
  /** More `serve` options, after the common ones. */
  readonly serveArgs?: readonly string[];
  readonly onStderr: (chunk: string) => void;
}

/** `seedfeed serve` on a free port of 127.0.0.1, logging warnings as JSON; resolves once it listens. */
export function startServe(
  options: ServeOptions,
): Promise<{ child: ChildProcess; origin: string }> {
  const child = spawn(
    process.execPath,
    serveArgv(
      options,
      [
        '--port',
        '0',
        '--limit',
        String(options.limit),
        '--log-level',
        'warn',
        ...(options.serveArgs ?? []),
      ],
      options,
    ),
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stderr!.on('data', (c: Buffer) => options.onStderr(c.toString()));
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout!.on('data', (c: Buffer) => {
      text += c.toString();
      const m = /at (http:\/\/127\.0\.0\.1:\d+)\//.exec(text);
      if (m) resolve({ child, origin: m[1]! });
    });
    child.once('exit', (code) =>
      reject(new Error(`seedfeed serve exited (${code}) before listening`)),
    );
  });
}

/** Node's arguments that preload gc-on-signal.js, for collectGarbage. */
export const GC_ON_SIGNAL = [
  '--expose-gc',
  '--import',
  new URL('./gc-on-signal.js', import.meta.url).href,
];

export interface Memory {
  readonly rss: number;
  /** V8 heap in use after a full collection: what the server keeps alive. */
  readonly heapUsed: number;
}

/** Asks a server started with GC_ON_SIGNAL (gc-on-signal.js) for a full collection and reads back what it reports. */
export async function collectGarbage(server: ChildProcess): Promise<Memory> {
  const reported = new Promise<number>((resolve) => {
    const onData = (c: Buffer) => {
      const line = c
        .toString()
        .split('\n')
        .find((l) => l.includes('"loadtest_gc"'));
      if (!line) return;
      server.stderr!.off('data', onData);
      resolve((JSON.parse(line) as { heapUsed: number }).heapUsed);
    };
    server.stderr!.on('data', onData);
  });
  server.kill('SIGUSR2');
  const heapUsed = await reported;
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  return { rss: rssOf(server.pid!), heapUsed };
}

/** RSS of `pid` in bytes, from /proc (Linux). */
export function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}
