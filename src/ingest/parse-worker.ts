import { readFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import type { Draft, Rejection, SeedFile } from '../model.js';
import { formatBytes } from '../scan/read.js';
import { parseBytes } from './scanner.js';

/** A parse worker: receives batches of files, reads (synchronously: this thread has nothing else to do) and parses them. */
export interface ParseRequest {
  readonly id: number;
  readonly files: readonly SeedFile[];
  readonly maxFileBytes: number;
}

export interface ParseResponse {
  readonly id: number;
  readonly results: Array<Draft | Rejection>;
}

function read(file: SeedFile, maxFileBytes: number): Uint8Array | Rejection {
  const tooBig = (size: number) => ({ file: file.path, reason: `file is ${formatBytes(size)}, over the ${formatBytes(maxFileBytes)} size limit` });
  if (file.size > maxFileBytes) return tooBig(file.size);
  try {
    const bytes = readFileSync(file.absPath);
    return bytes.length > maxFileBytes ? tooBig(bytes.length) : bytes;
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    return { file: file.path, reason: `could not be read: ${e.code ?? e.message}` };
  }
}

parentPort?.on('message', (request: ParseRequest) => {
  const results = request.files.map((file) => parseBytes(file, read(file, request.maxFileBytes)));
  parentPort!.postMessage({ id: request.id, results } satisfies ParseResponse);
});
