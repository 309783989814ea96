import type { ParseOptions, Reparse, TakeReparse } from '../catalog/draft-file.js';
import type { SeedFile } from '../model.js';

/** A request whose worker ended before it started any file is sent again at most this often. */
const MAX_TRIES = 3;

/** A batch being parsed: its results by position, filled as tasks come back. */
export interface Job {
  readonly results: Array<Reparse | undefined>;
  /** Per file, the digest of the bytes of its last parse, if the caller knows it. */
  readonly known?: readonly (string | undefined)[];
  left: number;
  /** Whether the workers keep the bodies (a big batch) or send them back. */
  readonly keep: boolean;
  readonly maxFileBytes: number;
  readonly options: ParseOptions;
  readonly resolve: (results: Reparse[]) => void;
  readonly reject: (error: Error) => void;
  readonly progress?: (done: number, total: number) => void;
  /** What is kept of each result as it settles (see TakeReparse). */
  readonly take?: TakeReparse;
  settled: boolean;
}

/** Some files of a job, sent as one request. */
export interface Task {
  readonly job: Job;
  readonly files: readonly SeedFile[];
  /** Position of each file in the job's results. */
  readonly at: readonly number[];
  readonly tries: number;
}

/** The tasks of a job: its files in runs of `chunk`. */
export function tasksOf(job: Job, files: readonly SeedFile[], chunk: number): Task[] {
  const tasks: Task[] = [];
  for (let i = 0; i < files.length; i += chunk) {
    const at = Array.from({ length: Math.min(chunk, files.length - i) }, (_, k) => i + k);
    tasks.push({ job, files: at.map((k) => files[k]!), at, tries: 0 });
  }
  return tasks;
}

export function settle(job: Job, at: number, result: Reparse): void {
  if (job.settled || job.results[at] !== undefined) return;
  let kept = result;
  try {
    if (job.take) kept = job.take(result, at);
  } catch (error) {
    // Thrown in a worker's message handler, it would end the process: the batch fails instead.
    return fail(job, error instanceof Error ? error : new Error(String(error)));
  }
  job.results[at] = kept;
  job.left--;
  if (job.left === 0) {
    job.settled = true;
    job.resolve(job.results as Reparse[]);
  }
}

export function fail(job: Job, error: Error): void {
  if (job.settled) return;
  job.settled = true;
  job.reject(error);
}

/**
 * The tasks a worker had in hand when it ended, sorted out. The file it was on (`on`: file `file`
 * of the task sent as request `id`) is rejected, for the reason `rejectionFor` gives, and every
 * other file is returned to be sent again. A worker that ended on no file is not blamed on one:
 * its tasks are tried again, a few times at most.
 */
export function afterWorkerEnded(
  tasks: ReadonlyMap<number, Task>,
  on: { readonly id: number; readonly file: number } | undefined,
  rejectionFor: (file: SeedFile) => string,
  whyEnded: string,
): Task[] {
  const resend: Task[] = [];
  for (const [id, task] of tasks) {
    if (on && id === on.id) {
      const culprit = task.files[on.file]!;
      settle(task.job, task.at[on.file]!, {
        result: { file: culprit.path, reason: rejectionFor(culprit) },
      });
      const others = task.files.flatMap((f, k) => (k === on.file ? [] : [k]));
      if (others.length)
        resend.push({
          job: task.job,
          files: others.map((k) => task.files[k]!),
          at: others.map((k) => task.at[k]!),
          tries: task.tries,
        });
    } else if (on) {
      resend.push(task); // queued behind the file that ended the worker: not its fault
    } else if (task.tries + 1 >= MAX_TRIES) {
      fail(task.job, new Error(`parse workers keep ending before parsing (${whyEnded})`));
    } else {
      resend.push({ ...task, tries: task.tries + 1 });
    }
  }
  return resend;
}
