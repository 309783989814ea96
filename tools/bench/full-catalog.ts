import { buildCatalog, type MergeMemo } from '../../src/catalog/catalog.js';
import { fallbackDate, rememberCatalog, type Memory } from '../../src/catalog/memory.js';
import type { Catalog, DatedDraft, Notice, Rejection } from '../../src/model.js';
import type { Scan } from '../../src/scan/scanner.js';
import { compareStrings } from '../../src/scan/walk.js';

/**
 * The catalog as CatalogBuilder built it before it worked by delta: every file dated, every draft
 * regrouped, re-clustered and sorted, the memory remembered whole. The reference the delta build
 * is compared with (tests/catalog/incremental.test.ts) and timed against (catalog-delta.ts).
 */
export function fullCatalogBuild(
  memory: Memory,
  memo: MergeMemo,
  scan: Scan,
  nearDupThreshold: number,
): Catalog {
  const drafts: DatedDraft[] = [];
  const rejected: Rejection[] = [...scan.refused];
  const notices: Notice[] = [];
  for (const { file, result, modified } of scan.files) {
    if ('reason' in result) {
      rejected.push(result);
      continue;
    }
    for (const note of result.notes) notices.push({ file: file.path, note });
    let date = result.date;
    if (date === undefined) {
      date = fallbackDate(memory, file, result.contentHash);
      notices.push({
        file: file.path,
        note: `no usable date; using the file's first-seen modification time ${new Date(date).toISOString()}`,
      });
    }
    drafts.push({
      draft: result,
      date,
      modified: modified ?? Math.floor(file.mtimeMs / 1000) * 1000,
    });
  }
  rejected.sort((a, b) => compareStrings(a.file, b.file));
  const catalog = buildCatalog({
    drafts,
    rejected,
    notices,
    files: scan.files.length + scan.refused.length,
    memory: memory.guids,
    memo,
    nearDupThreshold,
  });
  rememberCatalog(memory, catalog);
  return catalog;
}
