import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Every temporary file seedfeed writes is named `.<name>.<12 hex>.tmp`, next to its final name:
 * made here and recognised here, so that the cleanup after a killed export finds them all.
 */
const TEMP_NAME = /^\..+\.[0-9a-f]{12}\.tmp$/;

export function tempPathFor(file: string): string {
  return path.join(
    path.dirname(file),
    `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`,
  );
}

export function isTempName(name: string): boolean {
  return TEMP_NAME.test(name);
}

/** Writes a file so that readers see the old bytes or the new ones, never half of them. */
export async function writeFileAtomic(
  file: string,
  data: Uint8Array | string,
  options: { mode?: number } = {},
): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  // wx: a fresh file or an error, never through whatever (a link) might wait at that name.
  await replaceThroughTemp(file, (temp) =>
    writeFile(
      temp,
      data,
      options.mode === undefined ? { flag: 'wx' } : { flag: 'wx', mode: options.mode },
    ),
  );
}

/**
 * Replaces `file` with what `write` puts in a fresh temporary name beside it (which `write` must
 * create exclusively), renamed into place; on any failure the temporary is removed.
 */
export async function replaceThroughTemp(
  file: string,
  write: (temp: string) => Promise<void>,
): Promise<void> {
  const temp = tempPathFor(file);
  try {
    await write(temp);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
