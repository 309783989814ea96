/**
 * The hostile seeds directory: the small fixtures of tests/fixtures/hostile/ plus the files that
 * cannot live in git (20 MB, 100,000-character title, 5,000 categories, 100,000 nested divs,
 * control bytes, odd names, symbolic links, a FIFO), generated into a temp directory, and the
 * outcome each file must get. Shared by the scan test and the browser test.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const HOSTILE_FIXTURES = fileURLToPath(new URL('../fixtures/hostile/', import.meta.url));
/** Written in the fixtures where an XSS payload would report to the test's canary server. */
export const CANARY_PLACEHOLDER = '__CANARY__';
export const NORMAL = 'normal.md';
export const NORMAL_TITLE = 'A normal article';

export type Outcome =
  | { readonly kind: 'article'; readonly title?: string | RegExp }
  | { readonly kind: 'duplicate'; readonly of: string }
  | { readonly kind: 'rejected'; readonly reason: RegExp };

const article = (title?: string | RegExp): Outcome => ({ kind: 'article', title });
const duplicateOfNormal: Outcome = { kind: 'duplicate', of: NORMAL };
const rejected = (reason: RegExp): Outcome => ({ kind: 'rejected', reason });

const YAML_ERROR = /^front matter is not valid YAML: .+ \(line \d+\)$/;
const NEVER_CODE = (language: string) =>
  new RegExp(
    `^front matter language "${language}" is not allowed: front matter is data \\(YAML\\), never code`,
  );

/** Every file of the hostile directory (relative path) and the handling it must get. */
export const EXPECTED: Readonly<Record<string, Outcome>> = {
  // The well-behaved neighbours: intact whatever the rest of the directory holds.
  'normal.md': article(NORMAL_TITLE),
  'normal-etc.md': article('A normal article about etc'),
  // Copies of normal.md in other clothes.
  'normal_crlf.md': duplicateOfNormal,
  'normal_cr.md': duplicateOfNormal,
  'normal_bom.md': duplicateOfNormal,
  'normal_utf16le-bom.md': duplicateOfNormal,
  'normal_utf16be-bom.md': duplicateOfNormal,
  // Malformed YAML of every common kind.
  'yaml-unterminated-quote.md': rejected(YAML_ERROR),
  'yaml-bad-indentation.md': rejected(YAML_ERROR),
  'yaml-tabs.md': rejected(YAML_ERROR),
  'yaml-no-closing-fence.md': rejected(/^front matter has no closing --- line$/),
  'yaml-duplicate-keys.md': rejected(
    /^front matter is not valid YAML: duplicated mapping key \(line 3\)$/,
  ),
  // Aliases are references, so the bomb costs nothing to load; its lists are no title and no names.
  'yaml-alias-bomb.md': article('Body of the alias bomb file.'),
  // Wrong types.
  'title-number.md': article('42'),
  'title-map.md': article('The title of this file is a map, so the first line stands in.'),
  'title-list.md': article('The title of this file is a list.'),
  'title-missing.md': article('This file has no title key at all.'),
  'title-empty.md': article('This file has an empty title.'),
  'title-null.md': article('This file has a null title.'),
  // Code in front matter is never run; JSON and TOML are not YAML and are refused unparsed.
  'fm-js.md': rejected(NEVER_CODE('js')),
  'fm-javascript.md': rejected(NEVER_CODE('javascript')),
  'fm-coffee.md': rejected(NEVER_CODE('coffee')),
  'fm-json.md': rejected(/^front matter language "json" is not allowed: front matter is YAML/),
  'fm-toml.md': rejected(/^front matter language "toml" is not allowed: front matter is YAML/),
  'yaml-js-function.md': rejected(
    /^front matter is not valid YAML: unknown tag !<tag:yaml.org,2002:js\/function> \(line 2\)$/,
  ),
  // Nothing to show.
  'empty.md': rejected(/^file is empty$/),
  'whitespace-only.md': rejected(/^file is empty$/),
  'front-matter-only.md': rejected(/^file has no text: the body is empty once markup is removed$/),
  'binary-junk.txt': rejected(/^binary file: contains a NUL byte at offset \d+$/),
  'junk-high-bytes.txt': rejected(/^not valid UTF-8 \(at byte 0\)/),
  'invalid-utf8.md': rejected(/^not valid UTF-8 \(at byte 39\)/),
  'gbk.md': rejected(
    /^not valid UTF-8 \(at byte 11\); legacy encodings such as GBK are not guessed/,
  ),
  'utf16le-no-bom.md': rejected(/^binary file: contains a NUL byte at offset 1$/),
  // XML-illegal characters and CDATA/entities: used, cleaned.
  'control-raw.md': article('Raw controls in the title'),
  'control-escaped.md': article('Escaped controls in the title'),
  'entities-cdata.md': article('Ends ]]> here &nbsp; &copy; &hellip; &bogus; &#0; &#x1;'),
  // Size.
  'huge-20mb.md': rejected(/^file is 20\.0 MB, over the 5\.0 MB size limit$/),
  'long-title.md': article(/^T{500}$/),
  'many-categories.md': article('Five thousand categories'),
  'nested-divs.md': article('One hundred thousand nested divs'),
  // XSS payloads: used, with every payload removed or escaped.
  'xss-body.md': article('XSS in the body'),
  'xss-fields.md': article(
    /^<script>__pwned=1;\(new Image\)\.src='http:\/\/127\.0\.0\.1:\d+\/title'<\/script><img src=x onerror=__pwned=1>$/,
  ),
  'xss-markdown.md': article('XSS in Markdown'),
  'xss-document.html': article('An HTML document <script>__pwned=1</script>'),
  // Category names that are paths or devices get safe slugs.
  'categories-hostile.md': article('Hostile category names'),
  // Dates.
  'date-future.md': article('A date far in the future'),
  'date-impossible.md': article('An impossible date'),
  'date-epoch0.md': article('Dated at the epoch'),
  'date-garbage.md': article('A garbage date'),
  // Names.
  'name with spaces.md': article('A file name with spaces'),
  'a<b>"c"&d.md': article('A file name with <>"&'),
  'new\nline.md': article('A file name with a newline'),
  // Not regular files inside the directory.
  'link-out.md': rejected(/^skipped: symbolic link points outside the seeds directory$/),
  'link-passwd.md': rejected(/^skipped: symbolic link points outside the seeds directory$/),
  'link-loop-a.md': rejected(/^skipped: a symbolic link loop$/),
  'link-loop-b.md': rejected(/^skipped: a symbolic link loop$/),
  'link-dangling.md': rejected(/^skipped: a broken symbolic link$/),
  'fifo.md': rejected(/^skipped: a FIFO, not a regular file$/),
};

