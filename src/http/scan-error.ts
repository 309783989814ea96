import { statSync } from 'node:fs';
import { ExportError } from '../export/staging.js';

/**
 * What /healthz says of a failed scan. Anyone who can reach the server reads /healthz, so it names
 * no path (the seeds, output and data directories tell where and as whom the service runs) and
 * repeats no error message, which for a file system error mostly is its path. The log keeps the
 * full message (scan_failed).
 *
 * The seeds directory is judged by looking at it, not by the wording of the error the walk threw:
 * missing, or not a directory, is the one failure an operator fixes without the log.
 */
export function publicScanError(error: unknown, seedsDir: string): string {
  // An errno name (ENOENT, EACCES, ENOSPC…) says what went wrong and nothing of where.
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const because = typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) ? ` (${code})` : '';
  if (!isDirectory(seedsDir)) return `the seeds directory is missing or not a directory${because}`;
  if (error instanceof ExportError)
    return `the export failed${because}; the previous export is kept; the server log has the details`;
  return `the scan failed${because}; the server log has the details`;
}

function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}
