import { writeFile } from 'node:fs/promises';
import path from 'node:path';

const VOCABULARY =
  'amber basin cedar delta ember fjord grove heron inlet juniper kestrel lagoon meadow nettle orchid pebble quarry raven spruce thistle upland valley willow yarrow zephyr anchor beacon canyon dune estuary falcon glacier'.split(
    ' ',
  );

/** Eighty words that differ enough from seed to seed that no two articles are near-duplicates. */
export function distinctText(seed: number): string {
  let x = seed * 2654435761 + 1;
  const words: string[] = [];
  for (let k = 0; k < 80; k++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    words.push(VOCABULARY[(x >>> 16) % VOCABULARY.length]!);
  }
  return `${words.join(' ')} (${seed}).`;
}

/** Article `i` of a small corpus: three categories, a dated front matter, `extra` in the body. */
export function articleText(i: number, extra = ''): string {
  const day = String((i % 28) + 1).padStart(2, '0');
  return [
    '---',
    `title: Report ${i}`,
    `date: 2024-02-${day}T08:00:00Z`,
    'categories:',
    `  - district ${i % 3}`,
    '---',
    `<p>${distinctText(i)}${extra}</p>`,
    '',
  ].join('\n');
}

/** Writes articles 0 … count-1 into `dir` as `NNN.md`. */
export async function writeArticles(dir: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++)
    await writeFile(path.join(dir, `${String(i).padStart(3, '0')}.md`), articleText(i));
}
