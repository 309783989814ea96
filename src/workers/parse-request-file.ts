import { reparseBytes, type Reparse } from '../catalog/draft-file.js';
import type { SeedFile } from '../model.js';
import { readSeedBytesSync } from '../scan/read.js';
import type { HeldBodies } from './held-bodies.js';
import type { WorkerRequest } from './protocol.js';

type ParseRequest = Extract<WorkerRequest, { type: 'parse' }>;

/**
 * One file of a parse request, as a parse worker answers it: read through the seed checks,
 * parsed unless its bytes have the `known` digest, and its body kept in `held` (a big batch,
 * `keep`) or sent back in the result.
 */
export function parseRequestFile(
  request: Pick<ParseRequest, 'maxFileBytes' | 'options' | 'keep'>,
  file: SeedFile,
  known: string | undefined,
  held: HeldBodies,
): Reparse {
  const bytes = readSeedBytesSync(file, request.maxFileBytes);
  const { result, digest } = reparseBytes(file, bytes, known, request.options);
  // Bytes as known: nothing parsed, and the body is wherever the last parse left it.
  if (!result) return { digest };
  if ('reason' in result || !request.keep) {
    held.drop(file.path);
    return { result, digest };
  }
  held.keep(file.path, result.contentHtml);
  return { result: { ...result, contentHtml: '' }, digest };
}
