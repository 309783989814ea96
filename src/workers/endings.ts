import type { SeedFile } from '../model.js';
import { formatBytes } from '../scan/read.js';

/** Why a worker ended, and what its file is told. */
export type Ending =
  | { readonly kind: 'deadline'; readonly limitMs: number }
  | { readonly kind: 'memory' }
  | { readonly kind: 'crash'; readonly message: string };

/** The ending a worker's 'error' event means. */
export function endingOf(error: Error & { code?: string }): Ending {
  return error.code === 'ERR_WORKER_OUT_OF_MEMORY'
    ? { kind: 'memory' }
    : { kind: 'crash', message: error.message };
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/** The rejection reason of the file a worker was on when it ended. */
export function rejectionReason(ending: Ending, file: SeedFile, memoryMb: number): string {
  switch (ending.kind) {
    case 'deadline':
      return `took too long to parse: stopped after ${seconds(ending.limitMs)}, the limit for a file of ${formatBytes(file.size)}`;
    case 'memory':
      return `needed too much memory to parse: stopped at the ${memoryMb} MB a parse may use`;
    case 'crash':
      return `could not be parsed: the parser stopped (${ending.message})`;
  }
}

/** Why a worker ended, for the errors of the requests it had in hand. */
export function describeEnding(ending: Ending, memoryMb: number): string {
  switch (ending.kind) {
    case 'deadline':
      return `a file took longer than ${seconds(ending.limitMs)}`;
    case 'memory':
      return `out of memory (${memoryMb} MB)`;
    case 'crash':
      return ending.message;
  }
}