const utf16be = (text: string) => {
  const le = Buffer.from(text, 'utf16le');
  for (let i = 0; i < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1]!, le[i]!];
  return le;
};

/** A small deterministic byte generator (no Math.random: the files are the same on every run). */
function junk(length: number, seed: number, pick: (n: number) => number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = pick(x >>> 16);
  }
  return out;
}

const frontMatter = (fields: string, body: string) => `---\n${fields}\n---\n${body}\n`;

/** The generated files: what cannot sensibly be committed. */
function generated(normal: string): Record<string, Buffer | string> {
  const nestedDepth = 100_000;
  return {
    'normal_crlf.md': normal.replace(/\n/g, '\r\n'),
    'normal_cr.md': normal.replace(/\n/g, '\r'),
    'normal_bom.md': `\uFEFF${normal}`,
    'normal_utf16le-bom.md': Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from(normal, 'utf16le'),
    ]),
    'normal_utf16be-bom.md': Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(normal)]),
    'utf16le-no-bom.md': Buffer.from(normal, 'utf16le'),
    'binary-junk.txt': junk(4096, 1, (n) => n & 0xff),
    'junk-high-bytes.txt': junk(4096, 2, (n) => 0x80 | (n & 0x3f)),
    'invalid-utf8.md': Buffer.concat([
      Buffer.from('---\ntitle: Invalid UTF-8\n---\n<p>Before '),
      Buffer.from([0xff, 0xfe, 0xc3]),
      Buffer.from(' after</p>\n'),
    ]),
    // 中文标题 and 正文 in GBK.
    'gbk.md': Buffer.concat([
      Buffer.from('---\ntitle: '),
      Buffer.from([0xd6, 0xd0, 0xce, 0xc4, 0xb1, 0xea, 0xcc, 0xe2]),
      Buffer.from('\n---\n'),
      Buffer.from([0xd5, 0xfd, 0xce, 0xc4]),
      Buffer.from('\n'),
    ]),
    'control-raw.md': frontMatter(
      'title: "Raw controls\u0001 in the\u0008 title\u001b"\nauthor: "Raw\u0002 author"\ncategories: ["raw\u0003cat", "\u0004"]\ndate: 2024-02-11T00:00:00Z',
      '<p>Raw controls in the body: \u0001\u0002\u0003\u000b\u000c\u001f\u007f\u0085 \uFFFE\uFFFF and \uFDD0.</p>',
    ),
    'control-escaped.md': frontMatter(
      String.raw`title: "Escaped controls\x01 in the\x1b title\uFFFE\uD800"` +
        '\n' +
        String.raw`author: "Escaped\x02\x7f author\uFFFF"` +
        '\n' +
        String.raw`categories: ["esc\x03cat", "\x05", "\uDFFF"]` +
        '\ndate: 2024-02-12T00:00:00Z',
      '<p>Escaped controls arrive only through YAML; this body is plain.</p>',
    ),
    // Read no further than the cap: 20 MB of an otherwise valid article.
    'huge-20mb.md': Buffer.concat([
      Buffer.from(frontMatter('title: Huge', '<p>')),
      Buffer.alloc(20 * 1024 * 1024 - 32, 'x'.charCodeAt(0)),
      Buffer.from('</p>\n'),
    ]).subarray(0, 20 * 1024 * 1024),
    'long-title.md': frontMatter(
      `title: "${'T'.repeat(100_000)}"\ndate: 2024-02-13T00:00:00Z`,
      '<p>The title of this file is 100,000 characters long.</p>',
    ),
    'many-categories.md': frontMatter(
      `title: Five thousand categories\ndate: 2024-02-14T00:00:00Z\ncategories:\n${Array.from({ length: 5000 }, (_, i) => `  - cat-${i}`).join('\n')}`,
      '<p>This article claims five thousand categories.</p>',
    ),
    'nested-divs.md': frontMatter(
      'title: One hundred thousand nested divs\ndate: 2024-02-15T00:00:00Z',
      `<p>Text before the nesting.</p>${'<div>'.repeat(nestedDepth)}deep text${'</div>'.repeat(nestedDepth)}<p>Text after the nesting.</p>`,
    ),
    'name with spaces.md': frontMatter(
      'title: A file name with spaces\ndate: 2024-02-16T00:00:00Z',
      '<p>Its name has spaces.</p>',
    ),
    'a<b>"c"&d.md': frontMatter(
      `title: 'A file name with <>"&'\ndate: 2024-02-17T00:00:00Z`,
      '<p>Its name has markup characters.</p>',
    ),
    'new\nline.md': frontMatter(
      'title: A file name with a newline\ndate: 2024-02-18T00:00:00Z',
      '<p>Its name has a newline.</p>',
    ),
  };
}

