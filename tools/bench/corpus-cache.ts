import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { generateCorpus } from './corpus.js';

/**
 * The benchmark corpus of `size` files under `work` (.bench/corpus-<size>), generated once from
 * the sample articles in `samplesDir`; a `done` directory marks a complete one.
 */
export async function cachedCorpus(
  work: string,
  size: number,
  samplesDir: string,
): Promise<string> {
  const dir = path.join(work, `corpus-${size}`);
  if (!existsSync(path.join(dir, 'done'))) {
    process.stderr.write(`generating ${size} files in ${dir} …\n`);
    const result = await generateCorpus({ dir, files: size, samplesDir });
    await mkdir(path.join(dir, 'done'));
    process.stderr.write(
      `  ${result.files} files, ${result.duplicates} duplicates, ${(result.bytes / 1e6).toFixed(0)} MB\n`,
    );
  }
  return dir;
}
