import type { Config } from '../config.js';
import type { Io } from '../cli.js';

export async function runBuild(config: Config, io: Io): Promise<number> {
  void config; io.err('not yet\n');
  return 1;
}
