import type { ParseOptions, Reparse } from '../catalog/draft-file.js';
import type { PageJob, PageSettings } from '../export/article-pages.js';
import type { SeedFile } from '../model.js';
import type { WorkerFaults } from './faults.js';

/**
 * The messages between the pool and a parse worker. A request names a job the worker runs where
 * the bodies are: parse files (keeping their bodies, or sending them back), hand over some bodies,
 * write the article pages of the bodies it holds, or let them all go. Each answer carries the
 * request's id; a job that throws is answered with its error.
 */
export type WorkerRequest =
  | {
      readonly type: 'parse';
      readonly id: number;
      readonly files: readonly SeedFile[];
      /** Per file, the digest of the bytes of its last parse: bytes that still have it are not parsed. */
      readonly known?: readonly (string | undefined)[];
      readonly maxFileBytes: number;
      readonly options: ParseOptions;
      readonly keep: boolean;
    }
  | { readonly type: 'bodies'; readonly id: number; readonly sources: readonly string[] }
  | {
      readonly type: 'pages';
      readonly id: number;
      readonly settings: PageSettings;
      readonly outDir: string;
      readonly pages: readonly PageJob[];
    }
  | { readonly type: 'forget'; readonly id: number };

export type WorkerResponse =
  | {
      readonly id: number;
      readonly results: Reparse[];
      /** Something the log should say: the bodies it keeps could not go to its spool file. */
      readonly warning?: string;
    }
  | { readonly id: number; readonly bodies: Array<[string, string]> }
  | { readonly id: number; readonly written: number }
  | { readonly id: number; readonly error: string };

/** A request before it is given its id (each of the union's members without `id`). */
export type UnsentRequest = WorkerRequest extends infer R
  ? R extends { id: number }
    ? Omit<R, 'id'>
    : never
  : never;

/** What a parse worker is started with (its workerData). */
export interface WorkerSetup {
  /** The progress cells it writes as it starts each file (progress.ts). */
  readonly progress: SharedArrayBuffer;
  readonly faults?: WorkerFaults;
  readonly held?: HeldSetup;
}

/** Where a worker keeps the bodies it holds: how many bytes in memory before the rest go to a spool file, in which directory. */
export interface HeldSetup {
  readonly memoryBytes?: number;
  readonly spoolDir?: string;
  /** Size of the arena's chunks (tests make them small). */
  readonly chunkBytes?: number;
}
