import { parseArgs } from 'node:util';

/**
 * The tools' command lines, read as the CLI reads its own: node:util parseArgs, strict (an
 * unknown option, a missing value or a stray argument is an error), and `--help` prints the
 * usage, which is made from the same option list so the two cannot disagree.
 */

export interface ToolOption {
  readonly type: 'string' | 'boolean';
  /** How a string option's value is shown in the usage: `N`, `DIR`, `a,b`. */
  readonly value?: string;
  readonly default?: string;
  readonly help: string;
}

export type ToolOptions = Readonly<Record<string, ToolOption>>;

export type ToolValues<O extends ToolOptions> = {
  readonly [K in keyof O]: O[K] extends { type: 'boolean' }
    ? boolean
    : O[K] extends { default: string }
      ? string
      : string | undefined;
};

export interface Tool {
  /** How to run it, e.g. `npx tsx tools/bench/run.ts`. */
  readonly command: string;
  /** What it does, in a sentence or two. */
  readonly about: string;
}

export function usage(tool: Tool, options: ToolOptions): string {
  const left = (name: string, o: ToolOption) =>
    `--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`;
  const entries: Array<[string, string]> = Object.entries(options).map(([name, o]) => [
    left(name, o),
    `${o.help}${o.default !== undefined ? ` [${o.default}]` : ''}`,
  ]);
  entries.push(['--help', 'show this help']);
  const width = Math.max(...entries.map(([l]) => l.length)) + 2;
  return [
    `Usage: ${tool.command} [options]`,
    '',
    tool.about,
    '',
    'Options:',
    ...entries.map(([l, r]) => `  ${l.padEnd(width)}${r}`),
  ].join('\n');
}

/** Exits with status 2 after the message and the usage: the exit code of the CLI's usage errors. */
export function usageError(tool: Tool, options: ToolOptions, message: string): never {
  process.stderr.write(`${message}\n\n${usage(tool, options)}\n`);
  process.exit(2);
}

/** The options' values from `argv`; `--help` prints the usage and exits 0, a bad command line exits 2. */
export function parseToolArgs<O extends ToolOptions>(
  tool: Tool,
  options: O,
  argv: readonly string[] = process.argv.slice(2),
): ToolValues<O> {
  const config: Record<string, { type: 'string' | 'boolean'; default?: string }> = {
    help: { type: 'boolean' },
  };
  for (const [name, o] of Object.entries(options))
    config[name] =
      o.default === undefined ? { type: o.type } : { type: o.type, default: o.default };
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: config,
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    usageError(tool, options, (error as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${usage(tool, options)}\n`);
    process.exit(0);
  }
  // Booleans parseArgs left out are false, so that every option has a value of its type.
  for (const [name, o] of Object.entries(options)) if (o.type === 'boolean') values[name] ??= false;
  return values as ToolValues<O>;
}

/** An option's value as a whole number from 1, or a usage error naming the option. */
export function wholeNumber(tool: Tool, options: ToolOptions, name: string, value: string): number {
  return wholeNumbers(tool, options, name, value, 'must be a whole number from 1')[0]!;
}

/** An option's comma-separated values as whole numbers from 1, or a usage error naming the option. */
export function wholeNumbers(
  tool: Tool,
  options: ToolOptions,
  name: string,
  value: string,
  rule = 'must be whole numbers from 1, comma-separated',
): number[] {
  const numbers = value.split(',').map(Number);
  if (!numbers.every((n) => Number.isInteger(n) && n >= 1))
    usageError(tool, options, `--${name} ${rule}`);
  return numbers;
}
