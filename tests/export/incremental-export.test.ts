/**
 * Property: an export kept up to date from each Site's change holds what that Site serves. One
 * long-lived Pipeline exporting to a directory follows a seeds directory through random steps
 * (add, edit, delete, rename, exact and near copy, touch); after every step each path of the
 * Site is a file with its bytes, and the directory holds no other document (the nginx and
 * static-host files aside), and those files are what a whole export of the Site writes. That
 * the Site itself equals a cold build of the same directory is
 * tests/live/incremental-property.test.ts's business; this one checks that the export, which
 * after the first run looks only at the paths a Site's change names, misses none of them.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import * as deployFiles from '../../src/export/deploy-files.js';
import { writeSite } from '../../src/export/write-site.js';
import { Pipeline, type PipelineSettings } from '../../src/pipeline.js';
import { fileForPath } from '../../src/render/urls.js';
import type { Site } from '../../src/render/site.js';
import { sentencesFrom } from '../../tools/bench/corpus.js';
import { SeedTree } from '../support/seed-tree.js';
import { seedTreeSteps } from '../support/seed-tree-ops.js';
import { BASE_URL, listFiles, makeTempDir, SAMPLES, SITE_TITLE } from '../support/site.js';

const SEED = 20261202;
const RUNS = 3;
const FILES = 120;

const steps = seedTreeSteps(3, 8);

/** Files seedfeed writes beside the documents (deploy-files.ts), and the compressed copies. */
const BESIDE = new Set(['404.html', '_headers', '_redirects']);
const isDocument = (rel: string) =>
  !rel.split('/').some((part) => part.startsWith('.')) &&
  !BESIDE.has(rel) &&
  !rel.endsWith('.gz') &&
  !rel.endsWith('.br');

async function documentsIn(dir: string): Promise<Set<string>> {
  return new Set((await listFiles(dir)).filter(isDocument));
}

/** What differs between the Site and its export: paths missing, bytes unlike, files extra. */
async function exportDifferences(site: Site, out: string): Promise<string[]> {
  const problems: string[] = [];
  const files = await documentsIn(out);
  for (const sitePath of site.paths()) {
    const file = fileForPath(sitePath);
    if (!files.delete(file)) {
      problems.push(`${sitePath}: not exported`);
      continue;
    }
    const served = Buffer.from((await site.load(sitePath))!.body);
    if (!served.equals(await readFile(path.join(out, file))))
      problems.push(`${sitePath}: the file's bytes are not the served ones`);
  }
  for (const file of files) problems.push(`${file}: exported, but the site has no such path`);
  return problems;
}

/** The files beside the documents (deploy-files.ts), by name: the 404 page, nginx's, a static host's. */
const DEPLOY_FILES = [
  '404.html',
  '_headers',
  '_redirects',
  '.seedfeed-nginx/server.conf',
  '.seedfeed-nginx/http.conf',
];

/** Deploy files of `out` unlike those a whole export of the same Site makes into `fresh`. */
async function deployDifferences(site: Site, out: string, fresh: string): Promise<string[]> {
  await rm(fresh, { recursive: true, force: true });
  await writeSite(site, fresh);
  const problems: string[] = [];
  for (const rel of DEPLOY_FILES) {
    const [kept, whole] = await Promise.all(
      [out, fresh].map((dir) => readFile(path.join(dir, rel)).catch(() => undefined)),
    );
    if (!kept || !whole || !kept.equals(whole))
      problems.push(`${rel}: not what a whole export writes`);
  }
  return problems;
}

describe('an export updated from each Site change', () => {
  let sentences: string[];
  let temp: { dir: string; remove: () => Promise<void> };
  beforeAll(async () => {
    sentences = await sentencesFrom(SAMPLES);
    temp = await makeTempDir('seedfeed-incremental-export-');
  });
  afterAll(() => temp.remove());

  it('holds every path of the Site with its bytes, and nothing else, after every step', async () => {
    let runs = 0;
    let fromChange = 0;
    const deployWrites = vi.spyOn(deployFiles, 'writeDeployFiles');
    let pipelineExports = 0;
    let pipelineDeploys = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat(), steps, async (corpusSalt, plan) => {
        const dir = path.join(temp.dir, `run-${++runs}`);
        const tree = new SeedTree(path.join(dir, 'seeds'), sentences);
        const out = path.join(dir, 'out');
        try {
          await tree.populate(FILES, corpusSalt);
          const settings: PipelineSettings = {
            seedsDir: tree.dir,
            extensions: ['.md', '.txt', '.html'],
            maxFileBytes: 1 << 20,
            baseUrl: BASE_URL,
            siteTitle: SITE_TITLE,
            limit: 6,
            archivePageSize: 4,
          };
          let now = Date.UTC(2026, 0, 1);
          const pipeline = new Pipeline({
            settings,
            clock: () => new Date(now),
            export: { outDir: out, state: true },
          });
          const log: string[] = [];
          for (let i = 0; i <= plan.length; i++) {
            if (i > 0) for (const op of plan[i - 1]!) log.push(`${i}. ${await tree.apply(op)}`);
            now += 60_000;
            const before = deployWrites.mock.calls.length;
            const run = await pipeline.run();
            if (run.outcome === 'failed') throw run.error;
            pipelineExports++;
            // The pipeline's own writes, not the whole export's below.
            const madeByPipeline = deployWrites.mock.calls.length - before;
            if (run.site.change) fromChange++;
            pipelineDeploys += madeByPipeline;
            const problems = [
              ...(await exportDifferences(run.site, out)),
              ...(await deployDifferences(run.site, out, path.join(dir, 'whole'))),
            ];
            if (problems.length)
              throw new Error(`after step ${i} of\n${log.join('\n')}\n\n${problems.join('\n')}`);
          }
        } finally {
          await rm(dir, { recursive: true, force: true, maxRetries: 3 });
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
    expect(runs).toBe(RUNS);
    // The path under test was taken: Sites made from the change, not whole.
    expect(fromChange).toBeGreaterThan(RUNS * 2);
    // And the deploy files were left alone where a change could not alter them.
    expect(pipelineDeploys).toBeGreaterThanOrEqual(RUNS);
    expect(pipelineDeploys).toBeLessThan(pipelineExports);
    deployWrites.mockRestore();
  }, 120_000);
});
