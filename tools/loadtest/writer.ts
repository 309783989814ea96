import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { rng } from '../bench/corpus.js';
import { seedFile } from './seed-file.js';

/**
 * The load test's writer, in a worker thread: every second a new article (even seconds) or an
 * edit (odd seconds: a writer article's body, or a base article's title and body), written in
 * place with a plain writeFile as a crawler would. Tells the main thread what it created.
 */
const { seeds, articles, categories, pool, untilMs } = workerData as {
  seeds: string;
  articles: number;
  categories: string[];
  pool: string[];
  untilMs: number;
};
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const random = rng(99);
const startedAt = performance.now();
let writes = 0;
for (let second = 0; performance.now() - startedAt < untilMs; second++) {
  const tickAt = startedAt + second * 1000;
  const n = Math.floor(second / 2);
  const paragraphs = Array.from({ length: 3 }, () =>
    Array.from({ length: 2 }, () => random.pick(pool)).join(''),
  );
  const writerFile = path.join(seeds, `writer-${n}.md`);
  if (second % 2 === 0) {
    parentPort!.postMessage({ created: n });
    await writeFile(
      writerFile,
      seedFile(
        `Loadtest writer article #${n}`,
        new Date(),
        [categories[n % categories.length]!],
        paragraphs,
      ),
    );
  } else if (n % 2 === 0) {
    await writeFile(
      writerFile,
      seedFile(
        `Loadtest writer article #${n}`,
        new Date(),
        [categories[n % categories.length]!],
        paragraphs,
      ),
    );
  } else {
    const i = random.int(0, articles - 1);
    const date = new Date(Date.UTC(2024, 0, 1) + i * 3_600_000);
    await writeFile(
      path.join(seeds, `base-${String(i).padStart(4, '0')}.md`),
      seedFile(
        `Base article ${i} (edited ${second})`,
        date,
        [categories[i % categories.length]!],
        paragraphs,
      ),
    );
  }
  parentPort!.postMessage({ writes: ++writes });
  await sleep(Math.max(0, tickAt + 1000 - performance.now()));
}
