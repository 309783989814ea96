import type { Config } from '../config.js';
import { CatalogScanner } from '../catalog/catalog-scanner.js';
import { ParsePool } from '../workers/pool.js';
import { describeFsError, type Io } from './io.js';
import { formatScanSummary, scanReport } from './report.js';

/** `seedfeed scan`: one scan, reported (as JSON with `--json`); nothing is written. */
export async function runScan(config: Config, json: boolean, io: Io): Promise<number> {
  let result;
  const pool = new ParsePool();
  // A scan parses every file: start the workers while the tree is walked.
  pool.prestart();
  try {
    result = await new CatalogScanner(config, undefined, pool).scan();
  } catch (error) {
    io.err(`seedfeed: cannot scan ${config.seedsDir}: ${describeFsError(error)}\n`);
    return 1;
  } finally {
    await pool.close();
  }
  io.out(
    json
      ? `${JSON.stringify(scanReport(result.catalog), null, 2)}\n`
      : `${formatScanSummary(result.catalog, config.seedsDir)}\n`,
  );
  return 0;
}
