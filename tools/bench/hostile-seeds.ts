import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The stall bench's seeds: the hostile files of issue #3 and the other shapes found while fixing
 * it, each as in the issue and grown to the size cap, and three legitimate articles at the cap.
 */

/** The default size cap of a seed file (--max-file-size 5MB). */
export const CAP = 5 * 1024 * 1024;

const fm = (fields: string, body: string) => `---\n${fields}\n---\n${body}\n`;
/** `unit` repeated to about `bytes` of UTF-8 (at least once), between `head` and `tail`. */
const fill = (bytes: number, unit: string, head = '', tail = '') => {
  const room = bytes - Buffer.byteLength(head) - Buffer.byteLength(tail);
  return head + unit.repeat(Math.max(1, Math.floor(room / Buffer.byteLength(unit)))) + tail;
};
const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i}`);

/** Each hostile shape, made at a size in bytes (about): the issue's size, or the cap. */
interface Shape {
  readonly name: string;
  readonly issueBytes: number;
  readonly make: (bytes: number) => string;
}

function aliases(bytes: number): string {
  // Three lists of about the same size: names, aliases of the names, aliases of that.
  const n = Math.max(400, Math.floor(bytes / 13));
  return fm(
    `title: Aliases\nx_a: &a [${words(n).join(',')}]\nx_b: &b [${Array(n).fill('*a').join(',')}]\ncategories: [${Array(n).fill('*b').join(',')}]`,
    'Body.',
  );
}

function nestedList(bytes: number): string {
  const depth = Math.floor(Math.sqrt(bytes));
  return fm(
    'title: Nested list',
    Array.from({ length: depth }, (_, i) => `${'  '.repeat(i)}- item${i}`).join('\n'),
  );
}

function quoteStairs(bytes: number): string {
  const depth = Math.floor(Math.sqrt(bytes * 2));
  return fm(
    'title: Quote stairs',
    Array.from({ length: depth }, (_, i) => `${'>'.repeat(i + 1)} line${i}`).join('\n'),
  );
}

const SHAPES: readonly Shape[] = [
  // The three of the issue.
  { name: 'yaml-aliases', issueBytes: 5_600, make: aliases },
  {
    name: 'link-pattern',
    issueBytes: 200_000,
    make: (b) => fm('title: Links', fill(b, '[a](', 'Intro.\n\n')),
  },
  { name: 'nested-list', issueBytes: 1_000_000, make: nestedList },
  { name: 'underscores', issueBytes: 40_000, make: (b) => fm('title: Underscores', fill(b, '_a')) },
  // Found on the way.
  {
    name: 'emphasis-openers',
    issueBytes: 90_000,
    make: (b) => fm('title: Openers', fill(b, '*a ', '', 'a*')),
  },
  { name: 'dots-underscores', issueBytes: 90_000, make: (b) => fm('title: Dots', fill(b, 'a._')) },
  {
    name: 'strike-openers',
    issueBytes: 80_000,
    make: (b) => fm('title: Tildes', fill(b, '~~a ', '', 'a~~')),
  },
  {
    name: 'quote-line',
    issueBytes: 100_000,
    make: (b) => fm('title: Quotes', fill(b, '>', '', ' deep')),
  },
  { name: 'quote-stairs', issueBytes: 2_000_000, make: quoteStairs },
  {
    name: 'marker-line',
    issueBytes: 200_000,
    make: (b) => fm('title: Markers', fill(b, '- ', '', 'deep')),
  },
  { name: 'p-without-close', issueBytes: 200_000, make: (b) => fm('title: P', fill(b, '<p')) },
  {
    name: 'a-without-close',
    issueBytes: 150_000,
    make: (b) => fm('title: A', fill(b, '<a ', '<p>')),
  },
  {
    name: 'title-without-close',
    issueBytes: 360_000,
    make: (b) => fill(b, '<title', '<html>', '>'),
  },
  {
    name: 'img-without-close',
    issueBytes: 250_000,
    make: (b) => fm('title: Img', fill(b, '<img ', '<p>text</p>')),
  },
  {
    name: 'related-headings',
    issueBytes: 190_000,
    make: (b) =>
      fm('title: Related', fill(b, '<p>推荐阅读</p>', '<p>Story.</p>', `<p>${'x'.repeat(20)}</p>`)),
  },
];

/** Legitimate articles at the cap: what the deadline and the memory limit must leave room for. */
function legitimate(samples: string): Array<[string, string]> {
  const md =
    '## Section\n\nSome *emphasis* and **strong** text, a [link](https://example.org/a_b?c=d) and `code`. 中文段落，包含一些**重点**内容。\n\n' +
    '- item one with *em*\n- item two with a [link](http://x.org)\n  - nested item\n\n> a quote with **bold**\n\n```js\nconst x = a * b;\n```\n\n| a | b |\n|---|---|\n| *c* | d |\n\n';
  const crawled = readFileSync(path.join(samples, readdirSync(samples).sort()[0]!), 'utf8');
  const [, head = '', body = crawled] = /^(\s*---[\s\S]*?\n---\n)([\s\S]*)$/.exec(crawled) ?? [];
  return [
    [
      'legit-markdown-5mb.md',
      fill(CAP - 4096, md, '---\ntitle: Markdown\ndate: 2024-01-01\n---\n'),
    ],
    [
      'legit-table-5mb.md',
      fill(
        CAP - 4096,
        '| *x* | [l](http://e.org) | 中文 |\n',
        '---\ntitle: Table\n---\n| a | b | c |\n|---|---|---|\n',
      ),
    ],
    ['legit-crawled-5mb.txt', fill(CAP - 4096, body, head)],
  ];
}

/** The shape at about `bytes`, made smaller until it is within the size cap (some shapes grow by squares). */
function underCap(shape: Shape, bytes: number): string {
  let text = shape.make(bytes);
  for (let size = Buffer.byteLength(text); size > CAP - 16; size = Buffer.byteLength(text)) {
    bytes = Math.floor(bytes * ((CAP - 1024) / size) ** 2 * 0.99);
    text = shape.make(bytes);
  }
  return text;
}

export interface SeedsOptions {
  /** The sample articles, copied in and used for the legitimate 5 MB articles. */
  readonly samples: string;
  /** Only these shapes, and no legitimate articles. */
  readonly only?: readonly string[];
  /** Each shape also grown to the cap. */
  readonly grown: boolean;
}

/** Writes the samples, the hostile files and the legitimate ones into `dir`; returns the names written besides the samples. */
export function writeSeeds(dir: string, { samples, only, grown }: SeedsOptions): string[] {
  for (const name of readdirSync(samples))
    writeFileSync(path.join(dir, name), readFileSync(path.join(samples, name)));
  const names: string[] = [];
  for (const shape of SHAPES) {
    if (only && !only.includes(shape.name)) continue;
    const ext = shape.name === 'title-without-close' ? 'html' : 'md';
    const sizes: Array<[string, number]> = [[`${shape.name}.${ext}`, shape.issueBytes]];
    if (grown) sizes.push([`${shape.name}-5mb.${ext}`, CAP - 1024]);
    for (const [name, bytes] of sizes) {
      writeFileSync(path.join(dir, name), underCap(shape, bytes));
      names.push(name);
    }
  }
  if (!only) {
    for (const [name, text] of legitimate(samples)) {
      writeFileSync(path.join(dir, name), text);
      names.push(name);
    }
  }
  return names;
}