export interface HostileDir {
  readonly seeds: string;
  readonly outside: string;
}

/**
 * Fills `<root>/seeds` with every case of EXPECTED (and `<root>/outside` with what the links
 * point at). `canary` is the origin that replaces the placeholder in the XSS payloads.
 */
export async function writeHostileSeeds(
  root: string,
  canary = 'http://127.0.0.1:9',
): Promise<HostileDir> {
  const seeds = path.join(root, 'seeds');
  const outside = path.join(root, 'outside');
  await mkdir(seeds, { recursive: true });
  await mkdir(outside, { recursive: true });
  const normal = readFileSync(path.join(HOSTILE_FIXTURES, NORMAL), 'utf8');
  for (const name of readdirSync(HOSTILE_FIXTURES)) {
    const text = readFileSync(path.join(HOSTILE_FIXTURES, name), 'utf8');
    await writeFile(path.join(seeds, name), text.replaceAll(CANARY_PLACEHOLDER, canary));
  }
  for (const [name, content] of Object.entries(generated(normal)))
    await writeFile(path.join(seeds, name), content);

  await writeFile(
    path.join(outside, 'secret.md'),
    frontMatter('title: A secret outside', '<p>Must never be read.</p>'),
  );
  await symlink(path.join(outside, 'secret.md'), path.join(seeds, 'link-out.md'));
  await symlink('/etc/passwd', path.join(seeds, 'link-passwd.md'));
  await symlink('link-loop-b.md', path.join(seeds, 'link-loop-a.md'));
  await symlink('link-loop-a.md', path.join(seeds, 'link-loop-b.md'));
  await symlink('does-not-exist.md', path.join(seeds, 'link-dangling.md'));
  execFileSync('mkfifo', [path.join(seeds, 'fifo.md')]);
  return { seeds, outside };
}
