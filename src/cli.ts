import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, OPTIONS, type Config } from './config.js';
import { processIo, type Io } from './commands/io.js';

const COMMANDS = {
  scan: 'scan the seeds directory and report articles, categories and rejected files (--json for JSON)',
  build: 'scan, render every feed and page, and export them to the output directory',
  serve: 'scan, export, serve the site over HTTP, and rescan on a schedule and on file changes',
} as const;
type Command = keyof typeof COMMANDS;

export function usage(): string {
  const width = Math.max(...OPTIONS.map((o) => o.flag.length + (o.type === 'string' ? 6 : 0))) + 4;
  const options = OPTIONS.map((o) => {
    const left = `--${o.flag}${o.type === 'string' ? ' VALUE' : ''}`;
    const dflt = o.default !== undefined ? ` [${o.default}]` : '';
    return `  ${left.padEnd(width)}${o.help}${dflt}\n  ${''.padEnd(width)}env ${o.env}`;
  });
  return [
    'Usage: seedfeed <command> [options]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, help]) => `  ${name.padEnd(8)}${help}`),
    '',
    'Options:',
    ...options,
    `  ${'--json'.padEnd(width)}scan: print the report as one JSON object`,
    `  ${'--help'.padEnd(width)}show this help`,
  ].join('\n');
}

function parse(argv: readonly string[]) {
  const options: Record<string, { type: 'string' | 'boolean' }> = {
    json: { type: 'boolean' },
    help: { type: 'boolean' },
  };
  for (const o of OPTIONS) options[o.flag] = { type: o.type };
  return parseArgs({
    args: [...argv],
    options,
    allowPositionals: true,
    allowNegative: true,
    strict: true,
  });
}

/** Runs one command; returns the process exit code (0 ok, 1 runtime failure, 2 usage error). */
export async function main(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  io: Io = processIo,
): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    io.err(`seedfeed: ${(error as Error).message}\n\n${usage()}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(`${usage()}\n`);
    return 0;
  }
  const command = positionals[0] as Command | undefined;
  if (!command || !(command in COMMANDS) || positionals.length > 1) {
    io.err(
      `seedfeed: ${command ? `unknown command "${positionals.join(' ')}"` : 'no command given'}\n\n${usage()}\n`,
    );
    return 2;
  }
  let config: Config;
  try {
    config = loadConfig(values as Record<string, string | boolean | undefined>, env);
  } catch (error) {
    if (error instanceof ConfigError) {
      io.err(`seedfeed: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  switch (command) {
    case 'scan':
      return (await import('./commands/scan.js')).runScan(config, values.json === true, io);
    case 'build':
      return (await import('./commands/build.js')).runBuild(config, io);
    case 'serve':
      return (await import('./commands/serve.js')).runServe(config, io);
  }
}
