import { readdirSync } from 'node:fs';
import path from 'node:path';

/** Every file under `dir`, its whole path, in a stable order. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

/** The corpus option of the tools that read every file into memory before timing. */
export const IN_MEMORY_CORPUS = {
  type: 'string',
  value: 'DIR',
  default: '.bench/corpus-10000',
  help: 'the seed files, all read into memory first',
} as const;
