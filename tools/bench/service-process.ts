import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { launcherEnv, serveArgv } from '../shared/serve-command.js';

/**
 * The service as it ships: `node bin/seedfeed.js serve` over the built dist/ (npm run bench
 * builds it first), on a port chosen here, so that it can be asked before its first scan ends
 * (the "serving" line comes only after it). Its JSON log is kept for the `scan` events.
 */

/** Services still running: a bench that fails or is interrupted leaves none behind. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

export interface ScanEvent {
  readonly reason: string;
  readonly changed: number;
  readonly removed: number;
  readonly duration_ms: number;
  /** From the start of a scan that made a new Site to its swap (the export follows). */
  readonly swap_ms?: number;
  /** When the line was read, on performance.now()'s clock. */
  readonly seenAt: number;
}

export interface ServiceProcess {
  readonly child: ChildProcess;
  readonly origin: string;
  /** performance.now() when the process was started. */
  readonly startedAt: number;
  readonly scans: ScanEvent[];
  /** Resolves when the "seedfeed is serving" line (printed after the first scan) is read. */
  readonly serving: Promise<void>;
  stop(): Promise<void>;
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface StartOptions {
  readonly seeds: string;
  readonly out: string;
  readonly data: string;
  readonly port: number;
  /** Node's own arguments, before the script (e.g. --cpu-prof). */
  readonly nodeArgs?: readonly string[];
}

export function startService(options: StartOptions): ServiceProcess {
  const startedAt = performance.now();
  const child = spawn(
    process.execPath,
    serveArgv(
      options,
      ['--host', '127.0.0.1', '--port', String(options.port), '--log-level', 'info'],
      options,
    ),
    { stdio: ['ignore', 'pipe', 'pipe'], env: launcherEnv() },
  );
  running.add(child);
  const scans: ScanEvent[] = [];
  let partial = '';
  let lastLines: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop()!;
    lastLines = [...lastLines, ...lines].slice(-20);
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      const event = JSON.parse(line) as { event: string; level: string } & Omit<
        ScanEvent,
        'seenAt'
      >;
      if (event.event === 'scan') scans.push({ ...event, seenAt: performance.now() });
      else if (event.level === 'warn' || event.level === 'error')
        process.stderr.write(`  service: ${line}\n`);
    }
  });
  const exited = new Promise<void>((resolve) =>
    child.once('close', () => {
      running.delete(child);
      resolve();
    }),
  );
  const serving = new Promise<void>((resolve, reject) => {
    let text = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('seedfeed is serving')) resolve();
    });
    void exited.then(() =>
      reject(new Error(`seedfeed serve exited (${child.exitCode}):\n${lastLines.join('\n')}`)),
    );
  });
  serving.catch(() => {}); // reported to whoever awaits it
  return {
    child,
    origin: `http://127.0.0.1:${options.port}`,
    startedAt,
    scans,
    serving,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface Memory {
  readonly rssMb: number;
  /** The peak RSS since the process started (VmHWM). */
  readonly peakMb: number;
}

/** RSS and peak RSS of a process, from /proc (Linux). */
export function memoryOf(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1]);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

/** CPU time (user + system, all threads) a process has used so far, from /proc (Linux; 100 Hz ticks). */
export function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
