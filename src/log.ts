export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type Fields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(event: string, fields?: Fields): void;
  info(event: string, fields?: Fields): void;
  warn(event: string, fields?: Fields): void;
  error(event: string, fields?: Fields): void;
  child(fields: Fields): Logger;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LoggerOptions {
  readonly level: LogLevel;
  /** JSON lines for machines, readable lines for people. */
  readonly format: 'json' | 'pretty';
  readonly write?: (line: string) => void;
  readonly clock?: () => Date;
}

function prettyValue(value: unknown): string {
  if (typeof value === 'string') return /\s|"/.test(value) ? JSON.stringify(value) : value;
  return JSON.stringify(value);
}

/** One event per line with fixed fields; the only place that writes logs. Logs go to stderr. */
export function createLogger(options: LoggerOptions, bound: Fields = {}): Logger {
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const clock = options.clock ?? (() => new Date());
  const emit = (level: LogLevel, event: string, fields: Fields = {}) => {
    if (RANK[level] < RANK[options.level]) return;
    const all = { ...bound, ...fields };
    if (options.format === 'json') {
      write(JSON.stringify({ time: clock().toISOString(), level, event, ...all }));
    } else {
      const extra = Object.entries(all)
        .map(([k, v]) => `${k}=${prettyValue(v)}`)
        .join(' ');
      write(
        `${clock().toISOString().slice(11, 19)} ${level.toUpperCase().padEnd(5)} ${event}${extra ? `  ${extra}` : ''}`,
      );
    }
  };
  return {
    debug: (e, f) => emit('debug', e, f),
    info: (e, f) => emit('info', e, f),
    warn: (e, f) => emit('warn', e, f),
    error: (e, f) => emit('error', e, f),
    child: (fields) => createLogger(options, { ...bound, ...fields }),
  };
}

/**
 * Writes lines to stderr once per turn of the event loop instead of once per line: a write to a
 * file or pipe is a system call, and the access log makes one line per request. The batch goes
 * out before the next I/O is handled (setImmediate), so a line is never seen after an answer
 * that followed it; what is pending is written when the process exits, also on a crash.
 */
export function bufferedStderr(): (line: string) => void {
  let pending: string[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    const text = `${pending.join('\n')}\n`;
    pending = [];
    process.stderr.write(text);
  };
  process.once('exit', flush);
  return (line) => {
    if (pending.push(line) === 1) setImmediate(flush);
  };
}

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => silentLogger,
};
